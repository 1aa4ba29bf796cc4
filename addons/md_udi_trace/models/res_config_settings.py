from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    md_dl_resolver = fields.Char(related="company_id.md_dl_resolver", readonly=False)
    md_cold_chain_required = fields.Boolean(related="company_id.md_cold_chain_required", readonly=False)
