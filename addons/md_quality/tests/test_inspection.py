import logging
import statistics
import time
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.md_quality.sampling import iso2859

from .inspection_common import InspectionCase

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestInspectionTriggers(InspectionCase):
    """Plans create inspections when their operation happens (ISO 13485 7.4.3, 8.2.6)."""

    def test_receipt_creates_iqc_and_quarantines_the_lot(self):
        lot = self.receive(self.tubing, "TUBE-IQC-1", 500)
        inspection = self.inspections_of(lot)
        self.assertEqual(len(inspection), 1)
        self.assertEqual(
            (inspection.trigger, inspection.plan_id, inspection.lot_id, inspection.partner_id),
            ("receipt", self.iqc_plan, lot, self.supplier),
        )
        self.assertEqual(inspection.quantity, 500)
        # ISO 2859-1: 500 units, level II -> code letter H, n = 50; AQL 1.0 -> Ac 1, Re 2
        self.assertEqual(
            (
                inspection.code_letter,
                inspection.sample_size,
                inspection.accept_number,
                inspection.reject_number,
            ),
            ("H", 50, 1, 2),
        )
        self.assertEqual(inspection.line_ids.mapped("name"), ["Outer diameter", "Surface free of particles"])
        self.assertEqual(lot.md_status, "quarantine")
        self.assertEqual(len(self.quarantine_holds(inspection)), 1)

    def test_product_without_plan_creates_no_inspection(self):
        lot = self.receive(self.pouch, "POUCH-NOPLAN", 100)
        self.assertFalse(self.inspections_of(lot))
        self.assertEqual(lot.md_status, "released")

    def test_category_plan_applies_without_product_plan(self):
        category = self.env["product.category"].create({"name": "MD Test Packaging"})
        self.pouch.categ_id = category
        plan = self.env["md.quality.inspection.plan"].create(
            {
                "name": "IQC packaging",
                "trigger": "receipt",
                "product_categ_id": category.id,
                "sampling_method": "full",
            }
        )
        lot = self.receive(self.pouch, "POUCH-CATEG", 20)
        inspection = self.inspections_of(lot)
        self.assertEqual(inspection.plan_id, plan)
        self.assertEqual((inspection.sample_size, inspection.accept_number), (20, 0), "100% inspection")

    def test_serial_receipt_groups_serials_in_one_inspection(self):
        self.plan(self.device, "receipt", sampling_method="fixed", fixed_sample_size=2, fixed_accept_number=0)
        picking, serials = self.receive_serials(self.device, [f"SN-G-{i}" for i in range(5)])
        inspection = self.env["md.quality.inspection"].search([("picking_id", "=", picking.id)])
        self.assertEqual(len(inspection), 1)
        self.assertFalse(inspection.lot_id)
        self.assertEqual(inspection.lot_ids, serials)
        self.assertEqual((inspection.quantity, inspection.sample_size), (5, 2))
        self.assertEqual(set(serials.mapped("md_status")), {"quarantine"})

    def test_done_manufacturing_order_creates_final_inspection(self):
        plan = self.plan(self.subassembly, "final", sampling_method="full", required_for_release=True)
        self.item(plan, "Leak test", test_type="check")
        component = self.receive(self.pouch, "POUCH-MO", 50)
        production, lots = self.produce(self.subassembly, ["DRIP-FQC-1"], [(component, 10)])
        self.assertFalse(self.inspections_of(lots), "created when the order is done")
        self.finish(production)
        inspection = self.inspections_of(lots)
        self.assertEqual(
            (inspection.trigger, inspection.production_id, inspection.lot_id), ("final", production, lots)
        )
        self.assertEqual(lots.md_status, "quarantine")

    def test_finished_operation_creates_in_process_inspection(self):
        workcenter = self.env["mrp.workcenter"].create({"name": "MD Test Bonding Cell"})
        bom = self.env["mrp.bom"].create(
            {
                "product_tmpl_id": self.subassembly.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [Command.create({"product_id": self.pouch.id, "product_qty": 1})],
                "operation_ids": [Command.create({"name": "Bonding", "workcenter_id": workcenter.id})],
            }
        )
        plan = self.plan(
            self.subassembly, "operation", operation_id=bom.operation_ids.id, sampling_method="full"
        )
        self.item(plan, "Bond strength", lower=10, upper=100)
        self.receive(self.pouch, "POUCH-WO", 10)
        production = self.env["mrp.production"].create({"product_id": self.subassembly.id, "bom_id": bom.id})
        production.action_confirm()
        production.action_generate_serial()
        self.assertTrue(production.workorder_ids)
        production.workorder_ids.button_start()
        production.workorder_ids.button_finish()
        inspection = self.env["md.quality.inspection"].search([("production_id", "=", production.id)])
        self.assertEqual(
            (inspection.trigger, inspection.workorder_id, inspection.lot_id),
            ("operation", production.workorder_ids, production.lot_producing_id),
        )

    def test_delivery_waits_for_passed_outgoing_inspection(self):
        plan = self.plan(self.pouch, "delivery", sampling_method="fixed", fixed_sample_size=1)
        self.item(plan, "Carton intact", test_type="check")
        lot = self.receive(self.pouch, "POUCH-OQC", 10)
        picking = self._picking(
            self.warehouse.out_type_id, self.stock_location, self.customer_location, self.hospital
        )
        move = self._move(picking, self.pouch, 10)
        picking.action_confirm()
        picking.action_assign()
        move.picked = True
        action = picking.button_validate()
        inspection = self.env["md.quality.inspection"].search([("picking_id", "=", picking.id)])
        self.assertEqual((action["res_model"], inspection.trigger), ("md.quality.inspection", "delivery"))
        self.assertEqual(picking.state, "assigned", "not validated before the inspection passed")
        self.assertEqual(
            lot.md_status, "released", "an outgoing inspection keeps the reservation: no quarantine"
        )
        self.enter_results(inspection)
        self.sign(inspection)
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_failed_outgoing_inspection_refuses_delivery(self):
        plan = self.plan(self.pouch, "delivery", sampling_method="fixed", fixed_sample_size=1)
        self.item(plan, "Carton intact", test_type="check")
        self.receive(self.pouch, "POUCH-OQC-F", 10)
        picking = self._picking(
            self.warehouse.out_type_id, self.stock_location, self.customer_location, self.hospital
        )
        self._move(picking, self.pouch, 10)
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        picking.button_validate()
        inspection = self.env["md.quality.inspection"].search([("picking_id", "=", picking.id)])
        self.enter_results(inspection, check="fail")
        self.sign(inspection)
        self.assertEqual(inspection.state, "failed")
        with self.assertRaisesRegex(UserError, "outgoing inspection failed"):
            picking.button_validate()


