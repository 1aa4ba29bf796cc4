from odoo import fields, models


class MdQualitySupplierDisqualifyWizard(models.TransientModel):
    _name = "md.quality.supplier.disqualify.wizard"
    _description = "Disqualify a Supplier"

    approval_id = fields.Many2one("md.quality.supplier.approval", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.approval_id.action_disqualify(self.reason)
        return {"type": "ir.actions.act_window_close"}
