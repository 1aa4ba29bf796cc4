from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    md_quality_controlled_purchase = fields.Boolean(
        "Quality-Controlled Purchase",
        tracking=True,
        help="Buy only from suppliers on the approved supplier list for this product "
        "(ISO 13485 7.4.1). Medical devices always are.",
    )

    def _md_requires_approved_supplier(self):
        """Whether buying this product needs an approved supplier (ISO 13485 7.4.1)."""
        self.ensure_one()
        return self.md_is_device or self.md_quality_controlled_purchase
