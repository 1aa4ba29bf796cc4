from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .test_genealogy_common import GenealogyCase


@tagged("post_install", "-at_install")
class TestGenealogyTrace(GenealogyCase):
    """md_trace over manufacturing links, any depth (ISO 13485:2016 7.5.9.2,
    21 CFR 820.65: the components of each unit can be identified)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # raw lot -> sub-assembly lot -> two serials of one order -> deliveries
        cls.tubing_lot = cls.receive(cls.tubing, "TUBE-001", 100)
        cls.pouch_lot = cls.receive(cls.pouch, "POUCH-001", 100)
        production, cls.sub_lot = cls.produce(cls.subassembly, ["DRIP-001"], [(cls.tubing_lot, 20)])
        cls.finish(production)
        cls.device_order, cls.serials = cls.produce(
            cls.device, ["SN-001", "SN-002"], [(cls.sub_lot, 2), (cls.pouch_lot, 2)]
        )
        cls.finish(cls.device_order)

    def test_down_reaches_every_level(self):
        rows = self.tubing_lot.md_trace("down")
        levels = {row["lot_id"]: row["level"] for row in rows}
        self.assertEqual(levels, {self.sub_lot.id: 1, self.serials[0].id: 2, self.serials[1].id: 2})
        self.assertEqual({row["product_id"] for row in rows}, {self.subassembly.id, self.device.id})

    def test_up_reaches_received_lots(self):
        levels = {row["lot_id"]: row["level"] for row in self.serials[0].md_trace("up")}
        self.assertEqual(levels, {self.sub_lot.id: 1, self.pouch_lot.id: 1, self.tubing_lot.id: 2})

    def test_seeds_are_not_returned_and_lot_without_links_reaches_nothing(self):
        self.assertNotIn(self.tubing_lot.id, self.trace_ids(self.tubing_lot, "down"))
        self.assertEqual(self.tubing_lot.md_trace("up"), [])

    def test_bad_direction_is_a_user_error(self):
        with self.assertRaisesRegex(UserError, "sideways"):
            self.tubing_lot.md_trace("sideways")

    def test_order_level_link_without_unit_assignment(self):
        """Without unit-level consumption, every serial of the order shares all its components."""
        for serial in self.serials:
            self.assertEqual(
                self.trace_ids(serial, "up"), {self.sub_lot.id, self.pouch_lot.id, self.tubing_lot.id}
            )

    def test_query_count_does_not_depend_on_depth(self):
        # access check, trace, and the two statements that switch JIT off and back on
        with self.assertQueryCount(__system__=5):
            self.tubing_lot.md_trace("down")

    def test_trace_switches_jit_off_for_its_statement_only(self):
        for setting in ("on", "off"):
            self.env.cr.execute(f"SET LOCAL jit = {setting}")
            self.assertTrue(self.tubing_lot.md_trace("down"))
            self.env.cr.execute("SHOW jit")
            self.assertEqual(self.env.cr.fetchone()[0], setting)


@tagged("post_install", "-at_install")
class TestGenealogyUnitLevel(GenealogyCase):
    """Unit-level consumption: a component assigned to one serial of an order
    links to that serial only (21 CFR 820.184(d): the DHR identifies what each
    unit was made from)."""

    def setUp(self):
        super().setUp()
        self.tubing_a = self.receive(self.tubing, "TUBE-A", 10)
        self.tubing_b = self.receive(self.tubing, "TUBE-B", 10)
        self.pouch_lot = self.receive(self.pouch, "POUCH-U", 10)
        self.production, self.serials = self.produce(
            self.device, ["SN-U1", "SN-U2"], [(self.tubing_a, 1), (self.tubing_b, 1), (self.pouch_lot, 2)]
        )

    def _component_line(self, lot):
        return self.production.move_raw_ids.move_line_ids.filtered(lambda line: line.lot_id == lot)

    def test_assigned_components_link_to_their_unit_only(self):
        self._component_line(self.tubing_a).md_unit_lot_id = self.serials[0]
        self._component_line(self.tubing_b).md_unit_lot_id = self.serials[1]
        self.finish(self.production)
        # the unassigned pouch keeps the order-level link to both units
        self.assertEqual(self.trace_ids(self.serials[0], "up"), {self.tubing_a.id, self.pouch_lot.id})
        self.assertEqual(self.trace_ids(self.serials[1], "up"), {self.tubing_b.id, self.pouch_lot.id})
        self.assertEqual(self.trace_ids(self.tubing_a, "down"), {self.serials[0].id})
        self.assertEqual(self.trace_ids(self.pouch_lot, "down"), set(self.serials.ids))

    def test_choices_are_the_units_of_the_order(self):
        self.assertEqual(self._component_line(self.tubing_a).md_unit_lot_choice_ids, self.serials)

    def test_unit_of_another_order_is_refused(self):
        other = self.env["stock.lot"].create({"name": "SN-OTHER", "product_id": self.device.id})
        with self.assertRaisesRegex(ValidationError, "SN-OTHER"):
            self._component_line(self.tubing_a).md_unit_lot_id = other

    def test_line_outside_a_manufacturing_order_is_refused(self):
        receipt_line = self.env["stock.move.line"].search([("lot_id", "=", self.tubing_a.id)], limit=1)
        with self.assertRaisesRegex(ValidationError, "component line of a manufacturing order"):
            receipt_line.md_unit_lot_id = self.serials[0]

    def test_unit_of_a_done_consumption_cannot_change(self):
        line = self._component_line(self.tubing_a)
        line.md_unit_lot_id = self.serials[0]
        self.finish(self.production)
        with self.assertRaisesRegex(ValidationError, "cannot be changed"):
            line.md_unit_lot_id = self.serials[1]
        self.assertEqual(line.md_unit_lot_id, self.serials[0])


@tagged("post_install", "-at_install")
class TestRecallScope(GenealogyCase):
    """md_recall_scope: units reached, stock on hand, consignees net of returns
    (ISO 13485:2016 8.3.3 and 7.5.9.2, EU MDR Art. 89 field safety corrective
    actions, 21 CFR 806: who received the affected units)."""

    def setUp(self):
        super().setUp()
        self.tubing_lot = self.receive(self.tubing, "TUBE-R", 100)
        production, self.sub_lot = self.produce(self.subassembly, ["DRIP-R"], [(self.tubing_lot, 10)])
        self.finish(production)
        self.serials = self.env["stock.lot"]
        for index in range(3):
            production, serial = self.produce(self.device, [f"SN-R{index}"], [(self.sub_lot, 1)])
            self.finish(production)
            self.serials |= serial
        self.delivery_hospital = self.deliver(self.hospital, self.serials[0] | self.serials[1])
        self.delivery_clinic = self.deliver(self.clinic, self.serials[2])

    def test_scope_lists_units_stock_and_customers(self):
        scope = self.tubing_lot.md_recall_scope()
        self.assertEqual(set(scope["lots"]), {self.tubing_lot.id, self.sub_lot.id, *self.serials.ids})
        stock = {(row["lot_id"], row["location_id"]): row["quantity"] for row in scope["stock"]}
        self.assertEqual(
            stock,
            {
                (self.tubing_lot.id, self.stock_location.id): 90.0,
                (self.sub_lot.id, self.stock_location.id): 7.0,
            },
        )
        customers = {(row["partner_id"], row["lot_id"]): row for row in scope["customers"]}
        self.assertEqual(
            set(customers),
            {
                (self.hospital.id, self.serials[0].id),
                (self.hospital.id, self.serials[1].id),
                (self.clinic.id, self.serials[2].id),
            },
        )
        row = customers[(self.hospital.id, self.serials[0].id)]
        self.assertEqual(row["quantity"], 1.0)
        self.assertEqual(row["picking_ids"], self.delivery_hospital.ids)
        self.assertEqual(row["date"], self.delivery_hospital.move_line_ids[0].date)

    def test_returned_unit_leaves_the_customer_list_and_is_back_in_stock(self):
        returned = self.return_from(self.clinic, self.serials[2])
        scope = self.tubing_lot.md_recall_scope()
        self.assertNotIn(self.clinic.id, {row["partner_id"] for row in scope["customers"]})
        self.assertIn(
            {"lot_id": self.serials[2].id, "location_id": returned.location_dest_id.id, "quantity": 1.0},
            scope["stock"],
        )

    def test_redelivered_after_return_counts_once_with_both_pickings(self):
        returned = self.return_from(self.clinic, self.serials[2])
        again = self.deliver(self.clinic, self.serials[2])
        rows = [
            row
            for row in self.tubing_lot.md_recall_scope()["customers"]
            if row["partner_id"] == self.clinic.id
        ]
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["quantity"], 1.0)
        self.assertEqual(rows[0]["picking_ids"], sorted((self.delivery_clinic | returned | again).ids))

    def test_scrapped_unit_is_neither_in_stock_nor_at_a_customer(self):
        production, serial = self.produce(self.device, ["SN-SCRAP"], [(self.sub_lot, 1)])
        self.finish(production)
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.device.id,
                "lot_id": serial.id,
                "scrap_qty": 1,
                "location_id": self.stock_location.id,
            }
        )
        scrap.action_validate()
        scope = self.tubing_lot.md_recall_scope()
        self.assertIn(serial.id, scope["lots"])
        self.assertNotIn(serial.id, {row["lot_id"] for row in scope["stock"] + scope["customers"]})

    def test_trace_data_for_the_ui(self):
        data = self.tubing_lot.md_trace_data()
        self.assertEqual(data["down"][self.tubing_lot.id], [self.sub_lot.id])
        self.assertEqual(sorted(data["down"][self.sub_lot.id]), self.serials.ids)
        self.assertEqual({unit["lot_id"] for unit in data["units"]}, set(self.serials.ids))
        self.assertEqual(
            {row["partner"] for row in data["customers"]}, {self.hospital.name, self.clinic.name}
        )
        kinds = {move["kind"] for move in data["nodes"][self.serials[0].id]["moves"]}
        self.assertEqual(kinds, {"production", "delivery"})
        self.assertEqual(data["nodes"][self.tubing_lot.id]["moves"][0]["kind"], "receipt")

    def test_exports(self):
        filename, content, mimetype = self.tubing_lot.md_trace_export("csv")
        self.assertEqual((filename, mimetype), ("trace-TUBE-R.csv", "text/csv"))
        text = content.decode("utf-8-sig")
        for expected in ("Downstream", "SN-R2", self.hospital.name, self.delivery_clinic.name):
            self.assertIn(expected, text)
        filename, content, _mimetype = self.tubing_lot.md_trace_export("xlsx")
        self.assertEqual(filename, "trace-TUBE-R.xlsx")
        self.assertEqual(content[:2], b"PK")  # an Office Open XML (zip) workbook
        with self.assertRaisesRegex(UserError, "pdf"):
            self.tubing_lot.md_trace_export("pdf")
        with self.assertRaisesRegex(UserError, "at least one"):
            self.env["stock.lot"].md_trace_export("csv")

    def test_trace_action(self):
        action = self.tubing_lot.action_md_trace()
        self.assertEqual(action["tag"], "md_udi_trace.trace")
        self.assertEqual(action["params"], {"lot_ids": self.tubing_lot.ids})


@tagged("post_install", "-at_install")
class TestGenealogyUnbuildRepair(GenealogyCase):
    """Unbuilds and repairs are links of the genealogy too."""

    def setUp(self):
        super().setUp()
        self.tubing_lot = self.receive(self.tubing, "TUBE-X", 100)
        self.pouch_lot = self.receive(self.pouch, "POUCH-X", 100)
        self.production, self.serial = self.produce(self.device, ["SN-X"], [(self.tubing_lot, 1)])
        self.finish(self.production)

    def test_unbuild_recovered_component_comes_from_the_unit(self):
        unbuild = self.env["mrp.unbuild"].create(
            {
                "product_id": self.device.id,
                "mo_id": self.production.id,
                "product_qty": 1,
            }
        )
        # set after the order: Odoo fills it from the order's single lot_producing_id
        unbuild.lot_id = self.serial
        unbuild.action_unbuild()
        self.assertEqual(self.trace_ids(self.serial, "down"), {self.tubing_lot.id})
        # the cycle tubing -> unit -> recovered tubing ends the walk
        self.assertEqual(self.trace_ids(self.tubing_lot, "down"), {self.serial.id})

    def test_repair_parts_added_and_removed(self):
        old_pouch = self.receive(self.pouch, "POUCH-OLD", 1)
        repair = self.env["repair.order"].create(
            {
                "product_id": self.device.id,
                "lot_id": self.serial.id,
                "location_id": self.stock_location.id,
                "move_ids": [
                    (0, 0, {"product_id": self.pouch.id, "product_uom_qty": 1, "repair_line_type": "add"}),
                    (0, 0, {"product_id": self.pouch.id, "product_uom_qty": 1, "repair_line_type": "remove"}),
                ],
            }
        )
        added, removed = repair.move_ids
        repair.action_validate()
        for move, lot in ((added, self.pouch_lot), (removed, old_pouch)):
            move.move_line_ids.unlink()
            move.move_line_ids = [(0, 0, self._line_vals(move, 1, lot=lot))]
            move.picked = True
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")
        self.assertEqual(self.trace_ids(self.serial, "down"), {old_pouch.id})
        # downstream of the new part: the unit, and what came out of the unit after it went in
        self.assertEqual(self.trace_ids(self.pouch_lot, "down"), {self.serial.id, old_pouch.id})
        self.assertEqual(self.trace_ids(self.serial, "up"), {self.tubing_lot.id, self.pouch_lot.id})


@tagged("post_install", "-at_install")
class TestGenealogyAccess(GenealogyCase):
    """Tracing needs read access on lots and stays inside the user's companies
    (21 CFR 11.10(d); Odoo multi-company isolation)."""

    def setUp(self):
        super().setUp()
        self.tubing_lot = self.receive(self.tubing, "TUBE-MC", 100)
        production, self.serial = self.produce(self.device, ["SN-MC"], [(self.tubing_lot, 1)])
        self.finish(production)
        self.other_company = self.env["res.company"].create({"name": "MD Test Other Company"})

    def test_md_user_can_trace(self):
        user = new_test_user(self.env, "md_trace_user", groups="md_base.group_md_user")
        rows = self.tubing_lot.with_user(user).md_trace("down")
        self.assertEqual([row["lot_id"] for row in rows], self.serial.ids)

    def test_user_without_lot_access_is_refused(self):
        user = new_test_user(self.env, "md_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.tubing_lot.with_user(user).md_trace("down")

    def test_lots_of_other_companies_are_not_reached(self):
        self.deliver(self.hospital, self.serial)
        self.serial.company_id = self.other_company
        user = new_test_user(
            self.env,
            "md_trace_user_mc",
            groups="md_base.group_md_user",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        self.assertEqual(self.tubing_lot.with_user(user).md_trace("down"), [])
        self.assertEqual(self.tubing_lot.with_user(user).md_recall_scope()["lots"], self.tubing_lot.ids)
        # the admin working in both companies reaches it
        both = self.tubing_lot.with_context(allowed_company_ids=[self.company.id, self.other_company.id])
        self.assertEqual(self.trace_ids(both, "down"), {self.serial.id})

    def test_lot_of_another_company_cannot_be_traced(self):
        foreign_lot = self.env["stock.lot"].create(
            {"name": "TUBE-FOREIGN", "product_id": self.tubing.id, "company_id": self.other_company.id}
        )
        user = new_test_user(self.env, "md_trace_user_mc2", groups="md_base.group_md_user")
        with self.assertRaises(AccessError):
            foreign_lot.with_user(user).md_trace("down")
