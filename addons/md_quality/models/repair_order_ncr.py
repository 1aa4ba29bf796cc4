from odoo import fields, models


class RepairOrder(models.Model):
    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    md_ncr_disposition_id = fields.Many2one(
        "md.quality.ncr.disposition",
        string="NCR Disposition",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The nonconformance disposition this repair carries out (ISO 13485 8.3).",
    )
    md_ncr_id = fields.Many2one(related="md_ncr_disposition_id.ncr_id", string="Nonconformance")

    def action_repair_done(self):
        result = super().action_repair_done()
        self.md_ncr_disposition_id._md_on_operation_done()
        return result
