from odoo import models
from odoo.osv import expression

UNRELEASED = ("pending", "rejected")


class StockQuant(models.Model):
    _inherit = "stock.quant"  # pylint: disable=consider-merging-classes-inherited

    def _get_gather_domain(
        self, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False
    ):
        domain = super()._get_gather_domain(product_id, location_id, lot_id, package_id, owner_id, strict)
        if self.env.context.get("md_exclude_unreleased_lots"):
            # Reservation for a delivery (stock.move._md_reservation_context).
            domain = expression.AND(
                [domain, ["|", ("lot_id", "=", False), ("lot_id.md_release_state", "not in", UNRELEASED)]]
            )
        return domain

    def _gather(
        self, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False, qty=0
    ):
        quants = super()._gather(product_id, location_id, lot_id, package_id, owner_id, strict, qty)
        if (
            self.env.context.get("md_exclude_unreleased_lots")
            and self.env.context.get("quants_cache") is not None
        ):
            # The quants cache of chained reservations bypasses the gather domain.
            quants = quants.filtered(lambda q: not q.lot_id or q.lot_id.md_release_state not in UNRELEASED)
        return quants
