from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .ncr_common import NcrCase

SIGNATURE_LOGGER = "odoo.addons.md_base.models.md_signature"


@tagged("post_install", "-at_install")
class TestNcrWorkflow(NcrCase):
    """ISO 13485 8.3.1: identify, document, segregate (hold), evaluate, dispose."""

    def test_sequence_and_open_state(self):
        ncr = self.new_ncr()
        self.assertRegex(ncr.name, r"^NCR/\d{4}/\d{4}$")
        self.assertEqual(ncr.state, "open")
        self.assertEqual(ncr.detected_by_id, self.inspector)
        self.assertEqual(ncr.uom_id, self.product.uom_id)

    def test_containment_places_one_hold_and_blocks_use(self):
        """The inspector contains without the right to manage holds: the NCR is the source."""
        ncr = self.new_ncr()
        self.assertFalse(self.env["md.lot.hold"].with_user(self.inspector).has_access("create"))
        ncr.action_contain()
        holds = self.active_holds(ncr)
        self.assertEqual(len(holds), 1)
        self.assertEqual(
            (holds.lot_id, holds.hold_type, holds.placed_by_id), (self.lot, "hold", self.inspector)
        )
        self.assertEqual(self.lot.md_status, "on_hold")
        self.assertEqual(ncr.state, "containment")
        self.assertEqual(ncr.active_hold_count, 1)
        # Containing again holds only lots not held yet.
        ncr.action_contain()
        self.assertEqual(len(self.active_holds(ncr)), 1)
        with self.assertRaises(UserError):
            self.lot._md_check_usable("Delivery to a customer")

    def test_containment_refused_to_plain_user_and_without_lots(self):
        ncr = self.new_ncr()
        with self.assertRaises(AccessError):
            ncr.with_user(self.user).action_contain()
        untracked = self.new_ncr(lot_ids=[Command.clear()])
        with self.assertRaisesRegex(UserError, "no lot/serial"):
            untracked.action_contain()
        with self.assertRaises(AccessError):
            self.env["md.quality.ncr"].with_user(self.user).create(
                {"product_id": self.product.id, "quantity": 1, "description": "x"}
            )

    def test_state_only_through_workflow(self):
        ncr = self.new_ncr()
        with self.assertRaisesRegex(UserError, "workflow"):
            ncr.write({"state": "closed"})
        with self.assertRaisesRegex(UserError, "workflow"):
            self.new_ncr(state="disposition")
        with self.assertRaises(UserError):
            ncr.with_user(self.manager).unlink()

    def test_mrb_review_needs_investigation(self):
        ncr = self.new_ncr()
        ncr.action_contain()
        with self.assertRaisesRegex(UserError, "investigation"):
            ncr.action_mrb_review()
        ncr.investigation = "Supplier process drift"
        ncr.action_mrb_review()
        self.assertEqual(ncr.state, "mrb")
        with self.assertRaises(AccessError):
            ncr.action_decide_disposition()
        with self.assertRaisesRegex(UserError, "dispositions"):
            ncr.with_user(self.manager).action_decide_disposition()

    def test_held_lot_cannot_be_dropped_from_the_report(self):
        ncr = self.new_ncr()
        ncr.action_contain()
        with self.assertRaisesRegex(UserError, "release its hold"):
            ncr.lot_ids = [Command.clear()]

    def test_lots_must_be_of_the_product(self):
        other = self.env["product.product"].create({"name": "Other", "is_storable": True, "tracking": "lot"})
        foreign = self.env["stock.lot"].create({"name": "OTHER-1", "product_id": other.id})
        with self.assertRaises(ValidationError):
            self.new_ncr(lot_ids=[Command.set(foreign.ids)])
        with self.assertRaises(ValidationError):
            self.new_ncr(quantity=0)


