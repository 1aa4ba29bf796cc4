from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

ALERT_DAYS_PARAM = "md_base.expiry_alert_days"
DEFAULT_ALERT_DAYS = "60,30,7"


def parse_alert_days(text):
    """ "60, 30,7" -> [60, 30, 7] (descending, distinct, positive), or raise ValueError."""
    days = sorted({int(part) for part in (text or "").split(",") if part.strip()}, reverse=True)
    if not days or days[-1] <= 0:
        raise ValueError(text)
    return days


class MdExpiryAlertMixin(models.AbstractModel):
    """Certificates and licences that expire: the daily cron gives Regulatory
    Affairs an activity when a valid one comes within each alert threshold
    (ISO 13485 7.4 re-evaluation of suppliers; China GSP: qualification
    documents kept valid). One activity per record and threshold: the
    threshold last alerted is stored and reset when the expiry date changes."""

    _name = "md.expiry.alert.mixin"
    _description = "Expiry Alerts for Certificates and Licences"

    expiry_date = fields.Date(tracking=True, index=True)
    expiry_alert_days = fields.Integer(
        string="Last Expiry Alert (days)",
        readonly=True,
        copy=False,
        help="The alert threshold, in days before expiry, of the last expiry activity scheduled.",
    )

    def write(self, vals):
        if "expiry_date" in vals and "expiry_alert_days" not in vals:
            vals = dict(vals, expiry_alert_days=0)
        return super().write(vals)

    @api.model
    def _md_alert_days(self):
        text = self.env["ir.config_parameter"].sudo().get_param(ALERT_DAYS_PARAM, DEFAULT_ALERT_DAYS)
        try:
            return parse_alert_days(text)
        except ValueError:
            raise ValidationError(
                self.env._("The expiry alert thresholds %s are not a list of positive day counts.", text)
            ) from None

    @api.model
    def _md_alert_domain(self):
        """Records that can still be used: only those deserve an expiry alert."""
        return []

    @api.model
    def _md_alert_users(self, company):
        group = self.env.ref("md_base.group_md_regulatory")
        return group.users.filtered(
            lambda user: user.active and not user.share and company in user.company_ids
        )

    @api.model
    def _md_alert_summary(self, record, days):
        return self.env._("%(name)s expires within %(days)s days", name=record.display_name, days=days)

    @api.model
    def _cron_md_expiry(self):
        """Daily: mark what expired since yesterday, then alert on what is about to."""
        self._md_refresh_expired()
        return self._cron_md_expiry_alerts()

    @api.model
    def _md_refresh_expired(self):
        """``state`` is stored and depends on today's date: recompute it for the
        valid records whose expiry date has passed."""
        stale = self.search([("state", "=", "valid"), ("expiry_date", "<", fields.Date.context_today(self))])
        if stale:
            self.env.add_to_compute(self._fields["state"], stale)
            stale._recompute_recordset(["state"])
        return stale

    @api.model
    def _cron_md_expiry_alerts(self):
        """Schedule the expiry activities that are due today; return the records alerted."""
        today = fields.Date.context_today(self)
        thresholds = self._md_alert_days()
        candidates = self.search(
            [
                *self._md_alert_domain(),
                ("expiry_date", ">=", today),
                ("expiry_date", "<=", today + timedelta(days=thresholds[0])),
            ]
        )
        activity_type = self.env.ref("md_base.mail_activity_type_md_expiry")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list, alerted = [], self.browse()
        for record in candidates:
            days_left = (record.expiry_date - today).days
            threshold = min(days for days in thresholds if days_left <= days)
            if record.expiry_alert_days and record.expiry_alert_days <= threshold:
                continue  # this threshold (or a closer one) was already alerted
            company = record.company_id if "company_id" in record._fields else self.env.company
            for user in self._md_alert_users(company or self.env.company):
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": record.id,
                        "activity_type_id": activity_type.id,
                        "summary": self._md_alert_summary(record, threshold),
                        "date_deadline": record.expiry_date,
                        "user_id": user.id,
                    }
                )
            record.expiry_alert_days = threshold
            alerted |= record
        self.env["mail.activity"].create(vals_list)
        return alerted