@tagged("post_install", "-at_install")
class TestInspectionDecision(InspectionCase):
    """The inspector's signature decides on the entered results (ISO 2859-1 7.4, 21 CFR 11.50)."""

    def test_sample_size_follows_iso2859(self):
        for lot_size in (8, 100, 500, 10000):
            expected = iso2859.sampling_plan(lot_size, "II", 1.0)
            sampling = self.iqc_plan._md_sampling(lot_size)
            self.assertEqual(
                (sampling["sample_size"], sampling["accept_number"], sampling["reject_number"]),
                (expected.sample_size, expected.accept, expected.reject),
                f"lot of {lot_size}",
            )
        self.assertEqual(self.iqc_plan._md_sampling(10000)["sample_size"], 200, "code letter L")
        tightened = self.iqc_plan._md_sampling(500, "tightened")
        self.assertEqual((tightened["sample_size"], tightened["accept_number"]), (80, 1), "Table 2-B: J")

    def test_pass_releases_the_quarantine(self):
        lot = self.receive(self.tubing, "TUBE-PASS", 500)
        inspection = self.inspections_of(lot)
        self.enter_results(inspection)
        self.assertTrue(inspection.results_complete)
        self.sign(inspection)
        self.assertEqual(inspection.state, "passed")
        self.assertEqual((inspection.inspector_id, inspection.defect_count), (self.inspector, 0))
        self.assertEqual(lot.md_status, "released")
        self.assertFalse(self.quarantine_holds(inspection))

    def test_measurements_out_of_limits_fail_and_keep_the_quarantine(self):
        lot = self.receive(self.tubing, "TUBE-FAIL", 500)
        inspection = self.inspections_of(lot)
        # two sampled units out of limits > Ac 1
        self.enter_results(inspection, values=[3.0, 3.2, 2.8])
        self.assertEqual(inspection.line_ids[0].out_of_limit_count, 2)
        with patch.object(type(inspection), "_md_on_failed", autospec=True) as on_failed:
            self.sign(inspection)
        self.assertEqual((inspection.state, inspection.defect_count), ("failed", 2))
        on_failed.assert_called_once()
        self.assertEqual(on_failed.call_args.args[0], inspection)
        self.assertEqual(lot.md_status, "quarantine", "the NCR decides on the held stock (ISO 13485 8.3)")

    def test_defects_within_acceptance_number_pass(self):
        lot = self.receive(self.tubing, "TUBE-AC", 500)
        inspection = self.inspections_of(lot)
        self.enter_results(inspection, values=[3.0, 3.2, 3.0])
        self.sign(inspection)
        self.assertEqual((inspection.state, inspection.defect_count), ("passed", 1), "1 defect <= Ac 1")

    def test_failed_check_counts_its_failing_units(self):
        lot = self.receive(self.tubing, "TUBE-CHK", 500)
        inspection = self.inspections_of(lot)
        self.enter_results(inspection, check="fail")
        inspection.line_ids.filtered(lambda line: line.test_type == "check").with_user(self.inspector).write(
            {"defect_units": 2}
        )
        self.sign(inspection)
        self.assertEqual((inspection.state, inspection.defect_count), ("failed", 2))

    def test_incomplete_results_cannot_be_signed(self):
        inspection = self.inspections_of(self.receive(self.tubing, "TUBE-INC", 500))
        inspection.line_ids.filtered(lambda line: line.test_type == "check").write({"check_result": "pass"})
        with self.assertRaisesRegex(UserError, "lacks results for: Outer diameter"):
            self.sign(inspection)
        self.assertEqual(inspection.state, "draft")

    def test_plain_user_can_neither_enter_results_nor_sign(self):
        inspection = self.inspections_of(self.receive(self.tubing, "TUBE-USER", 500))
        self.enter_results(inspection)
        with self.assertRaises(AccessError):
            inspection.line_ids[1].with_user(self.plain_user).write({"check_result": "fail"})
        with self.assertRaises(UserError):
            self.sign(inspection, self.plain_user)
        self.assertEqual(inspection.state, "draft")

    def test_decision_only_by_signature(self):
        inspection = self.inspections_of(self.receive(self.tubing, "TUBE-SIG", 500))
        self.enter_results(inspection)
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            inspection.with_user(self.inspector).write({"state": "passed"})
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            inspection.with_user(self.inspector).write({"inspector_id": self.plain_user.id})
        with self.assertRaisesRegex(UserError, "must first be signed"):
            inspection._md_decide()
        self.assertEqual(inspection.state, "draft")

    def test_decided_inspection_is_locked(self):
        inspection = self.inspections_of(self.receive(self.tubing, "TUBE-LOCK", 500))
        self.enter_results(inspection)
        self.sign(inspection)
        measurement = inspection.line_ids[0].with_user(self.inspector)
        with self.assertRaisesRegex(UserError, f"{inspection.name} no longer takes changes of its lines"):
            measurement.md_record_values([3.0])
        with self.assertRaisesRegex(UserError, f"{inspection.name} is closed"):
            inspection.measurement_ids[0].with_user(self.inspector).value = 5.0
        with self.assertRaisesRegex(UserError, "already decided"):
            self.sign(inspection)

    def test_cancel_releases_the_quarantine(self):
        lot = self.receive(self.tubing, "TUBE-CANCEL", 500)
        inspection = self.inspections_of(lot)
        inspection.action_cancel()
        self.assertEqual((inspection.state, lot.md_status), ("cancelled", "released"))

    def test_switching_to_tightened_after_two_rejected_lots(self):
        # ISO 2859-1 9.3.1: 2 of 5 or fewer consecutive lots not accepted -> tightened
        for name in ("TUBE-SW-1", "TUBE-SW-2"):
            inspection = self.inspections_of(self.receive(self.tubing, name, 500))
            self.enter_results(inspection, values=[3.5, 3.5, 3.5])
            self.sign(inspection)
            self.assertEqual(inspection.state, "failed")
        state = self.iqc_plan.severity_ids
        self.assertEqual(
            (state.partner_id, state.product_id, state.severity), (self.supplier, self.tubing, "tightened")
        )
        inspection = self.inspections_of(self.receive(self.tubing, "TUBE-SW-3", 500))
        self.assertEqual((inspection.severity, inspection.sample_size), ("tightened", 80))