@tagged("post_install", "-at_install")
class TestNcrDisposition(NcrCase):
    """ISO 13485 8.3.2-8.3.4: the MRB's dispositions are executed as real operations."""

    def test_disposition_quantity_above_ncr_quantity_refused(self):
        with self.assertRaisesRegex(ValidationError, "more than the nonconforming quantity"):
            self.ncr_in_disposition([("scrap", 60, {}), ("concession", 50, {"justification": "x"})])

    def test_ncr_quantity_not_below_its_dispositions(self):
        ncr = self.ncr_in_disposition([("scrap", 60, {})])
        with self.assertRaisesRegex(ValidationError, "already cover"):
            ncr.quantity = 50
        ncr.quantity = 60

    def test_disposition_refused_to_inspector(self):
        ncr = self.new_ncr()
        ncr.action_contain()
        ncr.investigation = "Cause known"
        ncr.action_mrb_review()
        with self.assertRaises(AccessError):
            ncr.write({"disposition_ids": [Command.create({"disposition_type": "scrap", "quantity": 1})]})

    def test_scrap_is_validated_and_lot_rejected(self):
        ncr = self.ncr_in_disposition([("scrap", 100, {})])
        line = ncr.disposition_ids
        line.action_execute()
        self.assertEqual(line.scrap_id.state, "done")
        self.assertEqual((line.scrap_id.lot_id, line.scrap_id.scrap_qty), (self.lot, 100))
        self.assertEqual(line.state, "done")
        self.assertEqual(self.on_hand(self.lot), 0)
        self.assertEqual(ncr.scrap_count, 1)
        # Only scrapped: the NCR's containment hold becomes "rejected" (ISO 13485 8.3).
        holds = self.active_holds(ncr)
        self.assertEqual(holds.mapped("hold_type"), ["rejected"])
        self.assertEqual(self.lot.md_status, "rejected")

    def test_execute_only_by_manager_in_disposition(self):
        ncr = self.ncr_in_disposition([("scrap", 10, {})])
        with self.assertRaises(AccessError):
            ncr.disposition_ids.with_user(self.inspector).action_execute()
        ncr.disposition_ids.action_execute()
        with self.assertRaisesRegex(UserError, "already executed"):
            ncr.disposition_ids.action_execute()
        with self.assertRaisesRegex(UserError, "can be changed only while it is To Execute"):
            ncr.disposition_ids.quantity = 5
        with self.assertRaises(UserError):
            ncr.disposition_ids.unlink()

    def test_concession_needs_signature_with_reason_by_manager(self):
        ncr = self.ncr_in_disposition(
            [("concession", 100, {"justification": "Wall thickness within design margin"})]
        )
        line = ncr.disposition_ids
        with self.assertRaisesRegex(UserError, "signature"):
            line.action_execute()
        with mute_logger(SIGNATURE_LOGGER), self.assertRaisesRegex(UserError, "reason"):
            line.md_sign("approved", self.password(self.manager), "  ")
        with mute_logger(SIGNATURE_LOGGER), self.assertRaises(AccessError):
            line.with_user(self.inspector).md_sign("approved", self.password(self.inspector), "ok")
        self.assertEqual(line.state, "draft")
        self.assertEqual(self.lot.md_status, "on_hold")
        line.md_sign("approved", self.password(self.manager), "Verified by design: margin 0.05 mm is safe")
        self.assertEqual(line.state, "done")
        self.assertEqual(line.approved_by_id, self.manager)
        # Used as is: the hold is released with the disposition as reason.
        self.assertFalse(self.active_holds(ncr))
        self.assertEqual(self.lot.md_status, "released")
        self.assertIn("Use As Is", ncr.hold_ids.release_reason)

    def test_concession_without_justification_cannot_be_signed(self):
        ncr = self.ncr_in_disposition([("concession", 100, {})])
        with mute_logger(SIGNATURE_LOGGER), self.assertRaisesRegex(UserError, "justification"):
            ncr.disposition_ids.md_sign("approved", self.password(self.manager), "ok")

    def test_split_scrap_and_concession_releases_after_both(self):
        ncr = self.ncr_in_disposition(
            [("scrap", 40, {}), ("concession", 60, {"justification": "Within margin"})]
        )
        scrap, concession = ncr.disposition_ids
        scrap.action_execute()
        # The concession part still waits for its approval: the lot stays held.
        self.assertEqual(self.lot.md_status, "on_hold")
        concession.md_sign("approved", self.password(self.manager), "Within margin")
        self.assertEqual(self.lot.md_status, "released")
        self.assertEqual(self.on_hand(self.lot), 60)

    def test_return_to_supplier_from_receipt(self):
        ncr = self.ncr_in_disposition([("return", 30, {})])
        line = ncr.disposition_ids
        line.action_execute()
        picking = line.picking_id
        self.assertEqual(picking.return_id, self.receipt)
        self.assertEqual(picking.md_ncr_id, ncr)
        self.assertEqual(picking.location_dest_id.usage, "supplier")
        self.assertEqual(picking.move_line_ids.lot_id, self.lot)
        self.assertEqual(picking.move_line_ids.quantity, 30)
        self.assertEqual(line.state, "in_progress")
        # Held stock may go back to the supplier (md_udi_trace hold gate: 8.3 disposition).
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(line.state, "done")
        self.assertEqual(self.on_hand(self.lot), 70)

    def test_return_without_receipt_goes_to_the_supplier(self):
        ncr = self.ncr_in_disposition([("return", 5, {})])
        ncr.sudo().picking_id = False
        ncr.disposition_ids.action_execute()
        picking = ncr.disposition_ids.picking_id
        self.assertFalse(picking.return_id)
        self.assertEqual(picking.partner_id, self.supplier)
        self.assertEqual(picking.location_dest_id, self.supplier.property_stock_supplier)
        self.assertEqual(picking.move_line_ids.lot_id, self.lot)

    def test_return_without_receipt_nor_supplier_refused(self):
        ncr = self.ncr_in_disposition([("return", 5, {})])
        ncr.sudo().write({"picking_id": False, "partner_id": False})
        with self.assertRaisesRegex(UserError, "return to whom"):
            ncr.disposition_ids.action_execute()
        self.assertFalse(ncr.disposition_ids.picking_id)

    def test_rework_order_consumes_and_produces_the_held_lot(self):
        ncr = self.ncr_in_disposition([("rework", 20, {})])
        line = ncr.disposition_ids
        line.action_execute()
        # The shop floor (here the superuser) carries out the rework order.
        production = line.production_id.sudo()
        self.assertEqual(production.md_ncr_disposition_id, line)
        self.assertEqual(production.lot_producing_id, self.lot)
        self.assertEqual(production.move_raw_ids.product_id, self.product)
        self.assertEqual(production.move_raw_ids.move_line_ids.lot_id, self.lot)
        self.assertEqual(line.state, "in_progress")
        production.qty_producing = 20
        production.move_raw_ids.picked = True
        production.button_mark_done()
        self.assertEqual(production.state, "done")
        # No final inspection plan for the product: the rework is done with its order.
        self.assertEqual(line.state, "done")
        self.assertEqual(self.lot.md_status, "released")
        self.assertEqual(self.on_hand(self.lot), 100)

    def test_held_lot_still_not_consumed_by_other_orders(self):
        """The rework exception is only for the NCR's own order (8.3: no use until disposition)."""
        ncr = self.new_ncr()
        ncr.action_contain()
        production = self.env["mrp.production"].create(
            {"product_id": self.env["product.product"].create({"name": "Kit", "is_storable": True}).id}
        )
        production.move_raw_ids = [
            Command.create(production._get_move_raw_values(self.product, 1, self.product.uom_id))
        ]
        production.action_confirm()
        with self.assertRaisesRegex(UserError, "Consumption"):
            self.env["stock.move.line"].create(
                {
                    "move_id": production.move_raw_ids.id,
                    "product_id": self.product.id,
                    "lot_id": self.lot.id,
                    "quantity": 1,
                    "location_id": self.stock.id,
                    "location_dest_id": production.move_raw_ids.location_dest_id.id,
                }
            )

    def test_repair_order_created_and_completed(self):
        ncr = self.ncr_in_disposition([("repair", 10, {})])
        line = ncr.disposition_ids
        line.action_execute()
        repair = line.repair_id.sudo()
        self.assertEqual((repair.product_id, repair.lot_id, repair.product_qty), (self.product, self.lot, 10))
        self.assertEqual(repair.state, "confirmed")
        self.assertEqual(repair.md_ncr_id, ncr)
        self.assertEqual(line.state, "in_progress")
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")
        self.assertEqual(line.state, "done")
        self.assertEqual(self.lot.md_status, "released")

    def test_decision_can_return_to_mrb_until_executed(self):
        ncr = self.ncr_in_disposition([("scrap", 10, {}), ("scrap", 10, {})])
        ncr.action_back_to_mrb()
        self.assertEqual(ncr.state, "mrb")
        ncr.action_decide_disposition()
        ncr.disposition_ids[0].action_execute()
        with self.assertRaisesRegex(UserError, "stands"):
            ncr.action_back_to_mrb()
        ncr.disposition_ids[1].unlink()


