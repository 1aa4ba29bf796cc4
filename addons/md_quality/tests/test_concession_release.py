"""Acceptance by concession lifts the failed-inspection release blocker
(ISO 13485:2016 8.3.2: nonconforming product is accepted by concession only
when justified, within the regulatory requirements, and with the identity of
the person authorising it recorded; 21 CFR 820.90(b)): only a done concession,
signed "approved" by a quality manager, of the closed NCR that the failed
inspection opened, and only for the lots the concession names. The batch
release signature is still required (ISO 13485 8.2.6)."""

import logging

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .ncr_common import NcrCase
from .release_common import ReleaseCase

_logger = logging.getLogger(__name__)

INVESTIGATION = "Seal width 0.2 mm under the drawing; design verification shows no effect on sterility."
JUSTIFICATION = "Seal strength tested at 1.8x the requirement: safe and effective as is."


def dispose(ncr, inspector, manager, lines):
    """Evaluate ``ncr`` and have the MRB decide ``lines`` = [(type, lot, quantity, extra vals)]."""
    ncr = ncr.with_user(inspector)
    ncr.investigation = INVESTIGATION
    ncr.action_mrb_review()
    ncr = ncr.with_user(manager)
    ncr.disposition_ids = [
        Command.create({"disposition_type": kind, "lot_id": lot.id, "quantity": quantity, **extra})
        for kind, lot, quantity, extra in lines
    ]
    ncr.action_decide_disposition()
    return ncr


@tagged("post_install", "-at_install")
class TestConcessionRelease(ReleaseCase):
    """A manufactured serial fails its required final inspection; the NCR it opens is
    dispositioned and closed; the DHR's release then depends on the disposition."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.qa_manager = cls._user("md_con_qa_manager", "md_base.group_md_quality_manager")
        cls.qa_manager2 = cls._user("md_con_qa_manager2", "md_base.group_md_quality_manager")
        cls.env["md.quality.inspection.plan"].create(
            {
                "name": "FQC infusion set (concession)",
                "trigger": "final",
                "product_tmpl_id": cls.device.product_tmpl_id.id,
                "required_for_release": True,
                "sampling_method": "fixed",
                "fixed_sample_size": 1,
                "fixed_accept_number": 0,
                "item_ids": [Command.create({"name": "Seal width", "test_type": "check"})],
            }
        )

    def failed_serial(self, name):
        """A produced serial whose final inspection failed, and the NCR that opened."""
        production, serial = self.produce(name)
        dhr = production.md_dhr_ids
        inspection = dhr.inspection_ids.with_user(self.inspector)
        inspection.line_ids.write({"check_result": "fail"})
        inspection.md_sign("verified", self.password(self.inspector), "Seal width out of tolerance")
        self.assertEqual(inspection.state, "failed")
        return serial, dhr, inspection, inspection.md_ncr_ids

    def concede(self, ncr, serial):
        ncr = dispose(
            ncr,
            self.inspector,
            self.qa_manager,
            [("concession", serial, 1, {"justification": JUSTIFICATION})],
        )
        line = ncr.disposition_ids
        line.md_sign("approved", self.password(self.qa_manager), JUSTIFICATION)
        self.assertEqual(line.state, "done")
        return line

    def close(self, ncr):
        ncr.with_user(self.qa_manager2).md_sign(
            "closed", self.password(self.qa_manager2), "Disposition complete"
        )
        self.assertEqual(ncr.state, "closed")

    def test_concession_of_the_closed_ncr_allows_the_signed_release(self):
        """8.3.2 / 820.90(b): accepted under concession, the lot can be released, by its
        release signature only (8.2.6)."""
        serial, dhr, inspection, ncr = self.failed_serial("SN-CON-1")
        self.assertIn(f"Inspection {inspection.name} is Failed.", serial._md_release_blockers()[serial.id])
        self.concede(ncr, serial)
        self.close(ncr)
        self.assertEqual(serial.md_status, "released")
        # No blocker left: neither the failure nor the required plan without a passed inspection.
        self.assertEqual(serial._md_release_blockers()[serial.id], [])
        dhr.invalidate_recordset(["release_blockers", "release_blocker_count"])
        self.assertEqual(dhr.release_blocker_count, 0)
        # The concession is no release: the lot stays pending and cannot be delivered.
        self.assertEqual((dhr.state, serial.md_release_state), ("pending", "pending"))
        with self.assertRaisesRegex(UserError, "awaiting batch release"):
            self.deliver(serial)
        self.sign(dhr, self.approver)
        self.assertEqual((dhr.state, serial.md_release_state), ("released", "released"))

    def test_open_ncr_keeps_the_lot_blocked(self):
        """8.3.2 with 8.3.1: the concession counts once the NCR is closed."""
        serial, dhr, inspection, ncr = self.failed_serial("SN-CON-OPEN")
        self.concede(ncr, serial)
        self.assertEqual(ncr.state, "disposition")
        blockers = serial._md_release_blockers()[serial.id]
        self.assertIn(f"Inspection {inspection.name} is Failed.", blockers)
        self.assertIn(f"Open nonconformance: {ncr.name}", blockers)
        with self.assertRaisesRegex(UserError, inspection.name):
            self.sign(dhr, self.approver)
        self.assertEqual(dhr.state, "pending")

    def test_scrap_instead_of_concession_keeps_the_lot_blocked(self):
        """820.90(b): only a concession accepts nonconforming product; scrapped product stays rejected."""
        serial, dhr, inspection, ncr = self.failed_serial("SN-CON-SCRAP")
        ncr = dispose(
            ncr,
            self.inspector,
            self.qa_manager,
            [("scrap", serial, 1, {"location_id": self.stock_location.id})],
        )
        ncr.disposition_ids.action_execute()
        self.close(ncr)
        blockers = serial._md_release_blockers()[serial.id]
        self.assertIn(f"Inspection {inspection.name} is Failed.", blockers)
        with self.assertRaisesRegex(UserError, inspection.name):
            self.sign(dhr, self.approver)

    def test_dhr_shows_the_concession(self):
        """820.90(b) / 8.3.2: the DHR names the NCR, the concession's signer and date."""
        serial, dhr, _inspection, ncr = self.failed_serial("SN-CON-DHR")
        line = self.concede(ncr, serial)
        self.close(ncr)
        dhr.invalidate_recordset(["concession_ids"])
        self.assertEqual(dhr.with_user(self.md_user).concession_ids, line)
        self.assertEqual(line.approved_by_id, self.qa_manager)
        self.assertTrue(line.date_approved)
        html, _report_type = self.env["ir.actions.report"]._render_qweb_html(
            "md_quality.report_md_quality_dhr", dhr.ids
        )
        html = html.decode()
        for expected in ("Accepted under concession", ncr.name, self.qa_manager.name, JUSTIFICATION):
            self.assertIn(expected, html)
        # A DHR without concession has no such section.
        _production, other = self.produce("SN-CON-NONE")
        html, _report_type = self.env["ir.actions.report"]._render_qweb_html(
            "md_quality.report_md_quality_dhr", other.md_dhr_ids.ids
        )
        self.assertNotIn("Accepted under concession", html.decode())


