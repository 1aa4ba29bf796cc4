"""Batch release (ISO 13485 8.2.6, 21 CFR 820.80(d) / QMSR): the lot of a
manufactured device is released by the e-signature of a QA release approver
who took no part in producing it, once nothing blocks it; an unreleased lot
cannot be delivered to a customer."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .release_common import ReleaseCase


@tagged("post_install", "-at_install")
class TestBatchRelease(ReleaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.production, cls.serial = cls.produce("SN-REL-1")
        cls.dhr = cls.production.md_dhr_ids

    def test_release_by_another_approver(self):
        signature_ids = self.sign(self.dhr, self.approver)
        self.assertEqual(len(signature_ids), 1)
        self.assertEqual(self.dhr.state, "released")
        self.assertEqual(self.dhr.decision_by_id, self.approver)
        self.assertEqual(self.dhr.decision_reason, "Batch record reviewed, all criteria met")
        self.assertEqual(self.serial.md_release_state, "released")
        self.assertEqual(self.dhr.md_signature_ids.signer_id, self.approver)

    def test_release_refused_for_the_producing_operator(self):
        # the operator is a release approver too: the rule lets the group sign,
        # segregation of duties refuses the person who produced the lot
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            self.sign(self.dhr, self.operator)
        self.assertEqual(self.dhr.state, "pending")

    def test_release_refused_for_the_order_responsible(self):
        production, _serial = self.produce("SN-REL-RESP", done=False)
        production.user_id = self.approver2
        production.button_mark_done()
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            self.sign(production.md_dhr_ids, self.approver2)

    def test_release_refused_without_authority(self):
        for user in (self.inspector, self.md_user):
            with self.assertRaises(AccessError):
                self.sign(self.dhr, user)
        self.assertEqual(self.dhr.state, "pending")
        self.assertFalse(self.dhr.md_signature_ids)

    def test_release_refused_without_signature(self):
        # no way around the signature: the state is not writable, the button opens the signing dialog
        with self.assertRaises(AccessError):
            self.dhr.with_user(self.approver).write({"state": "released"})
        action = self.dhr.with_user(self.approver).action_release()
        self.assertEqual(action["res_model"], "md.sign.wizard")
        released = self.env.ref("md_base.md_signature_meaning_released")
        self.assertEqual(action["context"]["default_meaning_id"], released.id)
        self.assertEqual(self.dhr.state, "pending")
        self.assertEqual(self.serial.md_release_state, "pending")

    def test_release_through_the_signing_dialog(self):
        action = self.dhr.with_user(self.approver).action_release()
        wizard = (
            self.env["md.sign.wizard"]
            .with_user(self.approver)
            .with_context(**action["context"])
            .create(
                {
                    "reason": "DHR complete",
                    "login": self.approver.login,
                    "password": self.password(self.approver),
                }
            )
        )
        wizard.action_sign()
        self.assertEqual(self.dhr.state, "released")

    def test_release_refused_with_an_active_hold(self):
        hold = self.serial._md_place_hold("hold", "Sterility certificate missing")
        self.assertIn("Sterility certificate missing", self.dhr.release_blockers)
        self.assertEqual(self.dhr.release_blocker_count, 1)
        with self.assertRaisesRegex(UserError, "Sterility certificate missing"):
            self.sign(self.dhr, self.approver)
        self.assertEqual(self.dhr.state, "pending")
        hold._md_release("Certificate received")
        self.sign(self.dhr, self.approver)
        self.assertEqual(self.serial.md_release_state, "released")

    def test_open_manufacturing_order_blocks_the_lot(self):
        production, serial = self.produce("SN-REL-OPEN", done=False)
        blockers = serial._md_release_blockers()[serial.id]
        self.assertIn(f"Manufacturing order {production.name} is not done.", blockers)
        production.button_mark_done()
        self.assertFalse(serial._md_release_blockers()[serial.id])

    def test_rejection_holds_the_lot(self):
        self.sign(self.dhr, self.approver, "rejected", "Seal strength below specification")
        self.assertEqual(self.dhr.state, "rejected")
        self.assertEqual(self.serial.md_release_state, "rejected")
        self.assertEqual(self.serial.md_status, "rejected")
        hold = self.serial.md_hold_ids
        self.assertEqual((hold.res_model, hold.res_id), ("md.quality.dhr", self.dhr.id))
        with self.assertRaisesRegex(UserError, "already decided"):
            self.sign(self.dhr, self.approver2)

    def test_delivery_of_unreleased_lot_refused(self):
        with self.assertRaisesRegex(UserError, r"SN-REL-1.*awaiting batch release"):
            self.deliver(self.serial)
        self.assertEqual(
            self.serial.quant_ids.filtered(lambda q: q.location_id == self.stock_location).quantity, 1
        )

    def test_delivery_after_release_passes(self):
        self.sign(self.dhr, self.approver)
        picking = self.deliver(self.serial)
        self.assertEqual(picking.state, "done")

    def test_internal_move_of_unreleased_lot_allowed(self):
        shelf = self.env["stock.location"].create(
            {"name": "MD Rel Shelf", "location_id": self.stock_location.id, "usage": "internal"}
        )
        picking = self.transfer(self.serial, self.warehouse.int_type_id, shelf)
        self.assertEqual(picking.state, "done")
        self.assertEqual(self.serial.location_id, shelf)

    def test_delivery_does_not_reserve_unreleased_lots(self):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.customer_location.id,
                "partner_id": self.hospital.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.device.name,
                            "product_id": self.device.id,
                            "product_uom_qty": 1,
                            "location_id": self.stock_location.id,
                            "location_dest_id": self.customer_location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        self.assertFalse(picking.move_ids.move_line_ids)
        self.sign(self.dhr, self.approver)
        picking.action_assign()
        self.assertEqual(picking.move_ids.move_line_ids.lot_id, self.serial)

    def test_release_queue_shows_blockers(self):
        self.serial._md_place_hold("quarantine", "Awaiting sterilisation results")
        queue = self.env["md.quality.dhr"].with_user(self.approver).search([("state", "=", "pending")])
        self.assertIn(self.dhr, queue)
        record = queue.filtered(lambda d: d.id == self.dhr.id)
        self.assertIn("Awaiting sterilisation results", record.release_blockers)


@tagged("post_install", "-at_install")
class TestReleaseQualityBlockers(ReleaseCase):
    """The blockers other quality records add (Q-1 inspections, Q-2 NCRs) stop the release too."""

    def test_pending_final_inspection_blocks_until_passed(self):
        # ISO 13485 8.2.6: release after the planned final inspection passed
        self.env["md.quality.inspection.plan"].create(
            {
                "name": "FQC infusion set",
                "trigger": "final",
                "product_tmpl_id": self.device.product_tmpl_id.id,
                "required_for_release": True,
                "sampling_method": "fixed",
                "fixed_sample_size": 1,
            }
        )
        production, serial = self.produce("SN-REL-FQC")
        dhr = production.md_dhr_ids
        inspection = dhr.inspection_ids
        self.assertEqual(len(inspection), 1)
        self.assertEqual(inspection.state, "draft")
        self.assertIn(inspection.name, dhr.release_blockers)
        with self.assertRaisesRegex(UserError, inspection.name):
            self.sign(dhr, self.approver)
        inspection.with_user(self.inspector).md_sign("verified", self.password(self.inspector), "FQC passed")
        self.assertEqual(inspection.state, "passed")
        self.assertFalse(serial._md_release_blockers()[serial.id])
        self.sign(dhr, self.approver)
        self.assertEqual(serial.md_release_state, "released")

    def test_open_ncr_blocks_the_release(self):
        production, serial = self.produce("SN-REL-NCR")
        dhr = production.md_dhr_ids
        ncr = (
            self.env["md.quality.ncr"]
            .with_user(self.inspector)
            .create(
                {
                    "source": "production",
                    "production_id": production.id,
                    "product_id": self.device.id,
                    "lot_ids": [Command.set(serial.ids)],
                    "quantity": 1,
                    "description": "Seal width below specification",
                }
            )
        )
        self.assertEqual(dhr.ncr_ids, ncr)
        with self.assertRaisesRegex(UserError, ncr.name):
            self.sign(dhr, self.approver)
        self.assertEqual(dhr.state, "pending")
