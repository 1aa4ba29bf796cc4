from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

# A reason given in the dialog applies to the user's next change of the record within this time.
PENDING_REASON_MINUTES = 30


class MdAuditReasonWizard(models.TransientModel):
    """'Reason for change' dialog (EU GMP Annex 11 §9, 21 CFR 11.10(e)).

    The web client saves forms without extra parameters, so the reason is
    given first: the dialog keeps it for the user and the record, and the
    user's next save of that record consumes it into the audit entries.
    RPC callers pass the context key ``md_audit_reason`` instead.
    """

    _name = "md.audit.reason.wizard"
    _description = "Reason for Change"

    res_model = fields.Char(required=True, readonly=True)
    res_id = fields.Integer(required=True, readonly=True)
    reason = fields.Text(string="Reason for Change", required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") and context.get("active_id"):
            values.setdefault("res_model", context["active_model"])
            values.setdefault("res_id", context["active_id"])
        return values

    @api.constrains("reason")
    def _check_reason(self):
        for wizard in self:
            if not (wizard.reason or "").strip():
                raise UserError(self.env._("Give a reason for the change."))

    def action_confirm(self):
        return {"type": "ir.actions.act_window_close"}

    @api.model
    def _md_consume_reason(self, records):
        """The reason the current user gave for all of `records` (newest each), then forget it."""
        pending = self.sudo().search(
            [
                ("create_uid", "=", self.env.uid),
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("create_date", ">=", fields.Datetime.now() - timedelta(minutes=PENDING_REASON_MINUTES)),
            ],
            order="id desc",
        )
        if set(pending.mapped("res_id")) != set(records.ids):
            return None
        reasons = list(dict.fromkeys(wizard.reason.strip() for wizard in pending))
        pending.unlink()
        return "; ".join(reasons)