@tagged("post_install", "-at_install")
class TestConcessionBlockers(NcrCase):
    """Which concession lifts which failed inspection, for which lots, in one query."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Inspection = cls.env["md.quality.inspection"]

    def plan(self, trigger):
        return self.env["md.quality.inspection.plan"].create(
            {
                "name": f"{trigger} inspection of tubing (concession)",
                "trigger": trigger,
                "product_tmpl_id": self.product.product_tmpl_id.id,
                "sampling_method": "fixed",
                "fixed_sample_size": 5,
                "fixed_accept_number": 0,
                "item_ids": [Command.create({"name": "Wall thickness", "test_type": "check"})],
            }
        )

    def inspect(self, lots, quantity, trigger="receipt", result="fail"):
        inspection = self.Inspection._md_create_inspections(
            [{"plan": self.plan(trigger), "product": self.product, "lots": lots, "quantity": quantity}]
        )
        return self.decide(inspection, result)

    def decide(self, inspection, result):
        inspection = inspection.with_user(self.inspector)
        inspection.line_ids.write({"check_result": result})
        inspection.md_sign("verified", self.password(self.inspector), f"Results verified: {result}")
        return inspection

    def dispose(self, ncr, lines):
        return dispose(
            ncr,
            self.inspector,
            self.manager,
            [(kind, lot, qty, {"location_id": self.stock.id, **extra}) for kind, lot, qty, extra in lines],
        )

    def sign_concessions(self, ncr):
        concessions = ncr.disposition_ids.filtered(lambda d: d.disposition_type == "concession")
        concessions.md_sign("approved", self.password(self.manager), JUSTIFICATION)

    def close(self, ncr):
        ncr.with_user(self.manager2).md_sign("closed", self.password(self.manager2), "Disposition complete")
        self.assertEqual(ncr.state, "closed")

    def failure(self, inspection):
        return f"Inspection {inspection.name} is Failed."

    def test_concession_lifts_only_the_lots_it_names(self):
        """8.3.2: the concession accepts the lot it names; the scrapped lot stays blocked."""
        lot2 = self.env["stock.lot"].create({"name": "NCR-L2", "product_id": self.product.id})
        self._receive(lot2, 50)
        inspection = self.inspect(self.lot | lot2, 150)
        ncr = self.dispose(
            inspection.md_ncr_ids,
            [("concession", self.lot, 100, {"justification": JUSTIFICATION}), ("scrap", lot2, 50, {})],
        )
        ncr.disposition_ids.filtered(lambda d: d.disposition_type == "scrap").action_execute()
        self.sign_concessions(ncr)
        self.close(ncr)
        self.assertEqual(
            self.Inspection._md_conceded_failures({self.lot.id, lot2.id}, {inspection.id}),
            {(self.lot.id, inspection.id)},
        )
        blockers = (self.lot | lot2)._md_release_blockers()
        self.assertEqual(blockers[self.lot.id], [])
        self.assertIn(self.failure(inspection), blockers[lot2.id])

    def test_concession_of_another_inspection_does_not_lift_the_failure(self):
        """820.90(b): a concession accepts what its own NCR found nonconforming, nothing else."""
        first = self.inspect(self.lot, 100)
        second = self.inspect(self.lot, 100, trigger="delivery")
        ncr = self.dispose(
            second.md_ncr_ids, [("concession", self.lot, 100, {"justification": JUSTIFICATION})]
        )
        self.sign_concessions(ncr)
        self.close(ncr)
        # An NCR naming the lot but not opened by an inspection, conceded and closed, lifts nothing either.
        supplier_ncr = self.ncr_in_disposition([("concession", 100, {"justification": JUSTIFICATION})])
        self.sign_concessions(supplier_ncr)
        self.close(supplier_ncr)
        self.assertEqual(
            self.Inspection._md_conceded_failures({self.lot.id}, {first.id, second.id}),
            {(self.lot.id, second.id)},
        )
        blockers = self.lot._md_release_blockers()[self.lot.id]
        self.assertIn(self.failure(first), blockers)
        self.assertNotIn(self.failure(second), blockers)

    def test_rework_keeps_the_failure_until_the_reinspection_passes(self):
        """8.3.4: reworked product is re-verified; rework is no concession."""
        failed = self.inspect(self.lot, 100, trigger="final")
        ncr = self.dispose(failed.md_ncr_ids, [("rework", self.lot, 100, {})])
        line = ncr.disposition_ids
        line.action_execute()
        production = line.production_id.sudo()
        production.qty_producing = 100
        production.move_raw_ids.picked = True
        production.button_mark_done()
        self.assertTrue(line.inspection_id)
        self.assertIn(self.failure(failed), self.lot._md_release_blockers()[self.lot.id])
        self.decide(line.inspection_id, "pass")
        self.assertEqual(line.state, "done")
        self.close(ncr)
        self.assertEqual(self.lot._md_release_blockers()[self.lot.id], [])

    def test_concession_check_does_not_grow_with_the_lots(self):
        """Set-based: one query finds the concessions of any number of lots."""
        lots = self.env["stock.lot"].create(
            [{"name": f"NCR-CON-{i}", "product_id": self.product.id} for i in range(20)]
        )
        inspection = self.inspect(lots, 100)
        ncr = self.dispose(
            inspection.md_ncr_ids,
            [("concession", lot, 5, {"justification": JUSTIFICATION}) for lot in lots],
        )
        self.sign_concessions(ncr)
        self.close(ncr)
        self.env.flush_all()
        with self.assertQueryCount(1):
            conceded = self.Inspection._md_conceded_failures(set(lots.ids), {inspection.id})
        self.assertEqual(conceded, {(lot.id, inspection.id) for lot in lots})
        counts = []
        for subset in (lots[:1], lots):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            blockers = self.env["stock.lot"].browse(subset.ids)._md_release_blockers()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(blockers, {lot.id: [] for lot in subset})
        _logger.info("release blockers of 1 and 20 lots accepted under concession: %s queries", counts)
        self.assertEqual(counts[0], counts[1], f"queries for 1 and 20 lots: {counts}")
