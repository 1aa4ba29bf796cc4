from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

TRAINED = "trained"


class MdTrainingRecord(models.Model):
    """A read-and-understood acknowledgment of an effective document revision
    (ISO 13485 6.2 c, e: training and its records), e-signed by the trainee
    with the meaning "trained" (21 CFR 11.50)."""

    _name = "md.training.record"
    _description = "Document Training Record"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.signable.mixin", "md.workflow.mixin"]
    _order = "due_date, id"

    _md_transition_fields = ("trained_on",)
    _md_create_only_fields = ("revision_id", "user_id")
    _md_closed_states = ("trained", "cancelled")
    _md_deletable_states = ()
    _md_signed_fields = ["revision_id", "user_id"]
    _md_sign_on_change = "refuse"
    _md_author_field = "user_id"

    revision_id = fields.Many2one("md.document.revision", required=True, index=True, ondelete="restrict")
    document_id = fields.Many2one(related="revision_id.document_id", store=True, index=True)
    company_id = fields.Many2one(related="revision_id.company_id", store=True, index=True)
    user_id = fields.Many2one("res.users", string="Trainee", required=True, index=True, ondelete="restrict")
    due_date = fields.Date(required=True, index=True)
    state = fields.Selection(
        [("pending", "Pending"), ("trained", "Trained"), ("cancelled", "Cancelled")],
        default="pending",
        required=True,
        index=True,
        tracking=True,
    )
    trained_on = fields.Datetime(readonly=True)
    is_overdue = fields.Boolean(string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue")
    days_overdue = fields.Integer(compute="_compute_is_overdue")

    _sql_constraints = [
        (
            "revision_user_unique",
            "unique(revision_id, user_id)",
            "A trainee has one training record per revision.",
        ),
    ]

    @api.depends("revision_id", "user_id")
    def _compute_display_name(self):
        for record in self:
            record.display_name = f"{record.revision_id.display_name} · {record.user_id.name}"

    @api.depends("state", "due_date")
    @api.depends_context("tz")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for record in self:
            late = record.state == "pending" and record.due_date and record.due_date < today
            record.is_overdue = bool(late)
            record.days_overdue = (today - record.due_date).days if late else 0

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on Overdue."))
        domain = [("state", "=", "pending"), ("due_date", "<", fields.Date.context_today(self))]
        return domain if (operator == "=") == bool(value) else ["!", "&", *domain]

    # --- creation when a revision becomes effective -----------------------

    @api.model
    def _md_request_training(self, revision):
        """Ask the members of the document's training groups (in the
        revision's company) to acknowledge the new effective revision."""
        document = revision.document_id
        users = document.training_group_ids.users.filtered(
            lambda u: u.active and not u.share and document.company_id in u.company_ids
        )
        if not users:
            return self.browse()
        due = (revision.effective_date or fields.Date.context_today(self)) + timedelta(
            days=document.training_days
        )
        records = self.sudo().create(
            [{"revision_id": revision.id, "user_id": user.id, "due_date": due} for user in users]
        )
        for record in records:
            record.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=due,
                summary=self.env._("Read and acknowledge %s", revision.display_name),
                note=self.env._(
                    "Sign your training record with the meaning 'Trained' once you read and understood it."
                ),
                user_id=record.user_id.id,
            )
        return records

    def _md_cancel_pending(self):
        pending = self.filtered(lambda r: r.state == "pending")
        pending.sudo()._md_write_transition({"state": "cancelled"})
        pending.sudo().activity_unlink(["mail.mail_activity_data_todo"])

    # --- signing: only the trainee, only "trained" -----------------------

    def _md_check_signable(self, meaning):
        if meaning != TRAINED:
            raise UserError(self.env._("Training records are signed with the meaning 'Trained' only."))
        others = self.filtered(lambda r: r.user_id != self.env.user)
        if others:
            raise UserError(
                self.env._(
                    "Only the trainee can acknowledge a training record: %s",
                    ", ".join(others.mapped("display_name")),
                )
            )
        closed = self.filtered(lambda r: r.state != "pending")
        if closed:
            raise UserError(
                self.env._(
                    "These training records are not pending: %s", ", ".join(closed.mapped("display_name"))
                )
            )
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        trained = self.browse(signatures.filtered(lambda s: s.meaning == TRAINED).mapped("res_id"))
        trained.sudo()._md_write_transition({"state": "trained", "trained_on": fields.Datetime.now()})
        trained.sudo().activity_feedback(
            ["mail.mail_activity_data_todo"], feedback=self.env._("Acknowledged by e-signature.")
        )
        return result