@tagged("post_install", "-at_install")
class TestNcrClosure(NcrCase):
    """Closure is e-signed (21 CFR 11.50) by a quality manager other than the author,
    once every disposition is done and the holds are resolved."""

    def test_closure_refused_while_operation_open(self):
        ncr = self.ncr_in_disposition([("return", 100, {})])
        ncr.disposition_ids.action_execute()
        with self.assertRaisesRegex(UserError, "dispositions not done"):
            ncr.with_user(self.manager2).action_close()
        with mute_logger(SIGNATURE_LOGGER), self.assertRaisesRegex(UserError, "cannot be closed"):
            ncr.with_user(self.manager2).md_sign("closed", self.password(self.manager2), "Done")
        self.assertEqual(ncr.state, "disposition")

    def test_closure_refused_for_uncovered_quantity(self):
        ncr = self.ncr_in_disposition([("scrap", 60, {})])
        ncr.disposition_ids.action_execute()
        with self.assertRaisesRegex(UserError, "cover 60"):
            ncr.with_user(self.manager2).action_close()

    def test_closure_refused_with_unresolved_hold(self):
        other = self.env["stock.lot"].create({"name": "NCR-L2", "product_id": self.product.id})
        ncr = self.new_ncr(lot_ids=[Command.set((self.lot | other).ids)])
        ncr.action_contain()
        ncr.investigation = "Both lots suspected; only L1 affected"
        ncr.action_mrb_review()
        ncr = ncr.with_user(self.manager)
        ncr.disposition_ids = [
            Command.create(
                {
                    "disposition_type": "scrap",
                    "lot_id": self.lot.id,
                    "location_id": self.stock.id,
                    "quantity": 100,
                }
            )
        ]
        ncr.action_decide_disposition()
        ncr.disposition_ids.action_execute()
        with self.assertRaisesRegex(UserError, "holds still unresolved on NCR-L2"):
            ncr.with_user(self.manager2).action_close()

    def test_closure_signed_by_other_manager(self):
        ncr = self.ncr_in_disposition([("scrap", 100, {})])
        ncr.disposition_ids.action_execute()
        with self.assertRaises(AccessError):
            ncr.with_user(self.inspector).action_close()
        # The inspector authored the NCR; a manager who authored it may not sign either.
        own = self.new_ncr(user=self.manager)
        with mute_logger(SIGNATURE_LOGGER), self.assertRaisesRegex(UserError, "segregation of duties"):
            own.md_sign("closed", self.password(self.manager), "Complete")
        with self.assertRaisesRegex(UserError, "signed electronically"):
            ncr.with_user(self.manager2)._md_close()
        action = ncr.with_user(self.manager2).action_close()
        self.assertEqual(action["res_model"], "md.sign.wizard")
        ncr.with_user(self.manager2).md_sign("closed", self.password(self.manager2), "Disposition complete")
        self.assertEqual(ncr.state, "closed")
        self.assertEqual(ncr.closed_by_id, self.manager2)
        # The rejected hold stays: the lot is identified as rejected (7.5.8).
        self.assertEqual(self.lot.md_status, "rejected")
        with self.assertRaisesRegex(UserError, "closed"):
            ncr.with_user(self.manager2).write({"investigation": "rewritten"})
        with self.assertRaisesRegex(UserError, f"{ncr.name} is already closed"):
            ncr.with_user(self.manager).action_close()


