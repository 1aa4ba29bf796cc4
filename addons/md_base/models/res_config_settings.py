from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .md_expiry_alert_mixin import ALERT_DAYS_PARAM, DEFAULT_ALERT_DAYS, parse_alert_days


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    md_signature_max_failures = fields.Integer(
        string="Failed Attempts Before Lockout",
        config_parameter="md_base.signature_max_failures",
        default=3,
        help="Consecutive failed credential checks after which a user cannot sign until a security manager "
        "unlocks them (21 CFR 11.300(d)).",
    )
    md_signature_idle_minutes = fields.Integer(
        string="Signing Session Idle Time (minutes)",
        config_parameter="md_base.signature_idle_minutes",
        default=15,
        help="After this time without signing, the next signature asks for the login again, not only the "
        "password (21 CFR 11.200(a)(1)). 0: always ask for both.",
    )

    md_expiry_alert_days = fields.Char(
        string="Expiry Alerts (days before)",
        config_parameter=ALERT_DAYS_PARAM,
        default=DEFAULT_ALERT_DAYS,
        help="Comma-separated days before the expiry of a registration or partner licence at which "
        "Regulatory Affairs gets an activity, e.g. 60,30,7.",
    )
    md_fda_calendar_id = fields.Many2one(related="company_id.md_fda_calendar_id", readonly=False)
    md_nmpa_calendar_id = fields.Many2one(related="company_id.md_nmpa_calendar_id", readonly=False)

    @api.constrains("md_signature_max_failures", "md_signature_idle_minutes")
    def _check_md_signature_settings(self):
        for settings in self:
            if settings.md_signature_max_failures < 1 or settings.md_signature_idle_minutes < 0:
                raise ValidationError(
                    self.env._(
                        "Allow at least one signing attempt, and an idle time of zero minutes or more."
                    )
                )

    @api.constrains("md_expiry_alert_days")
    def _check_md_expiry_alert_days(self):
        for settings in self:
            try:
                parse_alert_days(settings.md_expiry_alert_days)
            except ValueError:
                raise ValidationError(
                    self.env._("Expiry alerts: give positive day counts separated by commas, e.g. 60,30,7.")
                ) from None
