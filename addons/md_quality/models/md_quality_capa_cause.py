from odoo import api, fields, models

from .md_quality_capa import CAUSE_CATEGORIES


class MdQualityCapaCause(models.Model):
    """A cause on the fishbone (Ishikawa) diagram of a CAPA, by the six M
    categories; the causes confirmed by the investigation are flagged as root
    causes (ISO 13485 8.5.2 b)."""

    _name = "md.quality.capa.cause"
    _description = "CAPA Fishbone Cause"
    _order = "capa_id, sequence, id"

    capa_id = fields.Many2one("md.quality.capa", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="capa_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    category = fields.Selection(CAUSE_CATEGORIES, required=True)
    name = fields.Char(string="Cause", required=True)
    is_root_cause = fields.Boolean(string="Root Cause")

    @api.model_create_multi
    def create(self, vals_list):
        capas = self.env["md.quality.capa"].browse(
            {vals["capa_id"] for vals in vals_list if vals.get("capa_id")}
        )
        capas._md_check_lines_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.capa_id._md_check_lines_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        self.capa_id._md_check_lines_editable()
