"""Sales returns (销售退回): returned devices are quarantined until their inspection is signed
(China GSP, NMPA announcement 2023 No. 153, Art. 106-107; ISO 13485:2016 7.5.8)."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

PASSWORD = "md-return-Pw1!"


@tagged("post_install", "-at_install")
class TestSalesReturn(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.env.ref("stock.stock_location_stock")
        cls.customer = cls.env.ref("stock.stock_location_customers")
        cls.manager = new_test_user(
            cls.env, "md_return_qm", groups="md_base.group_md_quality_manager", password=PASSWORD
        )
        cls.device = cls.env["product.product"].create(
            {"name": "Returned catheter", "md_is_device": True, "md_label_lot": True}
        )
        cls.plain = cls.env["product.product"].create(
            {"name": "Brochure", "is_storable": True, "tracking": "lot"}
        )

    def _move(self, lot, source, dest):
        move = self.env["stock.move"].create(
            {"name": "flow", "product_id": lot.product_id.id, "product_uom_qty": 1, "location_id": source.id,
             "location_dest_id": dest.id,
             "move_line_ids": [Command.create({"product_id": lot.product_id.id, "lot_id": lot.id,
                                               "quantity": 1, "location_id": source.id,
                                               "location_dest_id": dest.id})]}
        )  # fmt: skip
        move._action_confirm()
        move.picked = True
        move._action_done()
        return move

    def _returned(self, product, name):
        lot = self.env["stock.lot"].create({"name": name, "product_id": product.id})
        self.env["stock.quant"]._update_available_quantity(product, self.stock, 1, lot_id=lot)
        self._move(lot, self.stock, self.customer)
        return lot, self._move(lot, self.customer, self.stock)

    def test_a_returned_device_waits_in_quarantine_for_a_signed_inspection(self):
        lot, move = self._returned(self.device, "CAT-RET-1")
        hold = self.env["md.lot.hold"].search([("lot_id", "=", lot.id), ("state", "=", "active")])
        self.assertEqual((hold.hold_type, hold.sales_return, hold.res_model, hold.res_id),
                         ("quarantine", True, "stock.move", move.id))  # fmt: skip
        self.assertEqual(lot.md_status, "quarantine")
        with self.assertRaisesRegex(UserError, "only after their inspection is signed"):
            hold.with_user(self.manager)._md_release("Looks fine")
        with self.assertRaises(UserError):
            hold.with_user(self.manager).write({"sales_return": False})
        hold.with_user(self.manager).md_sign("released", PASSWORD, "Packaging intact, sterile barrier intact")
        self.assertEqual(hold.state, "released")
        self.assertEqual(lot.md_status, "released")

    def test_a_returned_product_that_is_no_device_is_not_held(self):
        lot, _move = self._returned(self.plain, "BRO-RET-1")
        self.assertEqual(lot.md_status, "released")
        self.assertFalse(self.env["md.lot.hold"].search([("lot_id", "=", lot.id)]))
