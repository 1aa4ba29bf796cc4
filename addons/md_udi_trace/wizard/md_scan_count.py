from odoo import api, fields, models


class MdScanCount(models.TransientModel):
    """Counting a location by scan: the scan entry of the inventory count list.

    Each scan goes through ``md.scan.scan('stock.location', location_id, raw)`` and adds to the
    counted quantity (``stock.quant.inventory_quantity``) of the location; the counts are then
    applied with Odoo's own inventory adjustment.
    """

    _name = "md.scan.count"
    _description = "Inventory Count by Scan"

    location_id = fields.Many2one(
        "stock.location",
        required=True,
        domain="[('usage', '=', 'internal')]",
        default=lambda self: (
            self.env["stock.warehouse"]
            .search([("company_id", "=", self.env.company.id)], limit=1)
            .lot_stock_id
        ),
    )
    quant_ids = fields.Many2many("stock.quant", string="Counted", compute="_compute_quant_ids")

    @api.depends("location_id")
    def _compute_quant_ids(self):
        for count in self:
            count.quant_ids = self.env["stock.quant"].search(
                [("location_id", "=", count.location_id.id), ("inventory_quantity_set", "=", True)]
            )

    def action_apply_counts(self):
        """Apply the counted quantities of the location (Odoo's inventory adjustment)."""
        self.ensure_one()
        return self.quant_ids.action_apply_inventory()
