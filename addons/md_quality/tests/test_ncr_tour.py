from odoo import Command
from odoo.tests import HttpCase, tagged

from .ncr_common import NcrCase


@tagged("post_install", "-at_install")
class TestNcrTour(NcrCase, HttpCase):
    """Receive -> IQC fails -> NCR -> CAPA in the browser (ISO 13485 7.4.3, 8.3, 8.5.2)."""

    def test_receive_iqc_fails_ncr_capa(self):
        self.env["md.quality.inspection.plan"].create(
            {
                "name": "IQC tubing (tour)",
                "trigger": "receipt",
                "product_tmpl_id": self.product.product_tmpl_id.id,
                "sampling_method": "fixed",
                "fixed_sample_size": 1,
                "item_ids": [Command.create({"name": "Wall thickness", "test_type": "check"})],
            }
        )
        lot = self.env["stock.lot"].create({"name": "NCR-TOUR-1", "product_id": self.product.id})
        receipt = self._receive(lot, 50, validate=False)
        action = self.env.ref("stock.action_picking_tree_all")
        self.start_tour(
            f"/odoo/action-{action.id}/{receipt.id}", "md_ncr_receive_iqc_capa_tour", login="ncr_inspector"
        )
        inspection = receipt.md_inspection_ids
        self.assertEqual(inspection.state, "failed")
        ncr = inspection.md_ncr_ids
        self.assertEqual(
            (ncr.source, ncr.lot_ids, ncr.quantity, ncr.state), ("inspection", lot, 50, "containment")
        )
        self.assertEqual(lot.md_status, "rejected")
        self.assertEqual(ncr.capa_id.ncr_ids, ncr)
        self.assertEqual(ncr.capa_id.create_uid, self.inspector)
