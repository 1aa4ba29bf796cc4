from odoo import fields, models
from odoo.osv import expression


class StockQuant(models.Model):
    _inherit = "stock.quant"  # pylint: disable=consider-merging-classes-inherited

    md_lot_status = fields.Selection(related="lot_id.md_status", string="Lot Status")

    def _get_gather_domain(
        self, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False
    ):
        domain = super()._get_gather_domain(product_id, location_id, lot_id, package_id, owner_id, strict)
        if self.env.context.get("md_exclude_held_lots"):
            # Reservation for a move that may not take held stock (stock.move._md_reservation_context).
            domain = expression.AND(
                [domain, ["|", ("lot_id", "=", False), ("lot_id.md_status", "=", "released")]]
            )
        return domain

    def _gather(
        self, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False, qty=0
    ):
        quants = super()._gather(product_id, location_id, lot_id, package_id, owner_id, strict, qty)
        if self.env.context.get("md_exclude_held_lots") and self.env.context.get("quants_cache") is not None:
            # The quants cache of chained reservations bypasses the gather domain.
            quants = quants.filtered(lambda q: not q.lot_id or q.lot_id.md_status == "released")
        return quants
