from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestScanTour(HttpCase):
    def test_scan_into_receipt(self):
        """A GS1 UDI typed into the receipt's scan entry (keyboard wedge) lands as a move line."""
        product = self.env["product.product"].create(
            {
                "name": "Tour Catheter",
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "md_udi_di": "00614141000098",
            }
        )
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "partner_id": self.env["res.partner"].create({"name": "Tour Supplier"}).id,
                "move_ids": [
                    Command.create({"name": product.name, "product_id": product.id, "product_uom_qty": 5})
                ],
            }
        )
        receipt.action_confirm()
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{receipt.id}", "md_scan_tour", login="admin"
        )
        line = receipt.move_line_ids.filtered("picked")
        self.assertEqual(line.lot_id.name, "TOURLOT1")
        self.assertEqual(str(line.lot_id.expiration_date.date()), "2049-12-31")
        self.assertEqual(line.quantity, 1)
