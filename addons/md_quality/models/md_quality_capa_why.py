from odoo import fields, models


class MdQualityCapaWhy(models.Model):
    """One step of a 5-why chain (ISO 13485 8.5.2 b, determining the cause):
    each answer is the question of the next line; the last answer is the root cause."""

    _name = "md.quality.capa.why"
    _description = "CAPA 5-Why Step"
    _inherit = ["md.workflow.mixin"]
    _order = "capa_id, sequence, id"

    # The analysis of its CAPA: open to changes until the CAPA is closed or cancelled.
    _md_state_field = None
    _md_parent_field = "capa_id"
    _md_parent_states = ("draft", "investigation", "implementation", "effectiveness")
    _md_create_only_fields = ("capa_id",)

    capa_id = fields.Many2one("md.quality.capa", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="capa_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    why = fields.Char(string="Why?", required=True)
    answer = fields.Char(string="Because")
