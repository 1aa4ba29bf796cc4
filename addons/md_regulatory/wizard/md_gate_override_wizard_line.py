from odoo import fields, models

from ..models.md_gate_override import GATES


class MdGateOverrideWizardLine(models.TransientModel):
    _name = "md.gate.override.wizard.line"
    _description = "Regulatory Gate Refusal"

    wizard_id = fields.Many2one("md.gate.override.wizard", required=True, ondelete="cascade")
    selected = fields.Boolean(string="Override", default=True)
    gate = fields.Selection(GATES, required=True, readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    message = fields.Text(string="Refusal", readonly=True)
