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


@tagged("post_install", "-at_install")
class TestScanReceiptTour(HttpCase):
    """Medical Devices > Receipts and the scan entry, on a desktop and on a phone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Noon UTC, the stored time of a scanned expiry, is 20:00 in Shanghai: the time must not show.
        cls.env.ref("base.user_admin").tz = "Asia/Shanghai"
        cls.stent = cls.env["product.product"].create(
            {
                "name": "Tour Stent",
                "is_storable": True,
                "tracking": "serial",
                "use_expiration_date": True,
                "md_udi_di": "00614141000111",
            }
        )
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.receipt = cls.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "partner_id": cls.env["res.partner"].create({"name": "Tour Receipt Supplier"}).id,
                "move_ids": [
                    Command.create({"name": cls.stent.name, "product_id": cls.stent.id, "product_uom_qty": 3})
                ],
            }
        )
        cls.receipt.action_confirm()

    def assert_two_of_three_scanned(self):
        move = self.receipt.move_ids
        self.assertEqual(sorted(move.move_line_ids.lot_id.mapped("name")), ["TOURSN1", "TOURSN2"])
        self.assertTrue(all(move.move_line_ids.mapped("picked")), "only scanned lines are left")
        self.assertEqual(move.quantity, 2)
        self.assertEqual(self.receipt.state, "assigned", "not done: one serial is still to receive")

    def test_scan_receipt_desktop(self):
        self.start_tour("/odoo/action-md_udi_trace.action_md_receipts", "md_scan_receipt_tour", login="admin")
        self.assert_two_of_three_scanned()

    def test_scan_receipt_phone(self):
        self.browser_size = "390x844"
        self.touch_enabled = True
        self.start_tour("/odoo/action-md_udi_trace.action_md_receipts", "md_scan_receipt_tour", login="admin")
        self.assert_two_of_three_scanned()
