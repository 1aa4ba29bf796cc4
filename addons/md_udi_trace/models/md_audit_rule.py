from odoo import api, models

# Products: only the device identity is regulated (ISO 13485 7.5.8 documented UDI assignment).
PRODUCT_UDI_MODELS = ("product.template", "product.product", "product.packaging")
PRODUCT_UDI_EXTRA_FIELDS = ("tracking",)
MRP_MODELS = ("mrp.bom", "mrp.bom.line")


class MdAuditRule(models.Model):
    """Default audit rules of the traceability records (21 CFR 11.10(e); ISO 13485 7.5.8,
    7.5.9): lots and serials, the UDI fields of products and packagings, bills of materials
    and done manufacturing orders (the device history)."""

    _inherit = "md.audit.rule"

    @api.model
    def _md_default_rule_specs(self):
        specs = super()._md_default_rule_specs()
        specs.append(("stock.lot", None, None))
        for model_name in PRODUCT_UDI_MODELS:
            model = self.env[model_name]
            names = [
                name
                for name, field in model._fields.items()
                if (name.startswith("md_") or name in PRODUCT_UDI_EXTRA_FIELDS)
                and not field.inherited
                and (field.store or field.inverse)
            ]
            if names:
                specs.append((model_name, names, None))
        specs += [(model_name, None, None) for model_name in MRP_MODELS]
        specs.append(("mrp.production", None, "[('state', '=', 'done')]"))
        return specs
