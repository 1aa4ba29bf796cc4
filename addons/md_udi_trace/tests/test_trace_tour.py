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

    def test_trace_export_download_is_read_only(self):
        """The XLSX/CSV download is a read-only route: Odoo serves it from the database replica
        when one is configured, and the test cursor is read-only, so any write would fail."""
        tubing_lot = self.receive(self.tubing, "RO-TUBE", 5)
        self.authenticate("admin", "admin")
        response = self.url_open(f"/md_udi_trace/trace/export/csv?lot_ids={tubing_lot.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("RO-TUBE", response.text)
