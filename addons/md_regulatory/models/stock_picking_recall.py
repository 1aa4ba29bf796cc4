from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    md_recall_customer_id = fields.Many2one(
        "md.recall.customer",
        string="Recall Customer Line",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The recall whose return this transfer is (21 CFR 806.10(c), returned quantities).",
    )
    md_recall_id = fields.Many2one(related="md_recall_customer_id.recall_id", string="Recall")
