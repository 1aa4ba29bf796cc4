from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestLotHold(TransactionCase):
    """Lot/serial status and holds (ISO 13485 7.5.8 status identification, 8.3 nonconforming
    product): held stock is not reserved, consumed or delivered; segregation and scrap stay possible."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.stock = cls.warehouse.lot_stock_id
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.suppliers = cls.env.ref("stock.stock_location_suppliers")
        cls.quarantine = cls.env["stock.location"].create(
            {"name": "Quarantine", "location_id": cls.warehouse.view_location_id.id, "md_is_quarantine": True}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Catheter", "is_storable": True, "tracking": "lot"}
        )
        cls.lot_held, cls.lot_free = cls.env["stock.lot"].create(
            [
                {"name": "LOT-HELD", "product_id": cls.product.id},
                {"name": "LOT-FREE", "product_id": cls.product.id},
            ]
        )
        # The held lot has the oldest stock so FIFO would take it first.
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.product, cls.stock, 10, lot_id=cls.lot_held)
        Quant._update_available_quantity(cls.product, cls.stock, 10, lot_id=cls.lot_free)
        cls.manager = new_test_user(
            cls.env, "md_hold_qm", groups="md_base.group_md_quality_manager,stock.group_stock_user"
        )
        cls.regulatory = new_test_user(
            cls.env, "md_hold_ra", groups="md_base.group_md_regulatory,stock.group_stock_user"
        )
        cls.md_user = new_test_user(
            cls.env, "md_hold_user", groups="md_base.group_md_user,stock.group_stock_user"
        )

    # ------------------------------------------------------------------ helpers
    def _picking(self, picking_type, source, destination, quantity, lot=None):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.product.name,
                            "product_id": self.product.id,
                            "product_uom_qty": quantity,
                            "product_uom": self.product.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        if lot:
            picking.move_ids.move_line_ids.unlink()
            self.env["stock.move.line"].create(
                {
                    "move_id": picking.move_ids.id,
                    "picking_id": picking.id,
                    "product_id": self.product.id,
                    "lot_id": lot.id,
                    "quantity": quantity,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                }
            )
        else:
            picking.action_assign()
        return picking

    def _delivery(self, quantity):
        return self._picking(self.warehouse.out_type_id, self.stock, self.customers, quantity)

    def _validate(self, picking):
        picking.move_ids.picked = True
        return picking.button_validate()

    def _hold(self, lots, hold_type="hold", reason="Recall R-001: sterility breach"):
        return lots._md_place_hold(hold_type, reason)

    # ------------------------------------------------------------------ status
    def test_place_hold_sets_status_and_source(self):
        source = self.env["res.partner"].create({"name": "Recall R-001"})
        lots = self.lot_held | self.lot_free
        holds = lots._md_place_hold("hold", "Field safety notice", source=source)
        self.assertEqual(len(holds), 2)
        self.assertEqual(set(lots.mapped("md_status")), {"on_hold"})
        self.assertEqual(holds.mapped("res_model"), ["res.partner", "res.partner"])
        self.assertEqual(holds[0].source_display, "Recall R-001")
        self.assertEqual(holds.placed_by_id, self.env.user)
        self.assertEqual(self.lot_held.md_hold_count, 1)

    def test_hold_needs_a_reason(self):
        with self.assertRaises(UserError):
            self.lot_held._md_place_hold("hold", "  ")
        with self.assertRaises(ValidationError):
            self.env["md.lot.hold"].create({"lot_id": self.lot_held.id, "hold_type": "hold", "reason": " "})
        self.assertEqual(self.lot_held.md_status, "released")

    def test_status_precedence(self):
        lot = self.lot_held
        quarantine = self._hold(lot, "quarantine", "Incoming inspection")
        self.assertEqual(lot.md_status, "quarantine")
        hold = self._hold(lot, "hold", "NCR-7 containment")
        self.assertEqual(lot.md_status, "on_hold")
        rejected = self._hold(lot, "rejected", "Failed bioburden")
        self.assertEqual(lot.md_status, "rejected")
        rejected._md_release("Retest passed, MRB decision 12")
        self.assertEqual(lot.md_status, "on_hold")
        hold._md_release("NCR-7 closed")
        self.assertEqual(lot.md_status, "quarantine")
        quarantine._md_release("Inspection passed")
        self.assertEqual(lot.md_status, "released")

    def test_check_usable_names_every_blocked_lot(self):
        self._hold(self.lot_held, "hold", "Recall R-001")
        self._hold(self.lot_free, "quarantine", "Awaiting inspection IQC-9")
        with self.assertRaises(UserError) as error:
            (self.lot_held | self.lot_free)._md_check_usable("Shipping")
        message = str(error.exception)
        for expected in (
            "LOT-HELD",
            "Recall R-001",
            "On Hold",
            "LOT-FREE",
            "Awaiting inspection IQC-9",
            "Quarantine",
        ):
            self.assertIn(expected, message)
        self.lot_held.md_hold_ids._md_release("done")
        self.lot_free.md_hold_ids._md_release("done")
        (self.lot_held | self.lot_free)._md_check_usable("Shipping")

    def test_production_date_is_tracked(self):
        self.lot_free.md_production_date = "2026-03-01"
        self.env.flush_all()
        self.env.cr.precommit.run()  # mail.thread writes tracking values before commit
        tracked = self.lot_free.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "md_production_date"
        )
        self.assertTrue(tracked)

    # ------------------------------------------------------------------ reservation
    def test_reservation_skips_held_lot(self):
        self._hold(self.lot_held)
        delivery = self._delivery(5)
        self.assertEqual(delivery.move_ids.move_line_ids.lot_id, self.lot_free)
        self.assertEqual(delivery.state, "assigned")

    def test_reservation_stays_empty_when_only_held_stock(self):
        self._hold(self.lot_held | self.lot_free)
        delivery = self._delivery(5)
        self.assertFalse(delivery.move_ids.move_line_ids)
        self.assertEqual(delivery.state, "confirmed")

    def test_reservation_without_hold_uses_both_lots(self):
        delivery = self._delivery(15)
        self.assertEqual(delivery.move_ids.move_line_ids.lot_id, self.lot_held | self.lot_free)

    def test_manual_assignment_of_held_lot_refused(self):
        self._hold(self.lot_held, reason="Recall R-002")
        delivery = self._delivery(5)
        with self.assertRaisesRegex(UserError, "LOT-HELD"):
            delivery.move_ids.move_line_ids.lot_id = self.lot_held
        with self.assertRaisesRegex(UserError, "Recall R-002"):
            self._picking(self.warehouse.out_type_id, self.stock, self.customers, 3, lot=self.lot_held)

    # ------------------------------------------------------------------ validation
    def test_hold_takes_back_open_reservations(self):
        delivery = self._delivery(5)
        self.assertEqual(delivery.move_ids.move_line_ids.lot_id, self.lot_held)  # FIFO
        self._hold(self.lot_held)
        self.assertEqual(delivery.move_ids.move_line_ids.lot_id, self.lot_free)
        self.assertEqual(delivery.state, "assigned")
        quant = self.env["stock.quant"]._gather(self.product, self.stock, lot_id=self.lot_held, strict=True)
        self.assertEqual(quant.reserved_quantity, 0)

    def test_delivery_validation_refused_naming_lot_and_reason(self):
        delivery = self._delivery(15)  # reserves and picks both lots before the hold
        delivery.move_ids.picked = True
        self._hold(self.lot_held, reason="Recall R-003: label mix-up")
        with self.assertRaises(UserError) as error:
            self._validate(delivery)
        self.assertIn("LOT-HELD", str(error.exception))
        self.assertIn("Recall R-003: label mix-up", str(error.exception))
        self.assertNotIn("LOT-FREE", str(error.exception))
        self.assertEqual(delivery.state, "assigned")

    def test_move_action_done_refused_outside_pickings(self):
        delivery = self._delivery(15)
        delivery.move_ids.picked = True
        self._hold(self.lot_held)
        with self.assertRaisesRegex(UserError, "LOT-HELD"):
            delivery.move_ids._action_done()

    def test_mo_cannot_consume_held_component(self):
        finished = self.env["product.product"].create({"name": "Catheter kit", "is_storable": True})
        bom = self.env["mrp.bom"].create(
            {
                "product_tmpl_id": finished.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [Command.create({"product_id": self.product.id, "product_qty": 15})],
            }
        )
        production = self.env["mrp.production"].create({"product_id": finished.id, "bom_id": bom.id})
        production.action_confirm()
        production.action_assign()
        self.assertIn(self.lot_held, production.move_raw_ids.move_line_ids.lot_id)
        production.qty_producing = 1
        production.move_raw_ids.picked = True
        self._hold(self.lot_held, reason="NCR-11 containment")
        with self.assertRaisesRegex(UserError, "NCR-11 containment"):
            production.button_mark_done()
        # A new MO reserves around the held lot.
        second = self.env["mrp.production"].create({"product_id": finished.id, "bom_id": bom.id})
        second.action_confirm()
        second.action_assign()
        self.assertNotIn(self.lot_held, second.move_raw_ids.move_line_ids.lot_id)

    def test_scrap_of_held_stock_allowed(self):
        self._hold(self.lot_held, "rejected", "Failed final inspection")
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.product.id,
                "lot_id": self.lot_held.id,
                "scrap_qty": 4,
                "location_id": self.stock.id,
            }
        )
        scrap.action_validate()
        self.assertEqual(scrap.state, "done")
        self.assertEqual(self.lot_held.product_qty, 6)

    def test_move_into_quarantine_allowed_and_out_refused(self):
        self._hold(self.lot_held, "quarantine", "Awaiting inspection")
        to_quarantine = self._picking(self.warehouse.int_type_id, self.stock, self.quarantine, 10)
        # Reservation for segregation takes the held lot (FIFO), unlike a delivery.
        self.assertEqual(to_quarantine.move_ids.move_line_ids.lot_id, self.lot_held)
        self._validate(to_quarantine)
        self.assertEqual(to_quarantine.state, "done")
        back = self._picking(self.warehouse.int_type_id, self.quarantine, self.stock, 10, lot=None)
        self.assertFalse(back.move_ids.move_line_ids, "held stock is not reserved to leave quarantine")
        with self.assertRaisesRegex(UserError, "out of quarantine"):
            self._picking(self.warehouse.int_type_id, self.quarantine, self.stock, 10, lot=self.lot_held)

    def test_return_to_supplier_reserves_and_ships_held_stock(self):
        self._hold(self.lot_held, "rejected", "Incoming inspection failed")
        vendor_return = self._picking(self.warehouse.out_type_id, self.stock, self.suppliers, 10)
        self.assertEqual(vendor_return.move_ids.move_line_ids.lot_id, self.lot_held)
        self._validate(vendor_return)
        self.assertEqual(vendor_return.state, "done")

    def test_transit_shipment_of_held_stock_refused(self):
        transit = self.env["stock.location"].create({"name": "Transit", "usage": "transit"})
        self._hold(self.lot_held)
        shipment = self._picking(self.warehouse.int_type_id, self.stock, transit, 5)
        self.assertEqual(shipment.move_ids.move_line_ids.lot_id, self.lot_free)
        with self.assertRaisesRegex(UserError, "transit"):
            shipment.move_ids.move_line_ids.lot_id = self.lot_held

    def test_unbuild_of_held_finished_lot_allowed(self):
        component = self.env["product.product"].create({"name": "Tubing", "is_storable": True})
        self.env["stock.quant"]._update_available_quantity(component, self.stock, 5)
        bom = self.env["mrp.bom"].create(
            {
                "product_tmpl_id": self.product.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [Command.create({"product_id": component.id, "product_qty": 1})],
            }
        )
        finished_lot = self.env["stock.lot"].create({"name": "LOT-BUILT", "product_id": self.product.id})
        production = self.env["mrp.production"].create({"product_id": self.product.id, "bom_id": bom.id})
        production.action_confirm()
        production.lot_producing_id = finished_lot
        production.qty_producing = 1
        production.move_raw_ids.picked = True
        production.button_mark_done()
        self.assertEqual(production.state, "done")
        self._hold(finished_lot, "rejected", "Final inspection failed: rework")
        unbuild = self.env["mrp.unbuild"].create(
            {
                "product_id": self.product.id,
                "mo_id": production.id,
                "lot_id": finished_lot.id,
                "product_qty": 1,
            }
        )
        unbuild.action_unbuild()
        self.assertEqual(unbuild.state, "done")
        self.assertEqual(finished_lot.product_qty, 0)

    def test_checks_are_set_based(self):
        """The status, the refusal message and the validation gate cost the same queries for
        10 lots as for 100 (no query per lot)."""

        def queries(count):
            lots = self.env["stock.lot"].create(
                [{"name": f"SET-{count}-{i}", "product_id": self.product.id} for i in range(count)]
            )
            self._hold(lots)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with self.assertRaises(UserError):
                lots._md_check_usable("Shipping")
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries(10), queries(100))

    def test_receipt_and_customer_return_of_held_lot_allowed(self):
        self._hold(self.lot_held, "hold", "Recall R-004")
        receipt = self._picking(self.warehouse.in_type_id, self.suppliers, self.stock, 2, lot=self.lot_held)
        self._validate(receipt)
        self.assertEqual(receipt.state, "done")
        customer_return = self._picking(
            self.warehouse.in_type_id, self.customers, self.stock, 1, lot=self.lot_held
        )
        self._validate(customer_return)
        self.assertEqual(customer_return.state, "done")
        self.assertEqual(self.lot_held.product_qty, 13)

    def test_release_restores_reservation_and_delivery(self):
        holds = self._hold(self.lot_held | self.lot_free)
        holds._md_release("Recall closed: lots not affected")
        self.assertEqual(set((self.lot_held | self.lot_free).mapped("md_status")), {"released"})
        delivery = self._delivery(15)
        self.assertEqual(delivery.move_ids.move_line_ids.lot_id, self.lot_held | self.lot_free)
        self._validate(delivery)
        self.assertEqual(delivery.state, "done")
        self.assertTrue(all(h.released_by_id == self.env.user and h.released_at for h in holds))

    # ------------------------------------------------------------------ rights and record integrity
    def test_quality_manager_and_regulatory_place_and_release(self):
        for user in (self.manager, self.regulatory):
            hold = self.lot_held.with_user(user)._md_place_hold("hold", f"Hold by {user.login}")
            self.assertEqual(self.lot_held.md_status, "on_hold")
            hold._md_release("Checked")
            self.assertEqual(self.lot_held.md_status, "released")

    def test_md_user_cannot_place_or_release(self):
        with self.assertRaises(AccessError):
            self.lot_held.with_user(self.md_user)._md_place_hold("hold", "Not allowed")
        hold = self._hold(self.lot_held)
        self.assertEqual(hold.with_user(self.md_user).reason, "Recall R-001: sterility breach")
        with self.assertRaises(AccessError):
            hold.with_user(self.md_user)._md_release("Not allowed")
        with self.assertRaises(AccessError):
            self.env["md.lot.hold.wizard"].with_user(self.md_user).create(
                {"mode": "place", "lot_ids": [Command.set(self.lot_held.ids)], "reason": "x"}
            )
        self.assertEqual(self.lot_held.md_status, "on_hold")

    def test_wizard_places_and_releases_for_several_lots(self):
        lots = self.lot_held | self.lot_free
        Wizard = self.env["md.lot.hold.wizard"].with_user(self.manager)
        Wizard.create(
            {"mode": "place", "lot_ids": [Command.set(lots.ids)], "hold_type": "quarantine", "reason": "IQC"}
        ).action_confirm()
        self.assertEqual(set(lots.mapped("md_status")), {"quarantine"})
        wizard = Wizard.with_context(default_mode="release", default_lot_ids=lots.ids).create(
            {"reason": "IQC passed"}
        )
        self.assertEqual(len(wizard.hold_ids), 2)
        wizard.action_confirm()
        self.assertEqual(set(lots.mapped("md_status")), {"released"})

    def test_holds_cannot_be_deleted(self):
        hold = self._hold(self.lot_held)
        with self.assertRaises(UserError):
            hold.unlink()
        hold._md_release("Closed")
        with self.assertRaises(UserError):
            hold.unlink()

    def test_released_hold_is_read_only(self):
        hold = self._hold(self.lot_held)
        with self.assertRaises(UserError):
            hold.lot_id = self.lot_free
        with self.assertRaises(UserError):
            hold.released_by_id = self.manager
        hold.reason = "Recall R-001: sterility breach, lots 1-3"  # still open: the reason may be refined
        hold._md_release("Closed")
        with self.assertRaises(UserError):
            hold.reason = "Rewritten"
        with self.assertRaises(UserError):
            hold.state = "active"
        with self.assertRaises(UserError):
            hold._md_release("Twice")
        hold.message_post(body="Comment on a closed hold stays possible")

    def test_release_needs_a_reason(self):
        hold = self._hold(self.lot_held)
        with self.assertRaisesRegex(UserError, "Give a reason"):
            hold._md_release("")
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            hold.state = "released"
        with self.assertRaises(ValidationError) as refusal:  # rolls the write back, as a request would
            hold._md_write_transition({"state": "released"})
        self.assertIn("needs a reason, the releasing user and the date", str(refusal.exception))
        self.assertEqual(self.lot_held.md_status, "on_hold")

    def test_multi_company_hold_invisible_to_other_company(self):
        company_b = self.env["res.company"].create({"name": "MedDev B"})
        lot_b = self.env["stock.lot"].create(
            {"name": "LOT-B", "product_id": self.product.id, "company_id": company_b.id}
        )
        hold_b = self._hold(lot_b, reason="Company B recall")
        user_a = new_test_user(
            self.env,
            "md_hold_company_a",
            groups="md_base.group_md_quality_manager,stock.group_stock_user",
            company_id=self.env.company.id,
            company_ids=[Command.set(self.env.company.ids)],
        )
        Hold = self.env["md.lot.hold"].with_user(user_a)
        self.assertFalse(Hold.search([("id", "=", hold_b.id)]))
        with self.assertRaises(AccessError):
            Hold.browse(hold_b.id).read(["reason"])
        self.assertEqual(self.env["md.lot.hold"].search([("id", "=", hold_b.id)]), hold_b)
