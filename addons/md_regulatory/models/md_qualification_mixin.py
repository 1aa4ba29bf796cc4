from odoo import api, fields, models
from odoo.exceptions import UserError

from .md_legacy_approval_mixin import LEGACY_APPROVAL_FIELDS

APPROVED = "approved"
QUALIFICATION_STATES = [("draft", "Draft"), ("approved", "Approved"), ("revoked", "Revoked")]


class MdQualificationMixin(models.AbstractModel):
    """A first-time approval (首营, China GSP; ISO 13485 7.4.1 supplier
    evaluation): approved by an e-signature with the meaning "approved" by
    Regulatory Affairs or a Quality Manager who is not its author (rule data),
    then closed; revoked with a reason. A new approval of the same subject
    supersedes the previous one (re-evaluation)."""

    _name = "md.qualification.mixin"
    _description = "First-time Approval"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "md.signable.mixin",
        "md.workflow.mixin",
        "md.legacy.approval.mixin",
    ]
    _md_sign_on_change = "refuse"
    _md_transition_fields = ("approved_on", "revoked_on", *LEGACY_APPROVAL_FIELDS)
    _md_closed_states = ("revoked",)

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    state = fields.Selection(
        QUALIFICATION_STATES, default="draft", required=True, index=True, tracking=True, copy=False
    )
    approved_on = fields.Datetime(readonly=True, copy=False, tracking=True)
    revoked_on = fields.Datetime(readonly=True, copy=False, tracking=True)
    revoke_reason = fields.Text(tracking=True, copy=False)
    notes = fields.Text(tracking=True)

    @api.model
    def _md_subject_field(self):
        """The field naming what is approved (partner or product)."""
        raise NotImplementedError

    def _md_check_signable(self, meaning):
        if meaning == APPROVED:
            closed = self.filtered(lambda r: r.state != "draft")
            if closed:
                raise UserError(self.env._("%s is not a draft.", ", ".join(closed.mapped("display_name"))))
            self._md_check_approvable()
        return super()._md_check_signable(meaning)

    def _md_check_approvable(self):
        """Adopters refuse an approval whose evidence is missing."""

    def _md_migrated_approval_state(self):
        return {"state": "approved"}

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        approved = self.browse(signatures.filtered(lambda s: s.meaning == APPROVED).mapped("res_id"))
        if approved:
            approved._md_approve()
        return result

    def _md_approve(self):
        self._md_check_required_signature(APPROVED)
        subject = self._md_subject_field()
        previous = self.search(
            [
                ("state", "=", "approved"),
                (subject, "in", self.mapped(subject).ids),
                ("company_id", "in", self.company_id.ids),
                ("id", "not in", self.ids),
            ]
        )
        now = fields.Datetime.now()
        previous._md_write_transition(
            {
                "state": "revoked",
                "revoked_on": now,
                "revoke_reason": self.env._("Superseded by a new approval."),
            }
        )
        self._md_write_transition({"state": "approved", "approved_on": now})

    def action_revoke(self):
        self.check_access("write")
        missing = self.filtered(lambda r: not (r.revoke_reason or "").strip())
        if missing:
            raise UserError(
                self.env._("Give the reason for revoking %s.", ", ".join(missing.mapped("display_name")))
            )
        self.filtered(lambda r: r.state != "revoked")._md_write_transition(
            {"state": "revoked", "revoked_on": fields.Datetime.now()}
        )
        return True
