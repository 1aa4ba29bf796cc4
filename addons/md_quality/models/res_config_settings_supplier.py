from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    md_supplier_rating_days = fields.Integer(
        "Supplier Rating Period (days)",
        config_parameter="md_quality.supplier_rating_days",
        default=365,
        help="Incoming inspections and receipts of this many past days make a supplier's rating.",
    )
