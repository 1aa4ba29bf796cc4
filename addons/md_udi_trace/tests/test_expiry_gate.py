"""Expired devices are neither reserved nor shipped, and devices with an expiry date leave
first-expired-first-out (GSP, NMPA announcement 2023 No. 153, Art. 51(6), 76, 80, 87(3))."""

from ast import literal_eval
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestExpiryGate(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.env.ref("stock.stock_location_stock")
        cls.customer = cls.env.ref("stock.stock_location_customers")
        cls.product = cls.env["product.product"].create(
            {"name": "Test strip", "md_is_device": True, "md_label_lot": True, "md_label_expiry": True,
             "alert_time": 60}
        )  # fmt: skip
        now = fields.Datetime.now()
        cls.expired, cls.soon, cls.later = (
            cls.env["stock.lot"].create(
                {"name": name, "product_id": cls.product.id, "expiration_date": now + timedelta(days=days)}
            )
            for name, days in (("TS-EXPIRED", -1), ("TS-SOON", 30), ("TS-LATER", 300))
        )
        for lot in (cls.later, cls.expired, cls.soon):  # received in this order: FIFO would take LATER
            cls.env["stock.quant"]._update_available_quantity(cls.product, cls.stock, 1, lot_id=lot)

    def _delivery(self, quantity):
        move = self.env["stock.move"].create(
            {"name": "ship", "product_id": self.product.id, "product_uom_qty": quantity,
             "location_id": self.stock.id, "location_dest_id": self.customer.id}
        )  # fmt: skip
        move._action_confirm()
        move._action_assign()
        return move

    def test_expired_lots_are_not_reserved_and_the_first_to_expire_goes_first(self):
        move = self._delivery(1)
        self.assertEqual(move.move_line_ids.lot_id, self.soon)
        move = self._delivery(2)
        self.assertEqual(move.move_line_ids.lot_id, self.later, "the expired lot is never reserved")
        self.assertEqual(move.quantity, 1)

    def test_an_expired_lot_picked_by_hand_cannot_ship(self):
        move = self._delivery(1)
        with self.assertRaisesRegex(UserError, "Expired devices are not delivered"):
            move.move_line_ids = [
                Command.clear(),
                Command.create({"product_id": self.product.id, "lot_id": self.expired.id, "quantity": 1,
                                "location_id": self.stock.id, "location_dest_id": self.customer.id}),
            ]  # fmt: skip

    def test_an_expired_lot_may_still_be_scrapped_or_moved_internally(self):
        quarantine = self.env["stock.location"].create(
            {"name": "Expired goods", "location_id": self.stock.id}
        )
        move = self.env["stock.move"].create(
            {"name": "segregate", "product_id": self.product.id, "product_uom_qty": 1,
             "location_id": self.stock.id, "location_dest_id": quarantine.id,
             "move_line_ids": [Command.create({"product_id": self.product.id, "lot_id": self.expired.id,
                                               "quantity": 1, "location_id": self.stock.id,
                                               "location_dest_id": quarantine.id})]}
        )  # fmt: skip
        move._action_confirm()
        move.picked = True
        move._action_done()
        self.assertEqual(move.state, "done")

    def test_the_near_expiry_list_shows_lots_past_their_alert_date(self):
        # GSP Art. 76: near-expiry warning (the product's alert days before the expiry date).
        action = self.env["ir.actions.act_window"]._for_xml_id("md_udi_trace.action_md_near_expiry_stock")
        near = self.env["stock.quant"].search(
            [*literal_eval(action["domain"]), ("product_id", "=", self.product.id),
             ("md_alert_date", "<=", fields.Datetime.now()), ("expiration_date", ">", fields.Datetime.now())]
        )  # fmt: skip
        self.assertEqual(near.lot_id, self.soon)

    # --- minimum shelf life at delivery (GSP Art. 76) -------------------------------------

    def _delivery_to(self, partner, quantity=1):
        locations = {"location_id": self.stock.id, "location_dest_id": self.customer.id}
        move = {"name": "ship", "product_id": self.product.id, "product_uom_qty": quantity, **locations}
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.env.ref("stock.picking_type_out").id,
                "partner_id": partner.id,
                "move_ids": [Command.create(move)],
                **locations,
            }
        )
        picking.action_confirm()
        picking.action_assign()
        return picking

    def test_a_lot_under_the_customers_minimum_is_not_reserved_for_it(self):
        hospital = self.env["res.partner"].create({"name": "Shelf hospital", "md_min_shelf_life_days": 90})
        picking = self._delivery_to(hospital)
        self.assertEqual(picking.move_line_ids.lot_id, self.later, "30 days left is under the 90 asked")
        other = self._delivery_to(self.env["res.partner"].create({"name": "No minimum"}))
        self.assertEqual(other.move_line_ids.lot_id, self.soon, "without a minimum, FEFO takes SOON")

    def test_a_short_dated_lot_picked_by_hand_cannot_ship_to_that_customer(self):
        hospital = self.env["res.partner"].create({"name": "Shelf hospital", "md_min_shelf_life_days": 90})
        picking = self._delivery_to(hospital)
        with self.assertRaisesRegex(UserError, "30 days of shelf life left, under the minimum of 90 days"):
            picking.move_line_ids.lot_id = self.soon  # the gate checks a changed lot at once
        picking.move_line_ids.picked = True
        hospital.md_min_shelf_life_days = 400  # the customer's requirement changed since reservation
        with self.assertRaisesRegex(UserError, "under the minimum of 400 days"):
            picking.button_validate()

    def test_the_products_minimum_applies_to_every_customer(self):
        self.product.md_min_shelf_life_days = 60
        picking = self._delivery_to(self.env["res.partner"].create({"name": "No minimum"}))
        self.assertEqual(picking.move_line_ids.lot_id, self.later)
