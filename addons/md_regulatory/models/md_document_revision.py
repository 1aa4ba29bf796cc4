import base64
import hashlib
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .md_document import DOCUMENT_TYPES

STATES = [
    ("draft", "Draft"),
    ("review", "In Review"),
    ("approved", "Approved"),
    ("effective", "Effective"),
    ("superseded", "Superseded"),
    ("obsolete", "Obsolete"),
]
CLOSED_STATES = ("superseded", "obsolete")
# The controlled content: fixed once the revision leaves draft (ISO 13485 4.2.4 b, c).
CONTENT_FIELDS = ("document_id", "name", "title", "change_description", "file", "file_name", "checksum")


def _sha256(data):
    return hashlib.sha256(data).hexdigest() if data else False


class MdDocumentRevision(models.Model):
    """A revision of a controlled document (ISO 13485 4.2.4): the controlled
    file with its SHA-256, reviewed and approved by e-signature (21 CFR 11.50),
    made effective on its effective date (the previous one is superseded),
    and reviewed periodically."""

    _name = "md.document.revision"
    _description = "Controlled Document Revision"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.signable.mixin", "md.workflow.mixin"]
    _order = "document_id, id desc"

    _md_signed_fields = ["name", "title", "change_description", "checksum"]
    _md_sign_on_change = "refuse"
    _md_transition_fields = ("approved_on", "effective_on", "closed_on")
    _md_closed_states = CLOSED_STATES
    _md_field_states = {
        **dict.fromkeys(CONTENT_FIELDS, ("draft",)),
        "effective_date": ("draft", "review", "approved"),
    }

    document_id = fields.Many2one(
        "md.document", required=True, index=True, ondelete="restrict", tracking=True
    )
    name = fields.Char(string="Revision", required=True, tracking=True)
    title = fields.Char(required=True, tracking=True, help="The document title as issued in this revision.")
    document_type = fields.Selection(related="document_id.document_type", store=True)
    company_id = fields.Many2one(related="document_id.company_id", store=True, index=True)
    owner_id = fields.Many2one(related="document_id.owner_id")
    state = fields.Selection(STATES, default="draft", required=True, index=True, tracking=True, copy=False)
    file = fields.Binary(string="Controlled File", attachment=True, copy=False)
    file_name = fields.Char(copy=False)
    checksum = fields.Char(
        string="File SHA-256",
        readonly=True,
        copy=False,
        help="Computed when the file is uploaded and verified at each download.",
    )
    change_description = fields.Text(required=True, tracking=True)
    effective_date = fields.Date(
        tracking=True, help="Becomes effective on this date once approved (today when empty)."
    )
    review_date = fields.Date(string="Periodic Review Date", tracking=True)
    review_reminder_date = fields.Date(readonly=True, copy=False)
    approved_on = fields.Datetime(readonly=True, copy=False)
    effective_on = fields.Datetime(readonly=True, copy=False)
    closed_on = fields.Datetime(string="Superseded/Obsolete On", readonly=True, copy=False)
    training_record_ids = fields.One2many("md.training.record", "revision_id", string="Training Records")
    training_count = fields.Integer(compute="_compute_training_count")

    _sql_constraints = [
        (
            "name_document_unique",
            "unique(document_id, name)",
            "This revision code already exists for the document.",
        ),
    ]

    def init(self):
        # At most one effective revision per document, also against concurrent transactions.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS md_document_revision_one_effective "
                "ON md_document_revision (document_id) WHERE state = 'effective'"
            )
        )

    @api.depends("document_id.number", "name")
    def _compute_display_name(self):
        for revision in self:
            revision.display_name = f"{revision.document_id.number or ''} rev. {revision.name or ''}"

    @api.depends("training_record_ids")
    def _compute_training_count(self):
        for revision in self:
            revision.training_count = len(revision.training_record_ids)

    @api.constrains("state", "document_id")
    def _check_one_effective(self):
        """At most one effective revision per document; checked before the
        flush so that the user gets this message rather than the index's."""
        effective = self.filtered(lambda r: r.state == "effective")
        if not effective:
            return
        self.env.cr.execute(
            SQL(
                "SELECT document_id FROM md_document_revision "
                "WHERE state = 'effective' AND document_id IN %s AND id NOT IN %s",
                tuple(effective.document_id.ids),
                tuple(effective.ids),
            )
        )
        documents = [row[0] for row in self.env.cr.fetchall()] + [r.document_id.id for r in effective]
        doubled = self.env["md.document"].browse(
            {document_id for document_id in documents if documents.count(document_id) > 1}
        )
        if doubled:
            raise ValidationError(
                self.env._(
                    "%s can have only one effective revision.", ", ".join(doubled.mapped("display_name"))
                )
            )

    @api.constrains("effective_date", "review_date")
    def _check_review_after_effective(self):
        for revision in self:
            if (
                revision.effective_date
                and revision.review_date
                and revision.review_date < revision.effective_date
            ):
                raise ValidationError(
                    self.env._(
                        "The periodic review date of %s is before its effective date.", revision.display_name
                    )
                )

    # --- create / write: controlled content -------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("title") and vals.get("document_id"):
                vals["title"] = self.env["md.document"].browse(vals["document_id"]).name
            vals.pop("checksum", None)
            if "file" in vals:
                vals["checksum"] = self._md_checksum_of(vals["file"])
        return super().create(vals_list)

    def write(self, vals):
        vals = dict(vals)
        vals.pop("checksum", None)
        if "file" in vals:
            vals["checksum"] = self._md_checksum_of(vals["file"])
        return super().write(vals)

    @api.model
    def _md_checksum_of(self, file_value):
        if not file_value:
            return False
        data = file_value if isinstance(file_value, bytes) else file_value.encode()
        return _sha256(base64.b64decode(data))

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for revision, vals in zip(self, vals_list, strict=False):
            if "name" not in (default or {}):
                vals["name"] = self.env._("%s (copy)", revision.name)
        return vals_list

    # --- controlled file: verified at download ----------------------------

    def _md_file_attachment(self):
        self.ensure_one()
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [("res_model", "=", self._name), ("res_field", "=", "file"), ("res_id", "=", self.id)],
                limit=1,
            )
        )

    def _md_verified_file(self):
        """The stored file's bytes, refused when they no longer match the
        checksum taken at upload (ISO 13485 4.2.5, 21 CFR 11.10(c))."""
        self.ensure_one()
        self.check_access("read")
        attachment = self._md_file_attachment()
        if not attachment:
            raise UserError(self.env._("%s has no controlled file.", self.display_name))
        data = attachment.raw
        if _sha256(data) != self.checksum:
            raise UserError(
                self.env._(
                    "The stored file of %s does not match its checksum: it was altered or damaged after "
                    "upload. Download refused; inform quality assurance.",
                    self.display_name,
                )
            )
        return data

    def action_download(self):
        self.ensure_one()
        self._md_verified_file()
        return {
            "type": "ir.actions.act_url",
            "url": f"/md_regulatory/document_revision/{self.id}/download",
            "target": "self",
        }

    @api.model
    def _md_action_effective_revisions(self, documents):
        """The effective revisions of ``documents`` (product and BoM smart buttons)."""
        action = self.env["ir.actions.act_window"]._for_xml_id("md_regulatory.action_md_document_revision")
        action["domain"] = [("id", "in", documents.effective_revision_id.ids)]
        action["context"] = {}
        return action

    # --- lifecycle -------------------------------------------------------

    def action_submit(self):
        self._md_check_state(("draft",), self.env._("Submitting for review"))
        missing = self.filtered(lambda r: not r.checksum)
        if missing:
            raise UserError(
                self.env._(
                    "Attach the controlled file before submitting %s.",
                    ", ".join(missing.mapped("display_name")),
                )
            )
        self._md_write_transition({"state": "review"})
        return True

    def action_return_to_draft(self):
        """Back to the author: signatures given in review no longer apply."""
        self._md_check_state(("review",), self.env._("Returning to draft"))
        self._md_valid_signatures()._md_void(self.env._("Revision returned to draft"))
        self.invalidate_recordset(["md_signature_ids", "md_signature_state"])
        self._md_write_transition({"state": "draft"})
        return True

    def _md_approval_rules(self):
        self.ensure_one()
        return (
            self.env["md.document.approval.rule"].sudo().search([("document_type", "=", self.document_type)])
        )

    def _md_missing_approvals(self):
        """The approval rules of the revision's type without a valid signature of a member of their roles."""
        self.ensure_one()
        signatures = self._md_valid_signatures().filtered(lambda s: s.res_id == self.id)
        return self._md_approval_rules().filtered(
            lambda rule: (
                not signatures.filtered(
                    lambda s: s.meaning_id == rule.meaning_id and s.signer_id.groups_id & rule.group_ids
                )
            )
        )

    def _md_check_approvals(self):
        for revision in self:
            if not revision._md_approval_rules():
                raise UserError(
                    self.env._(
                        "No approval rule is configured for documents of type %s.",
                        dict(DOCUMENT_TYPES)[revision.document_type],
                    )
                )
            missing = revision._md_missing_approvals()
            if missing:
                raise UserError(
                    self.env._(
                        "%(revision)s needs the electronic signatures: %(meanings)s.",
                        revision=revision.display_name,
                        meanings=", ".join(missing.meaning_id.mapped("name")),
                    )
                )

    def action_approve(self):
        self._md_check_state(("review",), self.env._("Approval"))
        self._md_check_approvals()
        self._md_approve()
        return True

    def _md_approve(self):
        self._md_write_transition({"state": "approved", "approved_on": fields.Datetime.now()})
        today = fields.Date.context_today(self)
        due = self.filtered(lambda r: not r.effective_date or r.effective_date <= today)
        due._md_make_effective()

    def _md_make_effective(self):
        """Effective now; the previous effective revision is superseded
        (ISO 13485 4.2.4 e, f: current revision only at points of use)."""
        now = fields.Datetime.now()
        today = fields.Date.context_today(self)
        for revision in self.sorted(lambda r: (r.effective_date or today, r.id)):
            previous = revision.document_id.effective_revision_id
            with (previous | revision)._md_transition():
                if previous:
                    previous.write({"state": "superseded", "closed_on": now})
                    previous.flush_recordset(["state"])
                    previous.training_record_ids._md_cancel_pending()
                revision.write(
                    {
                        "state": "effective",
                        "effective_on": now,
                        "effective_date": revision.effective_date or today,
                    }
                )
            revision.flush_recordset(["state"])
            revision.document_id.invalidate_recordset(["effective_revision_id"])
            revision.env["md.training.record"]._md_request_training(revision)

    def action_make_effective(self):
        self._md_check_state(("approved",), self.env._("Making effective"))
        today = fields.Date.context_today(self)
        early = self.filtered(lambda r: r.effective_date and r.effective_date > today)
        if early:
            raise UserError(
                self.env._(
                    "%s becomes effective on its effective date, not before.",
                    ", ".join(early.mapped("display_name")),
                )
            )
        self._md_make_effective()
        return True

    def action_obsolete(self):
        self._md_check_state(("approved", "effective"), self.env._("Making obsolete"))
        self._md_write_transition({"state": "obsolete", "closed_on": fields.Datetime.now()})
        self.training_record_ids._md_cancel_pending()
        return True

    # --- signatures --------------------------------------------------------

    def _md_check_signable(self, meaning):
        not_in_review = self.filtered(lambda r: r.state != "review")
        if not_in_review:
            raise UserError(
                self.env._(
                    "Only revisions in review can be signed: %s",
                    ", ".join(not_in_review.mapped("display_name")),
                )
            )
        for revision in self:
            rule = revision._md_approval_rules().filtered(lambda r, m=meaning: r.meaning_code == m)
            if not rule:
                raise UserError(
                    self.env._(
                        "Revisions of type %(type)s are not signed as %(meaning)s.",
                        type=dict(DOCUMENT_TYPES)[revision.document_type],
                        meaning=meaning,
                    )
                )
            if not self.env.user.groups_id & rule.group_ids:
                raise UserError(
                    self.env._(
                        "Your role cannot sign %(revision)s as %(meaning)s (roles: %(groups)s).",
                        revision=revision.display_name,
                        meaning=rule.meaning_id.name,
                        groups=", ".join(rule.group_ids.mapped("full_name")),
                    )
                )
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        # The last required signature approves the revision.
        complete = self.filtered(
            lambda r: r.state == "review" and r._md_approval_rules() and not r._md_missing_approvals()
        )
        complete._md_approve()
        return result

    # --- crons -------------------------------------------------------------

    @api.model
    def _cron_make_effective(self):
        today = fields.Date.context_today(self)
        self.search([("state", "=", "approved"), ("effective_date", "<=", today)])._md_make_effective()

    @api.model
    def _cron_periodic_review(self):
        """An activity to the owner N days before the periodic review date
        (ISO 13485 4.2.4 b: documents are reviewed and updated as necessary)."""
        today = fields.Date.context_today(self)
        candidates = self.search([("state", "=", "effective"), ("review_date", "!=", False)])
        due = candidates.filtered(
            lambda r: (
                r.review_date - timedelta(days=r.document_id.review_reminder_days) <= today
                and r.review_reminder_date != r.review_date
            )
        )
        for revision in due:
            revision.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=revision.review_date,
                summary=self.env._("Periodic review of %s", revision.display_name),
                user_id=revision.document_id.owner_id.id,
            )
            revision.review_reminder_date = revision.review_date
        return due
