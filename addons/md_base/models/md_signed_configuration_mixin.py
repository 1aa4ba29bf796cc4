import contextvars

from odoo import models
from odoo.exceptions import AccessError, UserError

from .md_audit_entry import REASON_CONTEXT_KEY

# The meaning a Security Manager signs a weakened configuration with.
APPROVED = "approved"
SECURITY_MANAGER = "md_base.group_md_security_manager"
# Set only by _md_change_signed: an RPC caller cannot set a context variable.
_SIGNED_CHANGE = contextvars.ContextVar("md_signed_configuration_change", default=False)


class MdSignedConfigurationMixin(models.AbstractModel):
    """A configuration that protects records (what the audit trail records, how long records are
    kept) and that only a Security Manager may weaken, with a reason and an electronic signature
    (21 CFR 11.10(e), 11.10(k); EU GMP Annex 11 §9, §10). Strengthening it stays a plain write.

    Adopters declare:
    - ``_md_change_wizard``: the dialog model of the signed change (a ``md.signed.change.mixin``);
    - ``_md_scope()``: what the record protects, as comparable values;
    - ``_md_weaker_than(old_scope)``: whether the record now protects less than ``old_scope``;
    - ``_md_weakened_message()``, ``_md_change_refused_message()``, ``_md_reason_missing_message()``.
    """

    _name = "md.signed.configuration.mixin"
    _description = "Configuration Weakened Only by a Signed Change"
    _inherit = ["md.signable.mixin"]

    _md_change_wizard = None

    def write(self, vals):
        before = {record.id: record._md_scope() for record in self}
        result = super().write(vals)
        if not _SIGNED_CHANGE.get():
            weakened = self.filtered(lambda record: record._md_weaker_than(before[record.id]))
            if weakened:
                raise UserError(weakened._md_weakened_message())
        return result

    def _md_change_signed(self, vals, password, reason, login=None):
        """Apply a change of this record as a Security Manager and sign it with its reason."""
        self.ensure_one()
        if not self.env.user.has_group(SECURITY_MANAGER):
            raise AccessError(self._md_change_refused_message())
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self._md_reason_missing_message())
        token = _SIGNED_CHANGE.set(True)
        try:
            self.with_context(**{REASON_CONTEXT_KEY: reason}).write(vals)
        finally:
            _SIGNED_CHANGE.reset(token)
        self.md_sign(APPROVED, password, reason, login=login)
        return True

    def action_md_change(self):
        self.ensure_one()
        wizard = self.env[self._md_change_wizard]
        return {
            "type": "ir.actions.act_window",
            "name": self.env["ir.model"]._get(wizard._name).name,
            "res_model": wizard._name,
            "view_mode": "form",
            "target": "new",
            "context": {f"default_{wizard._md_target_field}": self.id},
        }
