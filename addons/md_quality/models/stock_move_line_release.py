from odoo import models
from odoo.exceptions import UserError

from .stock_move_release import RELEASE_GATED_USAGES


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"  # pylint: disable=consider-merging-classes-inherited

    def _md_check_release_gate(self):
        """Refuse delivering lots of manufactured devices that are not released
        (ISO 13485 8.2.6, 21 CFR 820.80(d)), naming each lot and why."""
        lots = self.filtered(
            lambda ml: ml.lot_id and ml.location_dest_id.usage in RELEASE_GATED_USAGES
        ).lot_id
        message = lots._md_release_gate_message()
        if message:
            raise UserError(
                self.env._(
                    "Delivery to a customer is not allowed for lots/serials without batch release "
                    "(ISO 13485 8.2.6):\n%s",
                    message,
                )
            )