@tagged("post_install", "-at_install")
class TestInspectionCapability(InspectionCase):
    """Control chart data and Cpk per characteristic (ISO 13485 8.4 analysis of data)."""

    def test_cpk_matches_a_naive_computation(self):
        series = [[3.01, 2.98, 3.02], [3.00, 3.03, 2.97], [2.99, 3.01, 3.04]]
        for index, values in enumerate(series):
            inspection = self.inspections_of(self.receive(self.tubing, f"TUBE-CPK-{index}", 500))
            self.enter_results(inspection, values=values)
            self.sign(inspection)
        pending = self.inspections_of(self.receive(self.tubing, "TUBE-CPK-OPEN", 500))
        self.enter_results(pending, values=[9.0, 9.0, 9.0])  # not decided: not counted
        values = [value for chunk in series for value in chunk]
        mean, stddev = statistics.mean(values), statistics.stdev(values)
        count, sql_mean, sql_stddev = self.length._md_capability_stats()[self.length.id]
        self.assertEqual(count, 9)
        self.assertAlmostEqual(sql_mean, mean, places=9)
        self.assertAlmostEqual(sql_stddev, stddev, places=9)
        cp, cpk = self.length._md_capability_indices(sql_mean, sql_stddev)
        self.assertAlmostEqual(cpk, min(3.1 - mean, mean - 2.9) / (3 * stddev), places=9)
        self.assertAlmostEqual(cp, (3.1 - 2.9) / (6 * stddev), places=9)
        self.length.invalidate_recordset()
        self.assertEqual(self.length.measurement_count, 9)
        self.assertEqual(self.length.cpk, round(cpk, 3), "shown rounded")
        measurements = self.env["md.quality.measurement"].search([("test_item_id", "=", self.length.id)])
        self.assertEqual(len(measurements), 12, "one row per value")
        self.assertEqual(set(measurements.mapped("product_id")), {self.tubing})
        action = self.length.action_open_control_chart()
        self.assertEqual(action["domain"], [("test_item_id", "=", self.length.id), ("measured", "=", True)])

    def test_one_sided_limit_uses_its_side(self):
        item = self.item(self.iqc_plan, "Tensile strength", lower=10.0, has_upper_limit=False)
        self.assertEqual(item._md_capability_indices(16.0, 2.0), (0.0, 1.0))


