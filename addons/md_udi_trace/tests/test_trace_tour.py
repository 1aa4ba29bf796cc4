from odoo.tests import HttpCase, tagged

from .test_genealogy_common import GenealogyCase


@tagged("post_install", "-at_install")
class TestTraceTour(HttpCase, GenealogyCase):
    def test_trace_tour(self):
        """Lot form > Trace > Expand all shows the finished serials and the customer."""
        tubing_lot = self.receive(self.tubing, "TOUR-TUBE", 50)
        production, sub_lot = self.produce(self.subassembly, ["TOUR-DRIP"], [(tubing_lot, 5)])
        self.finish(production)
        production, serials = self.produce(self.device, ["TOUR-SN-1", "TOUR-SN-2"], [(sub_lot, 2)])
        self.finish(production)
        self.deliver(self.hospital, serials)
        self.start_tour(
            f"/odoo/action-stock.action_production_lot_form/{tubing_lot.id}",
            "md_udi_trace_trace_tour",
            login="admin",
        )
