"""Periodic storage checks (在库检查, GSP, NMPA announcement 2023 No. 153, Art. 73-74)."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .qualification_common import MdQualificationCase


@tagged("post_install", "-at_install")
class TestStorageCheck(MdQualificationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.area = cls.env["stock.location"].create(
            {"name": "Shelf A", "usage": "internal", "location_id": cls.warehouse.lot_stock_id.id}
        )
        cls.keeper = new_test_user(
            cls.env, "md_gsp_keeper", groups="stock.group_stock_user", tz=cls.env.user.tz
        )
        cls.kit = cls._device("Reagent kit S-1", "II", cls.category)
        cls.kit.write({"md_label_lot": True})
        cls.lots = cls.env["stock.lot"].create(
            [{"name": name, "product_id": cls.kit.id} for name in ("S1-01", "S1-02")]
        )
        for lot in cls.lots:
            cls.env["stock.quant"]._update_available_quantity(cls.kit, cls.area, 4, lot_id=lot)
        cls.env["stock.quant"]._update_available_quantity(cls.plain_product, cls.area, 9)
        cls.plan = cls.env["md.storage.check.plan"].create(
            {"location_id": cls.area.id, "user_id": cls.keeper.id, "interval_days": 7}
        )

    def _due_check(self):
        self.plan._md_create_due_checks()
        return self.plan.check_ids.filtered(lambda c: c.state == "draft").with_user(self.keeper)

    def _ticked(self, check):
        check.write(
            {
                "storage_checked": True,
                "conditions_checked": True,
                "monitoring_checked": True,
                "stock_checked": True,
            }
        )
        return check

    def test_a_due_plan_creates_one_check_listing_the_device_lots(self):
        check = self._due_check()
        self.assertEqual(len(check), 1)
        self.assertEqual(check.line_ids.lot_id, self.lots)  # devices only: the plain product is not listed
        self.assertEqual(check.line_ids.mapped("quantity"), [4.0, 4.0])
        self.assertEqual(check.activity_ids.user_id, self.keeper)
        self.plan._md_create_due_checks()
        self.assertEqual(len(self.plan.check_ids), 1)  # an open check is not repeated

    def test_the_next_check_is_due_after_the_interval(self):
        self._ticked(self._due_check()).action_confirm()
        today = fields.Date.context_today(self.plan)
        self.assertEqual(self.plan.next_date, today + timedelta(days=7))
        self.assertFalse(self.plan._md_create_due_checks())

    def test_the_checklist_is_complete_before_confirming(self):
        check = self._due_check()
        check.storage_checked = True
        with self.assertRaisesRegex(UserError, "Monitoring System and Alarms Checked"):
            check.action_confirm()
        self.assertEqual(check.state, "draft")

    def test_a_lot_in_doubt_is_held_at_once_and_quality_is_told(self):
        check = self._ticked(self._due_check())
        doubtful = check.line_ids.filtered(lambda line: line.lot_id.name == "S1-02")
        doubtful.result = "doubt"
        with self.assertRaisesRegex(UserError, "Describe the quality doubt of S1-02"):
            check.action_confirm()
        doubtful.finding = "Outer carton wet"
        check.action_confirm()
        hold = self.lots[1].md_hold_ids
        self.assertEqual((hold.hold_type, hold.res_model, hold.res_id), ("hold", check._name, check.id))
        self.assertFalse(self.lots[0].md_hold_ids)
        self.assertEqual(self.lots[1].md_status, "on_hold")
        self.assertEqual(check.doubt_count, 1)

    def test_a_confirmed_check_cannot_be_changed_or_forged(self):
        check = self._due_check()
        with self.assertRaises(UserError):
            check.write({"state": "done"})
        with self.assertRaises(UserError):
            check.line_ids[0].quantity = 1.0
        self._ticked(check).action_confirm()
        with self.assertRaises(UserError):
            check.line_ids[0].result = "doubt"
        with self.assertRaises(UserError):
            check.note = "rewritten"

    def test_a_plain_medical_devices_user_cannot_record_a_check(self):
        with self.assertRaises(AccessError):
            self.env["md.storage.check"].with_user(self.md_user).create({"location_id": self.area.id})
