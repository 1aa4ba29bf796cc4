from odoo import models


class StockLot(models.Model):
    _inherit = "stock.lot"

    def _md_release_blockers(self):
        """What stands between each lot and its batch release (ISO 13485 8.2.6:
        product is released only when planned arrangements are completed).

        :return: ``{lot_id: [message, ...]}`` for every lot in self, empty
            lists for lots nothing blocks. Each quality feature (inspections,
            NCRs, holds...) extends this with one set-based query over all lots.
        """
        return {lot.id: [] for lot in self}
