"""GSP at delivery: the customer's licence checked when shipping, and the outbound check
(出库复核) by a second person (NMPA announcement 2023 No. 153, Art. 81-82, 87-88)."""

from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .market_access import grant_market_access
from .qualification_common import MdQualificationCase

GTIN = "06901234567892"
EXPIRY = datetime(2099, 6, 15, 12, 0)


@tagged("post_install", "-at_install")
class TestDeliveryGsp(MdQualificationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.picker = new_test_user(cls.env, "md_gsp_picker", groups="stock.group_stock_user")
        cls.checker = new_test_user(
            cls.env, "md_gsp_checker", groups="stock.group_stock_user,md_base.group_md_user"
        )
        cls.kit = cls._device("Reagent kit T-5", "II", cls.category)
        cls.kit.write({"md_label_lot": True, "md_label_expiry": True, "md_udi_di": GTIN})
        cls.lot = cls.env["stock.lot"].create(
            {
                "name": "KIT-2601",
                "product_id": cls.kit.id,
                # Noon UTC: the same calendar day in any time zone the report prints it in.
                "expiration_date": EXPIRY,
            }
        )

    def setUp(self):
        super().setUp()
        self.registration = self.approved_registration(products=self.kit, country=self.cn)

    def _licensed(self):
        return self.licence(self.customer_cn, self.type_hospital)

    def _delivery(self, quantity=2.0):
        stock = self.warehouse.lot_stock_id
        self.env["stock.quant"]._update_available_quantity(self.kit, stock, 5, lot_id=self.lot)
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "partner_id": self.customer_cn.id,
                "location_id": stock.id,
                "location_dest_id": self.customers.id,
                "user_id": self.picker.id,
                "move_ids": [
                    Command.create(
                        {"name": "kit", "product_id": self.kit.id, "product_uom_qty": quantity,
                         "location_id": stock.id, "location_dest_id": self.customers.id}
                    )
                ],
            }
        )  # fmt: skip
        picking.action_confirm()
        picking.action_assign()
        picking.with_user(self.picker).move_ids.picked = True
        return picking

    # --- customer licence at delivery ------------------------------------------------

    def test_delivery_without_the_customers_licence_is_refused_even_without_an_order(self):
        picking = self._delivery()
        with self.assertRaisesRegex(UserError, "has no licence covering"):
            picking.button_validate()
        with self.assertRaisesRegex(UserError, "has no licence covering"):
            picking.write({"state": "done"})
        self._licensed()
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    # --- outbound check ---------------------------------------------------------------

    def _require_check(self):
        self._licensed()
        self.env.company.md_outbound_check_required = True

    def _check(self, picking, user, quantity=2.0):
        check = self.env["md.outbound.check"].with_user(user).create({"picking_id": picking.id})
        check.line_ids = [
            Command.create({"product_id": self.kit.id, "lot_id": self.lot.id, "quantity_checked": quantity})
        ]
        return check

    def test_without_the_setting_no_check_is_asked(self):
        self._licensed()
        picking = self._delivery()
        self.assertFalse(picking.md_outbound_check_needed)
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_validation_waits_for_the_check_whatever_the_path(self):
        self._require_check()
        picking = self._delivery()
        self.assertTrue(picking.md_outbound_check_needed)
        with self.assertRaisesRegex(UserError, "Outbound check"):
            picking.button_validate()
        with self.assertRaisesRegex(UserError, "Outbound check"):
            picking.write({"state": "done"})
        self._check(picking, self.checker).action_confirm()
        self.assertTrue(picking.md_outbound_checked)
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_the_picker_cannot_check_his_own_delivery(self):
        self._require_check()
        picking = self._delivery()
        with self.assertRaisesRegex(UserError, "done by someone else"):
            self._check(picking, self.picker).action_confirm()

    def test_a_check_that_does_not_match_names_each_difference(self):
        self._require_check()
        picking = self._delivery()
        with self.assertRaisesRegex(UserError, r"KIT-2601: delivery 2.0, checked 1.0"):
            self._check(picking, self.checker, quantity=1.0).action_confirm()

    def test_a_change_of_the_lines_after_the_check_voids_it(self):
        self._require_check()
        picking = self._delivery()
        check = self._check(picking, self.checker)
        check.action_confirm()
        picking.move_ids.move_line_ids.quantity = 1.0
        self.assertFalse(picking.md_outbound_checked)
        with self.assertRaisesRegex(UserError, "no longer matching"):
            picking.with_context(skip_backorder=True).button_validate()
        with self.assertRaises(UserError):
            check.write({"state": "draft"})
        with self.assertRaises(UserError):
            check.line_ids.quantity_checked = 1.0

    def test_scanning_the_udi_counts_the_unit(self):
        self._require_check()
        picking = self._delivery(quantity=1.0)
        check = self.env["md.outbound.check"].with_user(self.checker).create({"picking_id": picking.id})
        scanned = check.md_scan(f"01{GTIN}10KIT-2601")
        self.assertEqual((scanned["lot_name"], scanned["quantity"]), ("KIT-2601", 1.0))
        check.action_confirm()
        self.assertEqual(check.state, "done")

    def test_expired_devices_do_not_leave(self):
        self._require_check()
        picking = self._delivery()
        self.lot.expiration_date = fields.Datetime.now() - timedelta(days=1)
        with self.assertRaisesRegex(UserError, "Expired devices do not leave"):
            self._check(picking, self.checker).action_confirm()

    def test_the_accompanying_document_carries_the_gsp_content(self):
        # GSP Art. 92: registration number, registrant, lot, use-by date, quantity, consignee.
        self.kit.md_storage_conditions = "Keep dry"
        picking = self._delivery()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("md_regulatory.report_md_accompanying_document", picking.ids)[0]
            .decode()
        )
        for expected in (
            self.registration.number,
            self.registration.holder_id.name,
            "KIT-2601",
            GTIN,
            "Hangzhou Hospital",
            "Keep dry",
            "06/15/2099",
        ):
            self.assertIn(expected, html)

    def test_a_plain_medical_devices_user_cannot_record_a_check(self):
        self._require_check()
        picking = self._delivery()
        with self.assertRaises(AccessError):
            self.env["md.outbound.check"].with_user(self.md_user).create({"picking_id": picking.id})

    # --- receipts (进货查验) -----------------------------------------------------------------

    def _receipt(self):
        suppliers = self.env.ref("stock.stock_location_suppliers")
        stock = self.warehouse.lot_stock_id
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "partner_id": self.supplier.id,
                "location_id": suppliers.id,
                "location_dest_id": stock.id,
                "move_ids": [
                    Command.create(
                        {"name": "kit", "product_id": self.kit.id, "product_uom_qty": 1,
                         "location_id": suppliers.id, "location_dest_id": stock.id,
                         "move_line_ids": [Command.create({"product_id": self.kit.id, "lot_id": self.lot.id,
                                                           "quantity": 1, "location_id": suppliers.id,
                                                           "location_dest_id": stock.id})]}
                    )
                ],
            }
        )  # fmt: skip
        picking.action_confirm()
        return picking

    def test_a_receipt_without_order_meets_the_supplier_gate_when_the_company_checks_at_receipt(self):
        self.env.company.md_receipt_gate_required = True
        picking = self._receipt()
        with self.assertRaisesRegex(UserError, "Ningbo Tubing Co."):
            picking.button_validate()
        with self.assertRaisesRegex(UserError, "Ningbo Tubing Co."):
            picking.write({"state": "done"})
        grant_market_access(self.env, self.kit, suppliers=self.supplier)
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_without_the_setting_receipts_are_not_gated(self):
        picking = self._receipt()
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    # --- GSP records ----------------------------------------------------------------------

    def test_the_sales_record_carries_the_gsp_columns(self):
        # GSP Art. 84: registration number, lot, use-by date, buyer and its licence number.
        licence = self._licensed()
        picking = self._delivery()
        picking.button_validate()
        action = self.env.ref("md_regulatory.action_md_gsp_sales_records")
        rows = self.env["stock.move.line"].search(
            [*safe_eval(action.domain), ("picking_id", "=", picking.id)]
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(
            (rows.md_registration_number, rows.md_registrant, rows.md_partner_licence, rows.lot_id.name),
            (self.registration.number, self.registration.holder_id.name, licence.number, "KIT-2601"),
        )
        self.assertEqual(rows.md_udi, f"(01){GTIN}(17)990615(10)KIT-2601")
        exported = rows.export_data(["md_registration_number", "md_udi", "md_lot_expiration_date"])["datas"]
        self.assertEqual(exported[0][:2], [self.registration.number, rows.md_udi])

    def test_a_return_names_its_reason_whatever_the_path(self):
        # GSP Art. 107: the return record carries the reason of the return.
        self._licensed()
        picking = self._delivery()
        picking.button_validate()
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({"picking_id": picking.id})
        )
        wizard.product_return_moves.quantity = 1.0
        with self.assertRaisesRegex(UserError, "reason of the return"):
            wizard.action_create_returns()
        wizard.md_return_reason = "Wrong size ordered"
        returned = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        self.assertEqual(returned.md_return_reason, "Wrong size ordered")
        returned.md_return_reason = False
        returned.move_ids.picked = True
        with self.assertRaisesRegex(UserError, "reason of the return"):
            returned.button_validate()
        returned.md_return_reason = "Wrong size ordered"
        returned.button_validate()
        action = self.env.ref("md_regulatory.action_md_gsp_return_records")
        row = self.env["stock.move.line"].search(
            [*safe_eval(action.domain), ("picking_id", "=", returned.id)]
        )
        self.assertEqual((row.md_return_reason, row.md_returned_picking_id), ("Wrong size ordered", picking))
