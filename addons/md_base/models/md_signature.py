import contextvars
import logging
import time

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessDenied, AccessError, UserError
from odoo.http import request

from ..row_lock import lock_for_change
from .local_time import local_time_label
from .module_data import module_data_uninstalling

_logger = logging.getLogger(__name__)

# Signatures are created and voided only through the signing code below, never
# by a caller's create()/write(), whatever its rights (21 CFR 11.70). The flags
# live in context variables, which an RPC caller cannot set (unlike the context).
_CREATING = contextvars.ContextVar("md_signature_creating", default=False)
_VOIDING = contextvars.ContextVar("md_signature_voiding", default=False)

VOID_FIELDS = {"voided", "voided_at", "void_reason"}
SESSION_KEY = "md_sign_last"
DEFAULT_IDLE_MINUTES = 15


class MdSignature(models.Model):
    """An executed electronic signature (21 CFR 11.50, 11.70, 11.100;
    EU GMP Annex 11 §14): who signed which record, when, with which meaning
    and reason, over which content (SHA-256). Never changed or deleted; a
    signature whose content changed afterwards is voided, visibly, not removed.
    """

    _name = "md.signature"
    _description = "Electronic Signature"
    _order = "signed_at desc, id desc"
    _rec_names_search = ["signer_name", "record_name", "meaning_name"]

    res_model = fields.Char(string="Model", required=True, index=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Record ID", model_field="res_model", required=True, index=True, readonly=True
    )
    record_name = fields.Char(string="Record", readonly=True, help="The record's name when it was signed.")
    signer_id = fields.Many2one("res.users", required=True, index=True, ondelete="restrict", readonly=True)
    signer_name = fields.Char(string="Printed Name", required=True, readonly=True, help="21 CFR 11.50(a)(1).")
    meaning_id = fields.Many2one(
        "md.signature.meaning", string="Meaning Definition", required=True, ondelete="restrict", readonly=True
    )
    meaning = fields.Char(string="Meaning Code", required=True, index=True, readonly=True)
    meaning_name = fields.Char(string="Meaning", required=True, readonly=True, help="21 CFR 11.50(a)(3).")
    reason = fields.Text(required=True, readonly=True)
    signed_at = fields.Datetime(string="Signed On (Stored UTC)", required=True, index=True, readonly=True)
    signed_at_display = fields.Char(string="Signed On", compute="_compute_signed_at_display")
    content_hash = fields.Char(
        string="Content SHA-256", required=True, readonly=True, help="Hash of the signed fields when signed."
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    voided = fields.Boolean(readonly=True, index=True)
    voided_at = fields.Datetime(string="Voided On (UTC)", readonly=True)
    void_reason = fields.Char(readonly=True)

    # --- display -------------------------------------------------------------

    @api.depends("signer_name", "meaning_name", "signed_at")
    def _compute_display_name(self):
        for signature in self:
            signature.display_name = f"{signature.signer_name} · {signature.meaning_name}"

    @api.depends("signed_at")
    @api.depends_context("tz", "uid")
    def _compute_signed_at_display(self):
        # 11.50(a)(2): date and time of signing, with its time zone stated.
        for signature in self:
            signature.signed_at_display = local_time_label(self.env, signature.signed_at)

    # --- binding: no create, write, copy or unlink from outside (11.70) -------

    @api.model_create_multi
    def create(self, vals_list):
        if not _CREATING.get():
            raise UserError(self.env._("Electronic signatures are created only by signing a record."))
        return super().create(vals_list)

    def write(self, vals):
        voiding = _VOIDING.get() and not set(vals) - VOID_FIELDS and not any(self.mapped("voided"))
        if not voiding:
            raise UserError(
                self.env._(
                    "Electronic signatures cannot be changed (21 CFR 11.70): they are permanently bound."
                )
            )
        return super().write(vals)

    def copy(self, default=None):  # pylint: disable=method-required-super
        raise UserError(
            self.env._("Electronic signatures cannot be copied to another record (21 CFR 11.70).")
        )

    @api.ondelete(at_uninstall=True)
    def _unlink_never(self):
        if module_data_uninstalling(self):  # Odoo's uninstall flag alone is a context key
            return
        raise UserError(self.env._("Electronic signatures cannot be deleted (21 CFR 11.70)."))

    # --- what signed records rest on (11.70) ------------------------------------

    @api.model
    def _md_signed_references(self, model_name):
        """(model, field) of the signable models whose signed fields name ``model_name`` records."""
        signable = self.pool["md.signable.mixin"]
        references = []
        for name, model_class in self.pool.items():
            if model_class._abstract or not issubclass(model_class, signable):
                continue
            for field_name in model_class._md_signed_fields:
                field = model_class._fields.get(field_name)
                if field and field.relational and field.comodel_name == model_name:
                    references.append((name, field_name))
        return references

    @api.model
    def _md_signed_holders(self, records):
        """The records with valid signatures whose signed content names ``records``."""
        holders = []
        for model_name, field_name in self._md_signed_references(records._name):
            field = self.env[model_name]._fields[field_name]
            if field.type == "one2many":
                candidates = records.sudo()[field.inverse_name].filtered(lambda r, m=model_name: r._name == m)
            else:
                candidates = (
                    self.env[model_name]
                    .sudo()
                    .with_context(active_test=False)
                    .search([(field_name, "in", records.ids)])
                )
            signed_ids = set(candidates._md_valid_signatures().mapped("res_id"))
            holders.append(candidates.filtered(lambda r, ids=signed_ids: r.id in ids))
        return holders

    @api.model
    def _md_check_no_signed_dependents(self, records):
        """Refuse deleting records that signed content names: the signature would no longer
        match what was signed."""
        for holders in self._md_signed_holders(records):
            if holders:
                raise UserError(
                    self.env._(
                        "%(records)s cannot be deleted: the signed record %(holders)s rests on it "
                        "(21 CFR 11.70).",
                        records=", ".join(records.sudo().mapped("display_name")),
                        holders=", ".join(holders.mapped("display_name")),
                    )
                )

    # --- read access follows the signed record -------------------------------

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if operation != "read" or not self or self.env.su:
            return result
        signatures = self - result[0] if result else self
        forbidden = signatures._md_unreadable_documents()
        if not forbidden:
            return result
        if result:
            return result[0] + forbidden, result[1]
        return forbidden, lambda: forbidden._make_access_error("read")

    def _md_unreadable_documents(self):
        """Signatures whose signed record the current user cannot read."""
        forbidden = self.browse()
        sudo_self = self.sudo()
        for res_model in set(sudo_self.mapped("res_model")):
            of_model = sudo_self.filtered(lambda s, m=res_model: s.res_model == m)
            if res_model not in self.env:
                forbidden |= of_model
                continue
            documents = self.env[res_model].browse(set(of_model.mapped("res_id")))
            readable = documents._filtered_access("read")
            forbidden |= of_model.filtered(lambda s, ids=set(readable.ids): s.res_id not in ids)
        return self.browse(forbidden.ids)

    def _make_access_error(self, operation):
        return AccessError(
            self.env._(
                "You cannot read the signatures of records you cannot read: %s",
                ", ".join(self.sudo().mapped("record_name")),
            )
        )

    # --- signing -------------------------------------------------------------

    @api.model
    def _md_sign(self, records, meaning_code, password, reason, login=None):
        """Sign ``records`` as the current user; return the new signatures.

        Order of checks: the request itself (meaning, reason, rule, authority,
        segregation of duties, lockout), then the credentials, so that a
        refused request never counts as a failed credential check.
        """
        if not records:
            raise UserError(self.env._("Select the records to sign."))
        records.check_access("read")
        lock_for_change(records)  # two signers at once: the second replays after the first
        meaning = self._md_meaning(meaning_code)
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for signing (what you attest)."))
        self._md_check_sign_request(records, meaning)
        self._md_check_credentials(records, meaning, login, password)
        signatures = self._md_create_signatures(records, meaning, reason)
        self.env["md.signature.failure"]._md_reset_consecutive(self.env.user)
        self._md_session_touch()
        return signatures

    @api.model
    def _md_check_sign_request(self, records, meaning):
        """Everything but the credentials: rule, authority, segregation of duties, the record's
        own conditions, a second signature of the same meaning, lockout."""
        rule = self.env["md.signature.rule"]._md_rule_for(records._name, meaning)
        rule._md_check_signer(records, self.env.user)
        records._md_check_signable(meaning.code)
        self._md_check_not_already_signed(records, meaning)
        self.env["md.signature.lockout"]._md_check_not_locked(self.env.user)

    @api.model
    def _md_sign_refusal(self, records, meaning):
        """Why the current user cannot sign ``records`` as ``meaning`` now, or "" if they can.
        Shown before anyone types a password (the checks only read)."""
        try:
            with self.env.cr.savepoint():
                self._md_check_sign_request(records, meaning)
        except (UserError, AccessError) as refusal:
            return str(refusal.args[0]) if refusal.args else str(refusal)
        return ""

    @api.model
    def _md_meaning(self, code):
        meaning = self.env["md.signature.meaning"].search([("code", "=", code)], limit=1)
        if not meaning:
            raise UserError(self.env._("Unknown signature meaning %s.", code))
        return meaning

    @api.model
    def _md_check_not_already_signed(self, records, meaning):
        signed = self.sudo().search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("meaning_id", "=", meaning.id),
                ("signer_id", "=", self.env.uid),
                ("voided", "=", False),
            ]
        )
        if signed:
            raise UserError(
                self.env._(
                    "You already signed %(records)s as %(meaning)s.",
                    records=", ".join(signed.mapped("record_name")),
                    meaning=meaning.name,
                )
            )

    @api.model
    def _md_check_credentials(self, records, meaning, login, password):
        """Both components at the first signing of a continuous web session
        and after the idle time; the password alone in between (11.200(a)(1)).

        XML-RPC/JSON-RPC have no continuous session: every call is
        authenticated anew with the user's identity and secret, and md_sign
        adds the password, so both components are used for each signing
        (11.200(a)(1)(ii)). A login given anyway must be the user's own.
        """
        user = self.env.user
        if login is None and self._md_login_required():
            raise UserError(
                self.env._("Enter your login and password to sign (first signature of this session).")
            )
        if login is not None and login.strip() != user.login:
            self._md_signing_failed(records, meaning, "login")
        try:
            user._check_credentials(
                {"type": "password", "login": user.login, "password": password}, {"interactive": True}
            )
        except AccessDenied:
            self._md_signing_failed(records, meaning, "password")

    @api.model
    def _md_signing_failed(self, records, meaning, cause):
        """Record the failed check in its own transaction, so that it survives
        the rollback of the refused signing (21 CFR 11.300(d)), then refuse."""
        self.env.flush_all()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            remaining = env["md.signature.failure"]._md_record(
                self.env.uid, records._name, records.ids, meaning.code, cause
            )
        self.env.invalidate_all()
        _logger.warning(
            "Failed e-signature credential check (%s) by user %s on %s", cause, self.env.uid, records
        )
        if remaining:
            raise UserError(
                self.env._(
                    "Wrong login or password: the signature was not recorded. "
                    "%s attempt(s) left before signing is locked.",
                    remaining,
                )
            )
        raise UserError(
            self.env._(
                "Wrong login or password: the signature was not recorded. Signing is now locked "
                "for your account until a security manager unlocks it."
            )
        )

    @api.model
    def _md_create_signatures(self, records, meaning, reason):
        user = self.env.user
        now = fields.Datetime.now()
        vals_list = [
            {
                "res_model": record._name,
                "res_id": record.id,
                "record_name": record.display_name,
                "signer_id": user.id,
                "signer_name": user.name,
                "meaning_id": meaning.id,
                "meaning": meaning.code,
                "meaning_name": meaning.name,
                "reason": reason,
                "signed_at": now,
                "content_hash": record._md_content_hash(),
                "company_id": (record.company_id.id if "company_id" in record._fields else False)
                or user.company_id.id,
            }
            for record in records
        ]
        token = _CREATING.set(True)
        try:
            signatures = self.sudo().create(vals_list)
        finally:
            _CREATING.reset(token)
        return self.browse(signatures.ids)

    def _md_void(self, reason):
        """Void valid signatures: they stay on the record, marked void (11.70)."""
        token = _VOIDING.set(True)
        try:
            self.filtered(lambda s: not s.voided).sudo().write(
                {"voided": True, "voided_at": fields.Datetime.now(), "void_reason": reason}
            )
        finally:
            _VOIDING.reset(token)

    # --- continuous session (11.200(a)(1)) -----------------------------------

    @api.model
    def _md_web_session(self):
        """The web client session of the current user, or None (RPC, cron, shell)."""
        if request and request.session.uid == self.env.uid:
            return request.session
        return None

    @api.model
    def _md_idle_seconds(self):
        minutes = self.env["ir.config_parameter"].sudo().get_param("md_base.signature_idle_minutes")
        try:
            return max(int(minutes), 0) * 60
        except (TypeError, ValueError):
            return DEFAULT_IDLE_MINUTES * 60

    @api.model
    def _md_login_required(self):
        """True at the first signing of a web session and after the idle time."""
        session = self._md_web_session()
        if session is None:
            return False
        last = session.get(SESSION_KEY)
        if not last or last.get("uid") != self.env.uid:
            return True
        return time.time() - last.get("at", 0) > self._md_idle_seconds()

    @api.model
    def _md_session_touch(self):
        session = self._md_web_session()
        if session is not None:
            session[SESSION_KEY] = {"uid": self.env.uid, "at": time.time()}
