from odoo import fields, models


class MdQualityCapaWhy(models.Model):
    """One step of a 5-why chain (ISO 13485 8.5.2 b, determining the cause):
    each answer is the question of the next line; the last answer is the root cause."""

    _name = "md.quality.capa.why"
    _description = "CAPA 5-Why Step"
    _inherit = ["md.quality.capa.analysis.mixin"]

    why = fields.Char(string="Why?", required=True)
    answer = fields.Char(string="Because")
