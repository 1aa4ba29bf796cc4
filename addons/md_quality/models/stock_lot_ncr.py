from odoo import models
from odoo.tools import SQL


class StockLot(models.Model):
    _inherit = "stock.lot"  # pylint: disable=consider-merging-classes-inherited

    def _md_release_blockers(self):
        """Open nonconformances naming a lot block its release (ISO 13485 8.3: nonconforming
        product is released only after its disposition), one query for all lots."""
        blockers = super()._md_release_blockers()
        for lot_id, messages in self._md_ncr_release_blockers().items():
            blockers.setdefault(lot_id, []).extend(messages)
        return blockers

    def _md_ncr_release_blockers(self):
        """``{lot_id: [message]}`` for the lots of self named by an open NCR."""
        if not self.ids:
            return {}
        self.env["md.quality.ncr"].flush_model(["state", "name", "lot_ids"])
        rows = self.env.execute_query(
            SQL(
                """SELECT rel.lot_id, array_agg(ncr.name ORDER BY ncr.name)
                     FROM md_quality_ncr_stock_lot_rel rel
                     JOIN md_quality_ncr ncr ON ncr.id = rel.ncr_id
                    WHERE rel.lot_id = ANY(%s) AND ncr.state != 'closed'
                 GROUP BY rel.lot_id""",
                self.ids,
            )
        )
        return {lot_id: [self.env._("Open nonconformance: %s", ", ".join(names))] for lot_id, names in rows}
