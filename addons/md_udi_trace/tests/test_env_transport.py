"""Cold-chain transport records (冷链运输记录) and the rule on deliveries, receipts and sales
returns of devices that need a controlled temperature (China GSP, NMPA announcement 2023
No. 153, Art. 63: transport mode, temperatures, departure and arrival times verified and
recorded at receiving; Art. 67: checked at acceptance, refused (拒收) when the temperature
requirement is not met; Art. 95: pre-cooled container before loading; Art. 97: refrigerated
vehicles, vehicle-mounted boxes and insulated boxes)."""

from datetime import datetime, timedelta
from itertools import pairwise

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..models.stock_picking_cold_chain import StockPicking as ColdChainPicking

T0 = datetime(2026, 11, 3, 0, 0)


def at(minutes):
    return T0 + timedelta(minutes=minutes)


@tagged("post_install", "-at_install")
class TestEnvTransport(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.md_cold_chain_required = True
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.stock = cls.warehouse.lot_stock_id
        cls.supplier = cls.env.ref("stock.stock_location_suppliers")
        cls.customer = cls.env.ref("stock.stock_location_customers")
        cls.vehicle_location = cls.env["stock.location"].create(
            {
                "name": "Vehicle T",
                "usage": "transit",
                "location_id": cls.env.ref("stock.stock_location_locations").id,
            }
        )
        cls.vehicle = cls.env["md.env.place"].create(
            {"name": "Refrigerated vehicle T", "kind": "vehicle", "location_id": cls.vehicle_location.id,
             "temp_min": 2.0, "temp_max": 8.0, "max_interval": 10}
        )  # fmt: skip
        cls.logger = cls.env["md.env.logger"].create(
            {"serial": "LOG-V1", "place_id": cls.vehicle.id, "tz": "UTC", "calibration_due": "2027-06-30"}
        )
        cls.other_logger = cls.env["md.env.logger"].create(
            {"serial": "LOG-V2", "place_id": cls.vehicle.id, "tz": "UTC", "calibration_due": "2027-06-30"}
        )
        cls.cold = cls.env["product.product"].create(
            {"name": "Cold reagent", "md_is_device": True, "is_storable": True,
             "md_storage_temp_controlled": True, "md_storage_temp_min": 2.0, "md_storage_temp_max": 8.0}
        )  # fmt: skip
        cls.room_temperature = cls.env["product.product"].create(
            {"name": "Stent", "md_is_device": True, "is_storable": True,
             "md_storage_temp_controlled": True, "md_storage_temp_min": 10.0, "md_storage_temp_max": 30.0}
        )  # fmt: skip
        cls.plain = cls.env["product.product"].create(
            {"name": "Gauze", "md_is_device": True, "is_storable": True}
        )
        cls.partner = cls.env["res.partner"].create({"name": "Hospital T"})
        cls.clerk = new_test_user(cls.env, "md_cct_clerk", groups="stock.group_stock_user")
        cls.viewer = new_test_user(cls.env, "md_cct_viewer", groups="md_base.group_md_user")
        # The addons above (md_regulatory, md_quality) add rules of their own to the validation of
        # device transfers (registrations, acceptance, inspections), tested with them.
        cls.layers_above = bool(
            cls.env["ir.module.module"].search_count(
                [("name", "=", "md_regulatory"), ("state", "=", "installed")]
            )
        )

    # --- helpers --------------------------------------------------------------------------

    def _picking(self, source, dest, products=None):
        picking_type = self.warehouse.out_type_id if dest == self.customer else self.warehouse.in_type_id
        for product in products or self.cold:
            if source == self.stock:
                self.env["stock.quant"]._update_available_quantity(product, self.stock, 1)
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": dest.id,
                "partner_id": self.partner.id,
                "move_ids": [
                    Command.create(
                        {"name": product.name, "product_id": product.id, "product_uom_qty": 1,
                         "location_id": source.id, "location_dest_id": dest.id}
                    )
                    for product in products or self.cold
                ],
            }
        )  # fmt: skip
        picking.action_confirm()
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = 1
            move.picked = True
        return picking

    def _transport(self, picking, **values):
        return self.env["md.env.transport"].create(
            {
                "picking_id": picking.id,
                "transport_mode": "refrigerated_vehicle",
                "container_ref": "沪A·12345",
                "logger_id": self.logger.id,
                "departure": at(0),
                "container_precooled": True,
                **values,
            }
        )

    def _ingest(self, temperatures, start=0, step=5, logger="LOG-V1"):
        rows = [
            {
                "logger": logger,
                "measured_at": at(start + step * i).isoformat() + "+00:00",
                "temperature": value,
            }
            for i, value in enumerate(temperatures)
        ]
        result = self.env["md.env.reading"].md_ingest(rows)
        self.assertFalse(result["errors"], result["errors"])

    def _refused(self, picking, pattern, method="button_validate", args=()):
        """This addon's validation transition refuses ``picking``: the method of its own
        stock.picking class (the picking's own method when md_udi_trace is the top layer), so
        that a rule of a layer above does not answer first."""
        with self.assertRaisesRegex(UserError, pattern):
            getattr(ColdChainPicking, method)(picking, *args)
        self.assertNotEqual(picking.state, "done")

    def _validate(self, picking):
        """The cold-chain rule lets ``picking`` pass, and so does the whole validation when no
        layer above adds rules of its own."""
        self.assertTrue(picking._md_cold_chain_satisfied())
        if self.layers_above:
            return
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def _arrive(self, transport, minutes, temperature):
        transport.write({"arrival": at(minutes), "arrival_temperature": temperature})
        transport.action_arrive()

    # --- the record ------------------------------------------------------------------------

    def test_the_required_range_is_the_intersection_fixed_at_creation(self):
        picking = self._picking(self.supplier, self.stock)
        transport = self._transport(picking, temp_min=-50.0, temp_max=50.0)
        self.assertEqual(
            (transport.temp_min, transport.temp_max, transport.direction), (2.0, 8.0, "incoming")
        )
        self.assertTrue(transport.name.startswith("CCT/"))
        with self.assertRaisesRegex(UserError, "fixed once the record exists"):
            transport.write({"temp_max": 25.0})

    def test_creation_is_refused_without_a_cold_device_or_without_a_common_range(self):
        with self.assertRaisesRegex(UserError, "no device that needs a controlled temperature"):
            self._transport(self._picking(self.supplier, self.stock, self.plain))
        mixed = self._picking(self.supplier, self.stock, self.cold | self.room_temperature)
        with self.assertRaisesRegex(UserError, "do not overlap"):
            self._transport(mixed)

    def test_state_and_result_cannot_be_written_or_created(self):
        transport = self._transport(self._picking(self.supplier, self.stock))
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            transport.write({"state": "arrived", "result": "conform"})
        with self.assertRaisesRegex(UserError, "cannot be set when creating"):
            self._transport(self._picking(self.supplier, self.stock), result="conform")
        with self.assertRaises(UserError):
            self._transport(self._picking(self.supplier, self.stock), state="arrived")
        self.assertEqual((transport.state, transport.result), ("draft", False))

    def test_an_arrived_record_is_closed(self):
        self._ingest([5.0] * 7)
        transport = self._transport(self._picking(self.supplier, self.stock))
        transport.action_depart()
        with self.assertRaisesRegex(UserError, "can be changed only while"):
            transport.write({"container_ref": "OTHER"})
        self._arrive(transport, 30, 5.0)
        self.assertEqual(transport.result, "conform")
        with self.assertRaisesRegex(UserError, "is closed"):
            transport.write({"note": "changed afterwards"})
        with self.assertRaises(UserError):
            transport.unlink()

    def test_the_summary_matches_a_hand_count(self):
        # Readings of the transport's logger at 0, 5, 10, 20, 25, 30 minutes; departure at -3,
        # arrival at 42: gaps 3, 5, 5, 10, 5, 5 and 12 minutes.
        temperatures = [4.0, 5.0, 9.0, 3.0, 1.5, 6.0]
        minutes = [0, 5, 10, 20, 25, 30]
        for minute, value in zip(minutes, temperatures, strict=True):
            self._ingest([value], start=minute)
        self._ingest([20.0], start=60)  # after the arrival
        self._ingest([20.0, 20.0], start=1, logger="LOG-V2")  # another logger
        transport = self._transport(self._picking(self.supplier, self.stock), departure=at(-3))
        transport.action_depart()
        transport.write({"arrival": at(42), "arrival_temperature": 5.0})
        moments = [-3, *minutes, 42]
        expected_gap = max(b - a for a, b in pairwise(moments))
        self.assertEqual(
            (transport.reading_count, transport.reading_temp_min, transport.reading_temp_max,
             transport.reading_out_count, transport.reading_max_gap, transport.reading_gap_exceeded),
            (len(temperatures), min(temperatures), max(temperatures),
             len([t for t in temperatures if not 2.0 <= t <= 8.0]), expected_gap, expected_gap > 10),
        )  # fmt: skip
        self.assertEqual(expected_gap, 12)
        transport.action_arrive()
        self.assertEqual(transport.result, "excursion")
        self.assertIn("2 readings outside", transport.result_summary)
        self.assertIn("12 minutes without a reading", transport.result_summary)
        action = transport.action_view_readings()
        self.assertEqual(self.env["md.env.reading"].search_count(action["domain"]), len(temperatures))

    def test_arrival_needs_its_time_temperature_and_order(self):
        transport = self._transport(self._picking(self.supplier, self.stock))
        with self.assertRaisesRegex(UserError, "Recording the arrival is not possible"):
            transport.action_arrive()
        transport.action_depart()
        with self.assertRaisesRegex(UserError, "arrival temperature"):
            transport.action_arrive()
        transport.write({"arrival": at(-10), "arrival_temperature": 0.0})
        with self.assertRaisesRegex(UserError, "before the departure"):
            transport.action_arrive()

    def test_no_readings_and_a_warm_arrival_are_excursions(self):
        transport = self._transport(self._picking(self.supplier, self.stock))
        transport.action_depart()
        self._arrive(transport, 30, 11.5)
        self.assertEqual(transport.result, "excursion")
        self.assertIn("No reading of data logger LOG-V1", transport.result_summary)
        self.assertIn("Arrival temperature 11.5", transport.result_summary)

    def test_rights_stock_users_record_md_users_read(self):
        picking = self._picking(self.supplier, self.stock)
        transport = self.env["md.env.transport"].with_user(self.clerk).create(
            {"picking_id": picking.id, "transport_mode": "insulated_box", "container_ref": "BOX-7",
             "logger_id": self.logger.id, "departure": at(0)}
        )  # fmt: skip
        transport.action_depart()
        self.assertEqual(transport.state, "in_transit")
        self.assertEqual(transport.with_user(self.viewer).name, transport.name)
        with self.assertRaises(AccessError):
            transport.with_user(self.viewer).write({"note": "x"})
        with self.assertRaises(AccessError):
            transport.with_user(self.viewer).action_arrive()

    # --- deliveries (GSP Art. 95, 97) -----------------------------------------------------------

    def test_delivery_needs_a_departed_record_with_a_precooled_container(self):
        picking = self._picking(self.stock, self.customer)
        self.assertTrue(picking.md_cold_chain_needed)
        self._refused(picking, "冷链运输记录")
        transport = self._transport(picking, container_precooled=False)
        self.assertEqual(transport.direction, "outgoing")
        self._refused(picking, "record the departure")
        with self.assertRaisesRegex(UserError, "Art. 95"):
            transport.action_depart()
        transport.container_precooled = True
        transport.action_depart()
        self.assertTrue(picking._md_cold_chain_satisfied())
        self._validate(picking)

    def test_departure_needs_mode_container_logger_and_time(self):
        transport = self.env["md.env.transport"].create(
            {"picking_id": self._picking(self.stock, self.customer).id}
        )
        with self.assertRaisesRegex(UserError, "before the departure"):
            transport.action_depart()

    def test_a_direct_write_of_the_done_state_is_refused(self):
        picking = self._picking(self.stock, self.customer)
        self._refused(picking, "冷链运输记录", "write", ({"state": "done"},))
        self._refused(picking, "冷链运输记录", "_action_done")

    # --- receipts and sales returns (GSP Art. 63, 67) --------------------------------------------

    def test_receipt_without_a_record_is_refused(self):
        picking = self._picking(self.supplier, self.stock)
        self._refused(picking, "冷链运输记录.*missing")
        transport = self._transport(picking)
        transport.action_depart()
        self._refused(picking, "record the arrival")

    def test_receipt_with_an_excursion_is_refused(self):
        self._ingest([5.0, 5.2, 9.5, 10.1, 5.0, 4.8, 5.1])
        picking = self._picking(self.supplier, self.stock)
        transport = self._transport(picking)
        transport.action_depart()
        self._arrive(transport, 30, 5.0)
        self.assertEqual(transport.result, "excursion")
        self._refused(picking, "拒收.*return them")
        self.assertFalse(picking._md_cold_chain_satisfied())

    def test_receipt_with_a_conform_record_passes(self):
        self._ingest([5.0, 5.2, 5.5, 6.1, 5.0, 4.8, 5.1])
        picking = self._picking(self.supplier, self.stock)
        transport = self._transport(picking, container_precooled=False)  # not required at receipt
        transport.action_depart()
        self._arrive(transport, 30, 4.9)
        self.assertEqual(transport.result, "conform")
        self.assertIn("7 readings within", transport.result_summary)
        self.assertTrue(picking._md_cold_chain_satisfied())
        self._validate(picking)

    def test_a_sales_return_needs_its_record(self):
        picking = self._picking(self.customer, self.stock)
        self.assertTrue(picking.md_cold_chain_needed)
        self._refused(picking, "冷链运输记录")

    def test_no_rule_without_the_company_setting_or_a_cold_device(self):
        plain = self._picking(self.stock, self.customer, self.plain)
        self.assertFalse(plain.md_cold_chain_needed)
        self._validate(plain)
        self.env.company.md_cold_chain_required = False
        delivery = self._picking(self.stock, self.customer)
        receipt = self._picking(self.supplier, self.stock)
        self._validate(delivery)
        self._validate(receipt)

    def test_the_picking_button_opens_or_creates_the_record(self):
        picking = self._picking(self.supplier, self.stock)
        action = picking.action_md_cold_chain_transport()
        self.assertEqual(
            (action["res_model"], action["context"]["default_picking_id"]), ("md.env.transport", picking.id)
        )
        self.assertFalse(action["res_id"])
        transport = self._transport(picking)
        self.assertEqual(picking.action_md_cold_chain_transport()["res_id"], transport.id)
        self.assertEqual(picking.md_transport_count, 1)
