from odoo import fields, models

RESULTS = [("ok", "Conforming"), ("doubt", "Quality in Doubt")]


class MdStorageCheckLine(models.Model):
    _name = "md.storage.check.line"
    _description = "Storage Check Line"
    _inherit = ["md.workflow.mixin"]

    _md_state_field = None
    _md_parent_field = "check_id"
    _md_create_only_fields = ("product_id", "lot_id", "quantity")

    check_id = fields.Many2one("md.storage.check", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="check_id.company_id", store=True, index=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    lot_id = fields.Many2one("stock.lot", "Lot/Serial Number", readonly=True)
    expiration_date = fields.Datetime(related="lot_id.expiration_date")
    lot_status = fields.Selection(related="lot_id.md_status", string="Quality Status")
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    result = fields.Selection(RESULTS, required=True, default="ok")
    finding = fields.Char()
