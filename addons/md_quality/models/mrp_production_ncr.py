from odoo import fields, models


class MrpProduction(models.Model):
    _inherit = "mrp.production"  # pylint: disable=consider-merging-classes-inherited

    md_ncr_disposition_id = fields.Many2one(
        "md.quality.ncr.disposition",
        string="NCR Rework",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The nonconformance disposition this order reworks (ISO 13485 8.3.4).",
    )
    md_ncr_id = fields.Many2one(related="md_ncr_disposition_id.ncr_id", string="Nonconformance")

    def button_mark_done(self):
        result = super().button_mark_done()
        self.filtered(lambda p: p.state == "done").md_ncr_disposition_id._md_on_operation_done()
        return result
