from odoo import fields, models
from odoo.exceptions import UserError


class MdRecallHoldRelease(models.TransientModel):
    """Release a recall's holds on a decision (e.g. the lots were found unaffected),
    with the reason recorded on every hold (ISO 13485 8.3)."""

    _name = "md.recall.hold.release"
    _description = "Release Recall Holds"

    recall_id = fields.Many2one("md.recall", required=True, ondelete="cascade")
    reason = fields.Text(required=True, help="The decision that ends the holds.")

    def action_release(self):
        self.ensure_one()
        self.recall_id.check_access("write")
        if not self.env["md.lot.hold"].search_count(self.recall_id._md_holds_domain()):
            raise UserError(self.env._("%s has no active holds.", self.recall_id.display_name))
        self.recall_id._md_release_holds(self.reason)
        return {"type": "ir.actions.act_window_close"}
