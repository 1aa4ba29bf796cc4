import math

from odoo import api, fields, models


class MdLabelPrintLine(models.TransientModel):
    _name = "md.label.print.line"
    _description = "UDI Labels of a Lot"

    wizard_id = fields.Many2one("md.label.print", required=True, ondelete="cascade")
    lot_id = fields.Many2one("stock.lot", "Lot/Serial Number", required=True)
    product_id = fields.Many2one(related="lot_id.product_id")
    packaging_id = fields.Many2one(
        "product.packaging",
        "Packaging Level",
        domain="[('product_id', '=', product_id), ('md_udi_di', '!=', False)]",
        help="Empty: labels of the base unit, with the product's UDI-DI.",
    )
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    copies = fields.Integer(required=True, default=1)

    @api.onchange("packaging_id")
    def _onchange_packaging_id(self):
        """One label per package: the quantity divided by what a package contains, rounded up."""
        for line in self.filtered("quantity"):
            per_package = line.packaging_id.qty or 1.0
            line.copies = max(1, math.ceil(line.quantity / per_package))
