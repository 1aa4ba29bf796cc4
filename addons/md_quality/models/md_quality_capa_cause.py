from odoo import fields, models

from .md_quality_capa import CAUSE_CATEGORIES


class MdQualityCapaCause(models.Model):
    """A cause on the fishbone (Ishikawa) diagram of a CAPA, by the six M
    categories; the causes confirmed by the investigation are flagged as root
    causes (ISO 13485 8.5.2 b)."""

    _name = "md.quality.capa.cause"
    _description = "CAPA Fishbone Cause"
    _inherit = ["md.quality.capa.analysis.mixin"]

    category = fields.Selection(CAUSE_CATEGORIES, required=True)
    name = fields.Char(string="Cause", required=True)
    is_root_cause = fields.Boolean(string="Root Cause")