@tagged("post_install", "-at_install")
class TestInspectionReleaseBlockers(InspectionCase):
    """stock.lot._md_release_blockers: open, failed and missing required inspections (ISO 13485 8.2.6)."""

    def blockers(self, lots):
        return self.env["md.quality.inspection"]._md_lot_blockers(lots)

    def test_open_and_failed_inspections_block_release(self):
        passing = self.receive(self.tubing, "TUBE-BL-1", 500)
        failing = self.receive(self.tubing, "TUBE-BL-2", 500)
        free = self.receive(self.pouch, "POUCH-BL", 10)
        lots = passing | failing | free
        blockers = self.blockers(lots)
        self.assertIn(f"Inspection {self.inspections_of(passing).name} is To Do.", blockers[passing.id])
        self.assertEqual(blockers[free.id], [])
        self.enter_results(self.inspections_of(passing))
        self.sign(self.inspections_of(passing))
        self.enter_results(self.inspections_of(failing), values=[4.0, 4.0, 4.0])
        self.sign(self.inspections_of(failing))
        blockers = lots._md_release_blockers()
        self.assertFalse([m for m in blockers[passing.id] if "Inspection" in m])
        self.assertIn(f"Inspection {self.inspections_of(failing).name} is Failed.", blockers[failing.id])

    def test_missing_required_final_inspection_blocks_release(self):
        plan = self.plan(self.subassembly, "final", sampling_method="full", required_for_release=True)
        self.item(plan, "Leak test", test_type="check")
        lot = self.env["stock.lot"].create({"name": "DRIP-NOFQC", "product_id": self.subassembly.id})
        # No inspection at all: the message names the action that creates it (the DHR's button).
        self.assertEqual(
            self.blockers(lot)[lot.id],
            [
                f'No final inspection of the required plan {plan.name} yet: use "Create Final Inspection" '
                "on the device history record."
            ],
        )
        plan.required_for_release = False
        self.assertEqual(self.blockers(lot)[lot.id], [])

    def test_reinspection_passed_after_failure_lifts_the_block(self):
        lot = self.receive(self.tubing, "TUBE-REINSPECT", 500)
        failed = self.inspections_of(lot)
        self.enter_results(failed, values=[4.0, 4.0, 4.0])
        self.sign(failed)
        again = self.env["md.quality.inspection"].create(
            {
                "plan_id": self.iqc_plan.id,
                "product_id": self.tubing.id,
                "lot_id": lot.id,
                "quantity": 500,
                "sample_size": 50,
                "accept_number": 1,
                "reject_number": 2,
            }
        )
        self.assertIn(f"Inspection {failed.name} is Failed.", self.blockers(lot)[lot.id])
        self.enter_results(again)
        self.sign(again)
        self.assertEqual(self.blockers(lot)[lot.id], [])

    def test_blockers_of_many_lots_in_constant_queries(self):
        self.plan(self.tubing, "final", sampling_method="full", required_for_release=True)
        lots = self.env["stock.lot"].create(
            [{"name": f"TUBE-Q-{i}", "product_id": self.tubing.id} for i in range(50)]
        )
        counts = []
        for subset in (lots[:2], lots):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            blockers = self.blockers(subset)
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(len(blockers), len(subset))
        self.assertEqual(counts[0], counts[1], "the same queries for 2 and 50 lots")
        self.assertLessEqual(counts[1], 8)


