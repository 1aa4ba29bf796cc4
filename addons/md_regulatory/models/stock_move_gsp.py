from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _md_order_line(self):
        """The purchase or sales order line this move comes from, if any."""
        self.ensure_one()
        return self.purchase_line_id or self.sale_line_id
