from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    md_ncr_disposition_id = fields.Many2one(
        "md.quality.ncr.disposition",
        string="NCR Disposition",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The nonconformance disposition this return to the supplier carries out (ISO 13485 8.3).",
    )
    md_ncr_id = fields.Many2one(related="md_ncr_disposition_id.ncr_id", string="Nonconformance")

    def _action_done(self):
        result = super()._action_done()
        self.md_ncr_disposition_id._md_on_operation_done()
        return result
