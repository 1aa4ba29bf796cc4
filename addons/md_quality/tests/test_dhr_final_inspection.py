"""A DHR blocked by a missing final inspection creates it from the required plan (ISO 13485:2016
8.2.6, 21 CFR 820.80(d)): created once, opened when it exists, refused when nothing applies."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .release_common import ReleaseCase


@tagged("post_install", "-at_install")
class TestDhrFinalInspection(ReleaseCase):
    def required_plan(self, required=True):
        return self.env["md.quality.inspection.plan"].create(
            {
                "name": "FQC infusion set (late)",
                "trigger": "final",
                "product_tmpl_id": self.device.product_tmpl_id.id,
                "required_for_release": required,
                "sampling_method": "fixed",
                "fixed_sample_size": 1,
                "item_ids": [Command.create({"name": "Flow rate", "test_type": "check"})],
            }
        )

    def create_final(self, dhr, user=None):
        return dhr.with_user(user or self.inspector).action_md_create_final_inspection()

    def test_missing_final_inspection_is_created_then_opened(self):
        production, serial = self.produce("SN-FQC-LATE")
        plan = self.required_plan()  # required after the order was done: nothing created it
        dhr = production.md_dhr_ids
        self.assertTrue(dhr.final_inspection_missing)
        self.assertIn('use "Create Final Inspection"', dhr.release_blockers)
        action = self.create_final(dhr)
        inspection = self.env["md.quality.inspection"].search([("plan_id", "=", plan.id)])
        self.assertEqual(len(inspection), 1)
        self.assertEqual(
            (inspection.trigger, inspection.lot_ids, inspection.production_id, inspection.quantity),
            ("final", serial, production, 1),
        )
        self.assertEqual((action["res_model"], action["res_id"]), ("md.quality.inspection", inspection.id))
        self.assertEqual(serial.md_status, "quarantine", "under inspection like any final inspection")
        self.assertIn(inspection.name, dhr.message_ids[0].body)
        dhr.invalidate_recordset()
        self.assertFalse(dhr.final_inspection_missing)
        self.assertIn(f"Inspection {inspection.name} is To Do.", dhr.release_blockers)
        again = self.create_final(dhr)
        self.assertEqual(again["res_id"], inspection.id, "the open inspection is opened, none created")
        self.assertEqual(self.env["md.quality.inspection"].search_count([("plan_id", "=", plan.id)]), 1)

    def test_cancelled_final_inspection_is_created_again(self):
        production, _serial = self.produce("SN-FQC-CANCEL")
        plan = self.required_plan()
        dhr = production.md_dhr_ids
        self.create_final(dhr)
        first = self.env["md.quality.inspection"].search([("plan_id", "=", plan.id)])
        first.action_cancel()
        dhr.invalidate_recordset()
        self.assertTrue(dhr.final_inspection_missing)
        action = self.create_final(dhr)
        self.assertNotEqual(action["res_id"], first.id)

    def test_decided_final_inspection_is_not_created_again(self):
        production, serial = self.produce("SN-FQC-DECIDED")
        self.required_plan()
        dhr = production.md_dhr_ids
        inspection = self.env["md.quality.inspection"].browse(self.create_final(dhr)["res_id"])
        inspection.line_ids.with_user(self.inspector).check_result = "pass"
        inspection.with_user(self.inspector).md_sign("verified", self.password(self.inspector), "FQC passed")
        self.assertEqual(inspection.state, "passed")
        self.assertFalse(serial._md_release_blockers()[serial.id])
        with self.assertRaisesRegex(UserError, "already decided"):
            self.create_final(dhr)

    def test_refused_when_no_required_plan_applies(self):
        production, _serial = self.produce("SN-FQC-NONE")
        dhr = production.md_dhr_ids
        self.required_plan(required=False)
        self.assertFalse(dhr.final_inspection_missing)
        with self.assertRaisesRegex(UserError, "No final inspection plan required for release applies"):
            self.create_final(dhr)
        self.assertFalse(self.env["md.quality.inspection"].search([("production_id", "=", production.id)]))

    def test_refused_once_the_release_is_decided(self):
        production, _serial = self.produce("SN-FQC-REJECTED")
        dhr = production.md_dhr_ids
        self.sign(dhr, self.approver, meaning="rejected", reason="Seal defect found in review")
        self.required_plan()
        self.assertFalse(dhr.final_inspection_missing)
        with self.assertRaisesRegex(UserError, "Creating the final inspection is not possible"):
            self.create_final(dhr)

    def test_refused_without_inspector_rights(self):
        production, _serial = self.produce("SN-FQC-RIGHTS")
        self.required_plan()
        with self.assertRaises(AccessError):
            self.create_final(production.md_dhr_ids, user=self.md_user)
