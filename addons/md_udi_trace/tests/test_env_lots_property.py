"""Property test: the lots found in a place during an excursion (one statement over the move
history) equal a naive walk of each lot's moves in time order."""

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged

from ..models import genealogy
from .test_env_monitoring import T0, MdEnvCase

# Where a move goes from and to: outside the place, the place itself, a location inside it.
PLACES = ("supplier", "room", "shelf", "stock", "customer")
histories = st.integers(min_value=1, max_value=4).flatmap(
    lambda lots: st.tuples(
        st.just(lots),
        st.lists(
            st.tuples(
                st.integers(0, lots - 1),
                st.sampled_from(PLACES),
                st.sampled_from(PLACES),
                st.integers(0, 120),
                st.sampled_from([1.0, 2.0, 0.5]),
            ),
            max_size=10,
        ),
        st.integers(0, 120),
        st.integers(0, 60),
    )
)


@tagged("post_install", "-at_install")
class TestLotsInPlaceProperty(MdEnvCase):
    counter = 0

    def _naive(self, lots, start, end):
        """Each lot's done move lines one by one, in time order: its balance in the place."""
        inside = self.env["stock.location"].search([("id", "child_of", self.room.id)])
        found = {}
        for lot in lots:
            lines = self.env["stock.move.line"].search(
                [("lot_id", "=", lot.id), ("state", "=", "done"), ("date", "<=", end)], order="date, id"
            )
            balance, before, most = 0.0, 0.0, 0.0
            for line in lines:
                balance += line.quantity * ((line.location_dest_id in inside) - (line.location_id in inside))
                if line.date < start:
                    before = balance
                else:
                    most = max(most, balance)
            present = max(before, most)
            if present > 1e-9:
                found[lot.id] = present
        return found

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(histories)
    def test_lots_in_place_equal_a_naive_walk(self, history):
        lot_count, moves, start_minute, length = history
        type(self).counter += 1
        lots = self.env["stock.lot"].create(
            [
                {"name": f"PROP-ENV-{self.counter}-{index}", "product_id": self.product.id}
                for index in range(lot_count)
            ]
        )
        where = {"supplier": self.supplier, "room": self.room, "shelf": self.shelf, "stock": self.stock,
                 "customer": self.customer}  # fmt: skip
        for index, source, dest, minute, quantity in moves:
            if source != dest:
                self._move(lots[index], where[source], where[dest], minute, quantity)
        start = T0 + timedelta(minutes=start_minute)
        end = start + timedelta(minutes=length)
        self.env.flush_all()
        rows = genealogy.lots_in_location(
            self.env.cr, self.room.id, start, end, product_ids=[self.product.id]
        )
        found = {lot_id: quantity for lot_id, quantity in rows if lot_id in lots.ids}
        self.assertEqual(found.keys(), self._naive(lots, start, end).keys(), history)
        for lot_id, quantity in self._naive(lots, start, end).items():
            self.assertAlmostEqual(found[lot_id], quantity, msg=history)
