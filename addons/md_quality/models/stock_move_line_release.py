from odoo import models
from odoo.tools.sql import create_index

from .stock_move_release import RELEASE_GATED_USAGES


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"  # pylint: disable=consider-merging-classes-inherited

    def init(self):
        res = super().init()
        # stock.lot._md_open_production_blockers reads the lots' lines not done yet, a handful
        # among millions of done lines: without this index each release-blocker check scanned
        # stock_move_line (119 ms at 961,160 lines; tests/benchmarks/bench_five_years.py).
        create_index(
            self.env.cr,
            "md_stock_move_line_lot_open_idx",
            self._table,
            ["lot_id"],
            where="state IS NULL OR state NOT IN ('done', 'cancel')",
        )
        return res

    def _md_lot_gate_refusals(self):
        """Lots of manufactured devices are not delivered before their batch release
        (ISO 13485 8.2.6, 21 CFR 820.80(d)): each lot named with why."""
        refusals = super()._md_lot_gate_refusals()
        lots = self.filtered(
            lambda ml: ml.lot_id and ml.location_dest_id.usage in RELEASE_GATED_USAGES
        ).lot_id
        message = lots._md_release_gate_message()
        if message:
            refusals.append(
                self.env._(
                    "Delivery to a customer is not allowed for lots/serials without batch release "
                    "(ISO 13485 8.2.6):\n%s",
                    message,
                )
            )
        return refusals
