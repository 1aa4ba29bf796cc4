from odoo import api, fields, models


class MdQualityCapaWhy(models.Model):
    """One step of a 5-why chain (ISO 13485 8.5.2 b, determining the cause):
    each answer is the question of the next line; the last answer is the root cause."""

    _name = "md.quality.capa.why"
    _description = "CAPA 5-Why Step"
    _order = "capa_id, sequence, id"

    capa_id = fields.Many2one("md.quality.capa", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="capa_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    why = fields.Char(string="Why?", required=True)
    answer = fields.Char(string="Because")

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
