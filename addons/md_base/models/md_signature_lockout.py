import contextvars

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

SECURITY_MANAGER_GROUP = "md_base.group_md_security_manager"
# The lockout's own fields change only through action_unlock (security managers
# may still use the chatter).
_UNLOCKING = contextvars.ContextVar("md_signature_unlocking", default=False)
LOCKOUT_FIELDS = {"user_id", "locked_at", "state", "unlocked_by_id", "unlocked_at"}


class MdSignatureLockout(models.Model):
    """A user barred from signing after repeated failed credential checks
    (21 CFR 11.300(d): report misuse attempts urgently to security management).
    Only a security manager lifts it."""

    _name = "md.signature.lockout"
    _description = "Electronic Signature Lockout"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "locked_at desc, id desc"

    user_id = fields.Many2one("res.users", required=True, index=True, ondelete="restrict", readonly=True)
    locked_at = fields.Datetime(string="Locked On (UTC)", required=True, readonly=True)
    state = fields.Selection(
        [("locked", "Locked"), ("unlocked", "Unlocked")],
        required=True,
        default="locked",
        readonly=True,
        tracking=True,
    )
    failure_ids = fields.One2many(
        "md.signature.failure", "lockout_id", string="Failed Attempts", readonly=True
    )
    unlocked_by_id = fields.Many2one("res.users", readonly=True)
    unlocked_at = fields.Datetime(string="Unlocked On (UTC)", readonly=True)

    @api.depends("user_id", "locked_at")
    def _compute_display_name(self):
        for lockout in self:
            lockout.display_name = self.env._("Signing locked: %s", lockout.user_id.name)

    @api.model
    def _md_lock(self, user, failures):
        lockout = self.sudo().create({"user_id": user.id, "locked_at": fields.Datetime.now()})
        failures.sudo().write({"consecutive": False, "lockout_id": lockout.id})
        lockout._md_notify_security_managers()
        return lockout

    def _md_notify_security_managers(self):
        managers = self.env.ref(SECURITY_MANAGER_GROUP).users.filtered(lambda u: u.active and not u.share)
        for lockout in self:
            for manager in managers:
                lockout.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("E-signature lockout: %s", lockout.user_id.name),
                    note=self.env._(
                        "%(user)s failed the signature credential check %(count)s times in a row "
                        "and cannot sign until unlocked. Check whether someone else tried to sign "
                        "with this account (21 CFR 11.300(d)).",
                        user=lockout.user_id.name,
                        count=len(lockout.failure_ids),
                    ),
                    user_id=manager.id,
                )

    @api.model
    def _md_check_not_locked(self, user):
        if self.sudo().search_count([("user_id", "=", user.id), ("state", "=", "locked")], limit=1):
            raise UserError(
                self.env._(
                    "Signing is locked for your account after repeated failed attempts. "
                    "Ask a security manager to unlock it."
                )
            )

    def write(self, vals):
        if set(vals) & LOCKOUT_FIELDS and not _UNLOCKING.get():
            raise UserError(self.env._("A signature lockout is only lifted with Unlock Signing."))
        return super().write(vals)

    def action_unlock(self):
        if not self.env.user.has_group(SECURITY_MANAGER_GROUP):
            raise AccessError(self.env._("Only a security manager can unlock electronic signing."))
        locked = self.filtered(lambda lockout: lockout.state == "locked")
        if not locked:
            raise UserError(self.env._("These users are not locked."))
        token = _UNLOCKING.set(True)
        try:
            locked.write(
                {"state": "unlocked", "unlocked_by_id": self.env.uid, "unlocked_at": fields.Datetime.now()}
            )
        finally:
            _UNLOCKING.reset(token)
        locked.activity_feedback(["mail.mail_activity_data_todo"], feedback=self.env._("Unlocked"))
        return True