@tagged("post_install", "-at_install")
class TestNcrIntegration(NcrCase):
    """Release blockers, recall from an NCR, failed inspections."""

    def test_open_ncr_blocks_release(self):
        other = self.env["stock.lot"].create({"name": "NCR-FREE", "product_id": self.product.id})
        ncr = self.new_ncr()
        blockers = (self.lot | other)._md_release_blockers()
        self.assertIn(f"Open nonconformance: {ncr.name}", blockers[self.lot.id])
        self.assertFalse([b for b in blockers[other.id] if "nonconformance" in b])

    def test_closed_ncr_no_longer_blocks_release(self):
        ncr = self.ncr_in_disposition([("concession", 100, {"justification": "Within margin"})])
        ncr.disposition_ids.md_sign("approved", self.password(self.manager), "Within margin")
        ncr.with_user(self.manager2).md_sign("closed", self.password(self.manager2), "Complete")
        blockers = self.lot._md_release_blockers()[self.lot.id]
        self.assertFalse([b for b in blockers if ncr.name in b])

    def test_release_blockers_one_query(self):
        lots = self.env["stock.lot"].create(
            [{"name": f"NCR-Q{i}", "product_id": self.product.id} for i in range(20)]
        )
        self.new_ncr(lot_ids=[Command.set(lots.ids)])
        lots.invalidate_recordset()
        self.env["md.quality.ncr"].flush_model()
        with self.assertQueryCount(1):
            blockers = self.env["stock.lot"].browse(lots.ids)._md_ncr_release_blockers()
        self.assertEqual(len(blockers), 20)

    def test_start_recall_from_ncr(self):
        ncr = self.new_ncr(source="customer_return")
        action = ncr.with_user(self.regulatory).action_start_recall()
        recall = self.env["md.recall"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "md.recall")
        self.assertEqual(
            (recall.source, recall.source_model, recall.source_res_id),
            ("nonconformance", "md.quality.ncr", ncr.id),
        )
        self.assertEqual(recall.lot_ids, self.lot)
        self.assertEqual(ncr.recall_count, 1)
        with self.assertRaises(AccessError):
            ncr.with_user(self.inspector).action_start_recall()


