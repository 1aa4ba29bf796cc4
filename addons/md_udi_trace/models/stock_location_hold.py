from odoo import fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"  # pylint: disable=consider-merging-classes-inherited

    md_is_quarantine = fields.Boolean(
        string="Quarantine Location",
        help="Segregation area for lots that are not released (ISO 13485 7.5.8, 8.3). Held stock may be "
        "reserved and moved into it, and may not leave it for ordinary stock while held.",
    )

    def _md_takes_held_stock(self):
        """True when stock on hold may be reserved for a move into this location: segregation
        (quarantine, scrap) or disposition (return to supplier, inventory loss), ISO 13485 8.3."""
        self.ensure_one()
        return self.md_is_quarantine or self.scrap_location or self.usage in ("supplier", "inventory")
