from odoo import fields, models


class MdQualityCapaAnalysisMixin(models.AbstractModel):
    """A line of a CAPA's cause analysis (ISO 13485 8.5.2 b): open to changes until the CAPA
    is closed or cancelled."""

    _name = "md.quality.capa.analysis.mixin"
    _description = "CAPA Cause Analysis Line"
    _inherit = ["md.workflow.mixin"]
    _order = "capa_id, sequence, id"

    _md_state_field = None
    _md_parent_field = "capa_id"
    _md_parent_states = ("draft", "investigation", "implementation", "effectiveness")
    _md_create_only_fields = ("capa_id",)

    capa_id = fields.Many2one("md.quality.capa", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="capa_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
