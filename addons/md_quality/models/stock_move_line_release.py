from odoo import models

from .stock_move_release import RELEASE_GATED_USAGES


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"  # pylint: disable=consider-merging-classes-inherited

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
