from odoo import models

# Destinations a lot may reach only once released (ISO 13485 8.2.6: product is
# not delivered until release is authorised). Internal moves, consumption of a
# sub-assembly and every 8.3 disposition stay allowed.
RELEASE_GATED_USAGES = ("customer",)


class StockMove(models.Model):
    _inherit = "stock.move"  # pylint: disable=consider-merging-classes-inherited

    def _md_reservation_context(self):
        """Deliveries do not reserve lots waiting for release or rejected at release."""
        move = super()._md_reservation_context()
        return move.with_context(
            md_exclude_unreleased_lots=self.location_dest_id.usage in RELEASE_GATED_USAGES
        )

    def _action_done(self, cancel_backorder=False):
        # Every flow that delivers (pickings, RPC callers, sale flows) passes here.
        to_do = self.filtered(lambda m: m.state not in ("done", "cancel"))
        to_do.move_line_ids.filtered(lambda ml: ml.picked and ml.quantity)._md_check_release_gate()
        return super()._action_done(cancel_backorder=cancel_backorder)
