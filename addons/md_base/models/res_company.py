from odoo import SUPERUSER_ID, fields, models

from .working_days import add_working_days


class ResCompany(models.Model):
    """The calendars that count each regime's working-day deadlines."""

    _inherit = "res.company"

    md_fda_calendar_id = fields.Many2one(
        "resource.calendar",
        string="FDA Deadline Calendar",
        domain="[('company_id', 'in', [id, False])]",
        ondelete="restrict",
        help="Working days and public holidays (global time off) of the FDA deadlines: 21 CFR 806.10(b) "
        "reports within 10 working days, 803.53(a) within 5 work days. Empty: the company's working hours.",
    )
    md_nmpa_calendar_id = fields.Many2one(
        "resource.calendar",
        string="NMPA Deadline Calendar",
        domain="[('company_id', 'in', [id, False])]",
        ondelete="restrict",
        help="Working days and public holidays (global time off) of the NMPA deadlines: the recall "
        "investigation report and plan within 5 working days (医疗器械召回管理办法). Empty: the company's "
        "working hours.",
    )

    def _md_quality_managers(self):
        """The active internal users of the quality manager group who work for this company:
        whom a workflow asks for a quality decision."""
        self.ensure_one()
        return (
            self.env.ref("md_base.group_md_quality_manager")
            .sudo()
            .users.filtered(
                lambda user: (
                    user.active and not user.share and user.id != SUPERUSER_ID and self in user.company_ids
                )
            )
        )

    def _md_deadline_calendar(self, regime):
        """The calendar of the ``regime``'s ("fda" or "nmpa") working-day deadlines."""
        self.ensure_one()
        return (self[f"md_{regime}_calendar_id"] or self.resource_calendar_id).sudo()

    def _md_working_day_counter(self, regime, starts, max_days):
        """``count(start, days)`` counting the working days of the ``regime``'s calendar
        for the given starts (resource.calendar._md_working_day_counter); Monday to
        Friday without holidays if the company has no working hours at all."""
        calendar = self._md_deadline_calendar(regime)
        if not calendar:
            return add_working_days
        return calendar._md_working_day_counter(starts, max_days)
