from odoo import api, fields, models

DEFAULT_MAX_FAILURES = 3


class MdSignatureFailure(models.Model):
    """A failed credential check while signing (21 CFR 11.300(d): detect and
    report attempts at unauthorised use). Written by the signing code only."""

    _name = "md.signature.failure"
    _description = "Failed Electronic Signature Attempt"
    _order = "attempted_at desc, id desc"

    user_id = fields.Many2one("res.users", required=True, index=True, ondelete="restrict", readonly=True)
    attempted_at = fields.Datetime(string="Attempted On (UTC)", required=True, readonly=True)
    res_model = fields.Char(string="Model", readonly=True)
    res_ids = fields.Char(string="Record IDs", readonly=True)
    meaning = fields.Char(string="Meaning Code", readonly=True)
    cause = fields.Selection(
        [("login", "Wrong login"), ("password", "Wrong password")], required=True, readonly=True
    )
    consecutive = fields.Boolean(
        readonly=True,
        index=True,
        help="Counts toward the lockout: no successful signature or lockout since this failure.",
    )
    lockout_id = fields.Many2one("md.signature.lockout", readonly=True, ondelete="set null")

    @api.model
    def _md_max_failures(self):
        value = self.env["ir.config_parameter"].sudo().get_param("md_base.signature_max_failures")
        try:
            return max(int(value), 1)
        except (TypeError, ValueError):
            return DEFAULT_MAX_FAILURES

    @api.model
    def _md_record(self, user_id, res_model, res_ids, meaning, cause):
        """Log one failure; lock the user out at the Nth consecutive one.
        Return how many attempts are left (0: now locked)."""
        self.sudo().create(
            {
                "user_id": user_id,
                "attempted_at": fields.Datetime.now(),
                "res_model": res_model,
                "res_ids": ",".join(map(str, res_ids)),
                "meaning": meaning,
                "cause": cause,
                "consecutive": True,
            }
        )
        pending = self.sudo().search([("user_id", "=", user_id), ("consecutive", "=", True)])
        remaining = self._md_max_failures() - len(pending)
        if remaining > 0:
            return remaining
        self.env["md.signature.lockout"]._md_lock(self.env["res.users"].browse(user_id), pending)
        return 0

    @api.model
    def _md_reset_consecutive(self, user):
        self.sudo().search([("user_id", "=", user.id), ("consecutive", "=", True)]).write(
            {"consecutive": False}
        )
