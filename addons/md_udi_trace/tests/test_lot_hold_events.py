"""Holds are told to integrators through md_base's event outbox: the event is written with the
hold, in the same transaction (placing and releasing a hold)."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestLotHoldEvents(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.endpoint = cls.env["md.event.endpoint"].create(
            {"name": "WMS", "url": "http://127.0.0.1:9/events", "secret": "s", "event_types": "lot.hold"}
        )
        product = cls.env["product.product"].create(
            {"name": "Evented stent", "is_storable": True, "tracking": "lot", "md_is_device": True}
        )
        cls.lot = cls.env["stock.lot"].create({"name": "EV-1", "product_id": product.id})

    def events(self):
        return self.env["md.event"].search(
            [("res_model", "=", "md.lot.hold"), ("endpoint_id", "=", self.endpoint.id)]
        )

    def test_placing_and_releasing_a_hold_are_events(self):
        hold = self.lot._md_place_hold("hold", "Seal failure in the field")
        placed = self.events()
        self.assertEqual((placed.event_type, placed.res_id), ("lot.hold.placed", hold.id))
        self.assertEqual(
            (placed.payload["data"]["lot"], placed.payload["data"]["reason"]),
            ("EV-1", "Seal failure in the field"),
        )
        hold._md_release("Investigation closed: not affected")
        released = self.events() - placed
        self.assertEqual(released.event_type, "lot.hold.released")
        self.assertEqual(released.payload["data"]["release_reason"], "Investigation closed: not affected")
