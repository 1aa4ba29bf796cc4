from odoo import fields, models

from .md_quality_capa import CAUSE_CATEGORIES


class MdQualityCapaCause(models.Model):
    """A cause on the fishbone (Ishikawa) diagram of a CAPA, by the six M
    categories; the causes confirmed by the investigation are flagged as root
    causes (ISO 13485 8.5.2 b)."""

    _name = "md.quality.capa.cause"
    _description = "CAPA Fishbone Cause"
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
    category = fields.Selection(CAUSE_CATEGORIES, required=True)
    name = fields.Char(string="Cause", required=True)
    is_root_cause = fields.Boolean(string="Root Cause")