@tagged("post_install", "-at_install")
class TestInspectionScale(InspectionCase):
    """A receipt of 1000 serial numbers creates its inspection set-based."""

    def test_serial_receipt_inspection_queries_do_not_grow_with_serials(self):
        picking_small, _small = self.receive_serials(self.device, [f"SN-S-{i}" for i in range(10)])
        picking_large, large = self.receive_serials(self.device, [f"SN-L-{i}" for i in range(1000)])
        self.plan(self.device, "receipt", aql="0.65")
        counts = []
        for picking in (picking_small, picking_large):
            self.env.invalidate_all()
            before, start = self.env.cr.sql_log_count, time.perf_counter()
            groups = picking._md_inspection_groups("receipt")
            self.env["md.quality.inspection"]._md_create_inspections(groups)
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
            _logger.info(
                "inspection of %s serials: %s queries, %.2f s",
                len(picking.move_line_ids),
                counts[-1],
                time.perf_counter() - start,
            )
        inspection = self.env["md.quality.inspection"].search([("picking_id", "=", picking_large.id)])
        self.assertEqual((len(inspection), len(inspection.lot_ids), inspection.quantity), (1, 1000, 1000))
        self.assertEqual(set(large.mapped("md_status")), {"quarantine"})
        self.assertEqual(inspection.sample_size, iso2859.sampling_plan(1000, "II", 0.65).sample_size)
        # No query per serial: only Odoo's INSERT batches (100 rows each) of holds and links grow.
        self.assertLess(counts[1] - counts[0], 990 / 20, f"queries for 10 and 1000 serials: {counts}")
