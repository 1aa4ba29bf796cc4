from odoo import api, models
from odoo.exceptions import UserError


class StockQuant(models.Model):
    """Inventory counts by scan: each scan adds to the counted quantity of a location."""

    _inherit = "stock.quant"

    @api.model
    def _md_scan_count(self, location, item):
        """Add one resolved scan to the count (``inventory_quantity``) of ``location``.

        A count records what is on the shelf, expired or not (expired stock is counted so it can
        be scrapped), so the expiry and shelf-life rules do not apply; a lot found on the shelf
        but unknown is created with the label's dates, a contradicting expiry is refused.
        """
        scan = self.env["md.scan"]
        if location.usage != "internal":
            raise UserError(
                self.env._(
                    "Counts are made in internal locations, not in %(location)s.",
                    location=location.display_name,
                )
            )
        lot = self.env["stock.lot"]
        if item.product.tracking != "none":
            lot = scan._md_lot(item, location.company_id or self.env.company, create=True)
        quant = self.search(
            [
                ("product_id", "=", item.product.id),
                ("location_id", "=", location.id),
                ("lot_id", "=", lot.id),
            ],
            limit=1,
        )
        counted = quant.inventory_quantity if quant.inventory_quantity_set else 0.0
        if item.product.tracking == "serial" and counted >= 1:
            raise UserError(
                self.env._(
                    "Serial number %(serial)s was already counted in %(location)s.",
                    serial=lot.name,
                    location=location.display_name,
                )
            )
        quants = self.with_context(inventory_mode=True)
        if not quant:
            quant = quants.create(
                {
                    "product_id": item.product.id,
                    "location_id": location.id,
                    "lot_id": lot.id,
                    "inventory_quantity": 0,
                }
            )
        quants.browse(quant.id).write(
            {"inventory_quantity": counted + item.quantity, "inventory_quantity_set": True}
        )
        return scan._md_added(item, lot, quant)
