from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    def button_validate(self):
        # Refuse held lots before any backorder or confirmation wizard opens;
        # stock.move._action_done repeats the check for every other flow.
        moves = self.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        moves.move_line_ids.filtered("quantity")._md_check_hold_gate()
        return super().button_validate()