@tagged("post_install", "-at_install")
class TestNcrFromInspection(NcrCase):
    """A failed inspection opens an NCR (ISO 13485 8.3.1); rework is re-inspected (8.3.4)."""

    def _plan(self, trigger):
        return self.env["md.quality.inspection.plan"].create(
            {
                "name": f"{trigger} inspection of tubing",
                "trigger": trigger,
                "product_tmpl_id": self.product.product_tmpl_id.id,
                "sampling_method": "fixed",
                "fixed_sample_size": 5,
                "fixed_accept_number": 0,
                "item_ids": [Command.create({"name": "Visual check", "test_type": "check"})],
            }
        )

    def _decide(self, inspection, result):
        inspection = inspection.with_user(self.inspector)
        inspection.line_ids.write({"check_result": result})
        inspection.md_sign("verified", self.password(self.inspector), f"Results verified: {result}")
        return inspection

    def _receipt_inspection(self):
        return self.env["md.quality.inspection"]._md_create_inspections(
            [
                {
                    "plan": self._plan("receipt"),
                    "product": self.product,
                    "lots": self.lot,
                    "quantity": 100,
                    "picking": self.receipt,
                    "partner": self.supplier,
                }
            ]
        )

    def test_failed_inspection_opens_contained_ncr(self):
        inspection = self._receipt_inspection()
        self.assertEqual(self.lot.md_status, "quarantine")
        self._decide(inspection, "fail")
        self.assertEqual(inspection.state, "failed")
        ncr = inspection.md_ncr_ids
        self.assertEqual(len(ncr), 1)
        self.assertEqual(
            (
                ncr.source,
                ncr.product_id,
                ncr.lot_ids,
                ncr.quantity,
                ncr.picking_id,
                ncr.partner_id,
                ncr.state,
            ),
            ("inspection", self.product, self.lot, 100, self.receipt, self.supplier, "containment"),
        )
        self.assertEqual(ncr.create_uid, self.inspector)
        # The NCR's "rejected" hold replaces the inspection's quarantine: one owner of the status.
        self.assertEqual(self.active_holds(ncr).hold_type, "rejected")
        self.assertFalse(inspection._md_quarantine_holds())
        self.assertEqual(self.lot.md_status, "rejected")
        self.assertIn(self.manager, ncr.activity_ids.user_id)
        # Deciding again never opens a second NCR.
        inspection._md_open_ncrs()
        self.assertEqual(len(inspection.md_ncr_ids), 1)

    def test_passed_inspection_opens_no_ncr(self):
        inspection = self._receipt_inspection()
        self._decide(inspection, "pass")
        self.assertFalse(inspection.md_ncr_ids)
        self.assertEqual(self.lot.md_status, "released")

    def _rework_done(self):
        self._plan("final")
        ncr = self.ncr_in_disposition([("rework", 20, {})])
        line = ncr.disposition_ids
        line.action_execute()
        production = line.production_id.sudo()
        production.qty_producing = 20
        production.move_raw_ids.picked = True
        production.button_mark_done()
        return ncr, line

    def test_rework_is_reinspected_before_release(self):
        _ncr, line = self._rework_done()
        self.assertEqual(line.inspection_id.production_id, line.production_id)
        self.assertEqual(line.inspection_id.quantity, 20)
        self.assertEqual(line.state, "in_progress")
        self.assertEqual(self.lot.md_status, "on_hold")
        self._decide(line.inspection_id, "pass")
        self.assertEqual(line.state, "done")
        self.assertEqual(self.lot.md_status, "released")

    def test_failed_reinspection_continues_in_a_new_ncr(self):
        ncr, line = self._rework_done()
        self._decide(line.inspection_id, "fail")
        self.assertEqual(line.state, "failed")
        new_ncr = line.inspection_id.md_ncr_ids
        self.assertTrue(new_ncr)
        self.assertNotEqual(new_ncr, ncr)
        self.assertFalse(self.active_holds(ncr))
        self.assertEqual(self.active_holds(new_ncr).hold_type, "rejected")
        self.assertEqual(self.lot.md_status, "rejected")
