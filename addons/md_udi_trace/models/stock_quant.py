from odoo import fields, models


class StockQuant(models.Model):
    _inherit = "stock.quant"  # pylint: disable=consider-merging-classes-inherited

    md_lot_status = fields.Selection(related="lot_id.md_status", string="Lot Status")
