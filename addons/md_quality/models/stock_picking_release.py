from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    def button_validate(self):
        # Refuse unreleased lots before any backorder or immediate-transfer wizard
        # opens; stock.move._action_done repeats the check for every other flow.
        moves = self.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        moves.move_line_ids.filtered("quantity")._md_check_release_gate()
        return super().button_validate()
