from odoo import models
from odoo.osv import expression

# Destinations a lot may reach only once released (ISO 13485 8.2.6: product is
# not delivered until release is authorised). Internal moves, consumption of a
# sub-assembly and every 8.3 disposition stay allowed.
RELEASE_GATED_USAGES = ("customer",)
UNRELEASED = ("pending", "rejected")


class StockMove(models.Model):
    _inherit = "stock.move"  # pylint: disable=consider-merging-classes-inherited

    def _md_reservable_lot_domain(self):
        """Deliveries do not reserve lots waiting for release or rejected at release."""
        domain = super()._md_reservable_lot_domain()
        if self.location_dest_id.usage in RELEASE_GATED_USAGES:
            domain = expression.AND([domain, [("md_release_state", "not in", UNRELEASED)]])
        return domain
