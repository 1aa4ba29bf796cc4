"""GSP acceptance (验收) of receipts: the acceptance record (进货查验记录) is confirmed by the
acceptance person before the receipt is validated (NMPA announcement 2023 No. 153, Art. 57,
60, 64-65, 69)."""

from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .market_access import grant_market_access
from .qualification_common import MdQualificationCase

EXPIRY = datetime(2099, 6, 15, 12, 0)


@tagged("post_install", "-at_install")
class TestReceiptAcceptance(MdQualificationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.cn
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.suppliers = cls.env.ref("stock.stock_location_suppliers")
        cls.receiver = new_test_user(
            cls.env, "md_gsp_receiver", groups="stock.group_stock_user", tz=cls.env.user.tz
        )
        cls.inspector = new_test_user(
            cls.env, "md_gsp_inspector", groups="stock.group_stock_user", tz=cls.env.user.tz
        )
        cls.kit = cls._device("Reagent kit A-5", "II", cls.category)
        cls.kit.write({"md_label_lot": True, "md_label_expiry": True, "md_udi_di": "06901234567892"})
        cls.env.company.md_acceptance_required = True

    def _receipt(self, lot_name="KIT-2701", quantity=10.0, expiry=EXPIRY):
        stock = self.warehouse.lot_stock_id
        picking = self.env["stock.picking"].with_user(self.receiver).create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "partner_id": self.supplier.id,
                "location_id": self.suppliers.id,
                "location_dest_id": stock.id,
                "move_ids": [
                    Command.create(
                        {"name": "kit", "product_id": self.kit.id, "product_uom_qty": quantity,
                         "location_id": self.suppliers.id, "location_dest_id": stock.id}
                    )
                ],
            }
        )  # fmt: skip
        picking.action_confirm()
        picking.move_ids.move_line_ids.unlink()
        picking.move_ids.move_line_ids = [
            Command.create(
                {"product_id": self.kit.id, "lot_name": lot_name, "expiration_date": expiry,
                 "quantity": quantity, "location_id": self.suppliers.id, "location_dest_id": stock.id,
                 "picking_id": picking.id}
            )
        ]  # fmt: skip
        return picking

    def _acceptance(self, picking, user=None, checked=True):
        acceptance = (
            self.env["md.receipt.acceptance"]
            .with_user(user or self.inspector)
            .create({"picking_id": picking.id})
        )
        if checked:
            acceptance.write(
                {
                    "accompanying_document_checked": True,
                    "packaging_checked": True,
                    "certificates_checked": True,
                }
            )
        return acceptance

    def _market_access(self):
        grant_market_access(self.env, self.kit, suppliers=self.supplier)

    def _lot(self, name="KIT-2701"):
        return self.env["stock.lot"].search([("name", "=", name), ("product_id", "=", self.kit.id)])

    def test_the_acceptance_starts_from_what_the_receipt_carries(self):
        self._market_access()
        acceptance = self._acceptance(self._receipt())
        line = acceptance.line_ids
        self.assertEqual(
            (line.product_id, line.lot_name, line.quantity_received, line.quantity_accepted),
            (self.kit, "KIT-2701", 10.0, 10.0),
        )
        self.assertEqual(line.expiration_date, EXPIRY)
        self.assertTrue(line.registration.startswith("TEST-CN-"))  # GSP Art. 65(2)

    def test_validation_waits_for_the_acceptance_whatever_the_path(self):
        self._market_access()
        picking = self._receipt()
        self.assertTrue(picking.md_acceptance_needed)
        with self.assertRaisesRegex(UserError, "Acceptance"):
            picking.button_validate()
        with self.assertRaisesRegex(UserError, "Acceptance"):
            picking.write({"state": "done"})
        self._acceptance(picking).action_confirm()
        self.assertTrue(picking.md_accepted)
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertFalse(self._lot().md_hold_ids)

    def test_without_the_setting_no_acceptance_is_asked(self):
        self.env.company.md_acceptance_required = False
        picking = self._receipt()
        self.assertFalse(picking.md_acceptance_needed)
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_the_checks_are_ticked_before_confirming(self):
        self._market_access()
        acceptance = self._acceptance(self._receipt(), checked=False)
        acceptance.accompanying_document_checked = True
        with self.assertRaisesRegex(UserError, "Appearance, Packaging and Labels Checked"):
            acceptance.action_confirm()
        self.assertEqual(acceptance.state, "draft")

    def test_an_unregistered_device_or_unapproved_supplier_is_not_accepted(self):
        acceptance = self._acceptance(self._receipt())
        with self.assertRaisesRegex(UserError, "Reagent kit A-5") as refused:
            acceptance.action_confirm()
        self.assertIn("Ningbo Tubing Co.", str(refused.exception))
        self.assertEqual(acceptance.state, "draft")
        self._market_access()
        acceptance.action_confirm()
        self.assertEqual(acceptance.state, "done")

    def test_only_the_acceptance_person_confirms(self):
        self._market_access()
        acceptance = self._acceptance(self._receipt())
        with self.assertRaisesRegex(UserError, "Md Gsp Inspector|md_gsp_inspector"):
            acceptance.with_user(self.receiver).action_confirm()

    def test_rejected_units_need_the_nonconformity_and_hold_their_lot(self):
        self._market_access()
        picking = self._receipt()
        acceptance = self._acceptance(picking)
        acceptance.line_ids.quantity_accepted = 8.0
        with self.assertRaisesRegex(UserError, "nonconformity and its disposal"):
            acceptance.action_confirm()
        acceptance.line_ids.write({"rejection_reason": "2 boxes crushed", "disposal": "return"})
        acceptance.action_confirm()
        self.assertEqual(acceptance.conclusion, "partial")
        picking.button_validate()
        hold = self._lot().md_hold_ids
        self.assertEqual(
            (hold.hold_type, hold.res_model, hold.res_id), ("rejected", acceptance._name, acceptance.id)
        )
        self.assertIn("2 boxes crushed", hold.reason)

    def test_expired_devices_are_not_accepted(self):
        self._market_access()
        yesterday = fields.Datetime.now() - timedelta(days=1)
        acceptance = self._acceptance(self._receipt(expiry=yesterday))
        with self.assertRaisesRegex(UserError, "expired devices are not accepted"):
            acceptance.action_confirm()
        acceptance.line_ids.write(
            {"quantity_accepted": 0, "rejection_reason": "Expired", "disposal": "return"}
        )
        acceptance.action_confirm()
        self.assertEqual(acceptance.conclusion, "rejected")

    def test_a_change_of_the_lines_after_the_acceptance_voids_it(self):
        self._market_access()
        picking = self._receipt()
        acceptance = self._acceptance(picking)
        acceptance.action_confirm()
        picking.move_line_ids.quantity = 12.0
        self.assertFalse(picking.md_accepted)
        with self.assertRaisesRegex(UserError, "no longer matching"):
            picking.button_validate()

    def test_the_record_cannot_be_forged_or_changed(self):
        self._market_access()
        picking = self._receipt()
        acceptance = self._acceptance(picking)
        with self.assertRaises(UserError):
            acceptance.write({"state": "done", "fingerprint": picking._md_receipt_fingerprint()})
        with self.assertRaises(UserError):
            acceptance.line_ids.quantity_received = 20.0
        acceptance.action_confirm()
        with self.assertRaises(UserError):
            acceptance.line_ids.quantity_accepted = 1.0
        with self.assertRaises(UserError):
            acceptance.certificates_checked = False

    def test_a_plain_medical_devices_user_cannot_record_an_acceptance(self):
        picking = self._receipt()
        with self.assertRaises(AccessError):
            self.env["md.receipt.acceptance"].with_user(self.md_user).create({"picking_id": picking.id})

    def test_cold_chain_goods_are_accepted_only_with_their_transport_record(self):
        # GSP Art. 67: the transport's temperature record is checked at acceptance.
        self._market_access()
        self.kit.product_tmpl_id.write(
            {"md_storage_temp_controlled": True, "md_storage_temp_min": 2, "md_storage_temp_max": 8}
        )
        self.env.company.md_cold_chain_required = True
        acceptance = self._acceptance(self._receipt())
        with self.assertRaisesRegex(UserError, "冷链运输记录"):
            acceptance.action_confirm()
        self.assertEqual(acceptance.state, "draft")
