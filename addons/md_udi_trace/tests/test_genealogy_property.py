"""Property test: the set-based trace equals a naive walk of the ORM links."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import Command
from odoo.tests import TransactionCase, tagged

# A random genealogy: a number of lots and operations, each consuming some lots
# and making others (cycles included: an output may be an earlier input).
genealogies = st.integers(min_value=2, max_value=9).flatmap(
    lambda lots: st.tuples(
        st.just(lots),
        st.lists(
            st.tuples(
                st.sets(st.integers(0, lots - 1), min_size=1, max_size=3),
                st.sets(st.integers(0, lots - 1), min_size=1, max_size=3),
            ),
            min_size=0,
            max_size=8,
        ),
        st.integers(0, lots - 1),
    )
)


@tagged("post_install", "-at_install")
class TestGenealogyProperty(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "MD Property Component", "is_storable": True, "tracking": "lot"}
        )
        cls.stock = cls.env.ref("stock.stock_location_stock")
        cls.production = cls.product.property_stock_production
        cls.counter = 0

    def _build(self, lot_count, operations):
        """Done move lines and consume links, as Odoo writes them for an order."""
        type(self).counter += 1
        lots = self.env["stock.lot"].create(
            [
                {"name": f"PROP-{self.counter}-{index}", "product_id": self.product.id}
                for index in range(lot_count)
            ]
        )
        for inputs, outputs in operations:
            consumed = self._done_lines(lots, inputs, self.stock, self.production)
            produced = self._done_lines(lots, outputs, self.production, self.stock)
            produced.consume_line_ids = [Command.set(consumed.ids)]
        return lots

    def _done_lines(self, lots, indexes, source, dest):
        move = self.env["stock.move"].create(
            {
                "name": "property",
                "product_id": self.product.id,
                "product_uom_qty": len(indexes),
                "location_id": source.id,
                "location_dest_id": dest.id,
                "state": "done",
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "lot_id": lots[index].id,
                            "quantity": 1,
                            "location_id": source.id,
                            "location_dest_id": dest.id,
                        }
                    )
                    for index in sorted(indexes)
                ],
            }
        )
        return move.move_line_ids

    def _naive_walk(self, lot, direction):
        """One ORM search per lot reached: each line links to the lines it made
        (down) or was made from (up)."""
        levels, frontier, level = {lot.id: 0}, lot, 0
        while frontier:
            level += 1
            lines = self.env["stock.move.line"].search(
                [("lot_id", "in", frontier.ids), ("state", "=", "done")]
            )
            linked = lines.produce_line_ids if direction == "down" else lines.consume_line_ids
            frontier = linked.lot_id.filtered(lambda reached: reached.id not in levels)
            levels.update(dict.fromkeys(frontier.ids, level))
        del levels[lot.id]
        return levels

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(genealogies)
    def test_trace_equals_naive_walk(self, genealogy):
        lot_count, operations, seed = genealogy
        lots = self._build(lot_count, operations)
        for direction in ("down", "up"):
            traced = {row["lot_id"]: row["level"] for row in lots[seed].md_trace(direction)}
            self.assertEqual(traced, self._naive_walk(lots[seed], direction), (direction, genealogy))
