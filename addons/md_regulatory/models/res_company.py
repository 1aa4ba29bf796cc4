from odoo import api, fields, models

from .working_days import add_working_days


class ResCompany(models.Model):
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
    md_licence_country_ids = fields.Many2many(
        "res.country",
        "md_company_licence_country_rel",
        "company_id",
        "country_id",
        string="Countries Requiring Customer Licences",
        default=lambda self: self.env.ref("base.cn", raise_if_not_found=False),
        help="A sales order of a device product delivered to one of these countries needs a valid customer "
        "licence covering the device (China: 医疗器械经营监督管理办法 and GSP, the buyer holds a "
        "经营许可证/备案凭证 or 医疗机构执业许可证).",
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

    @api.model
    def _md_init_licence_countries(self):
        """At install, the companies that exist already require customer licences in China."""
        china = self.env.ref("base.cn", raise_if_not_found=False)
        if china:
            self.search([("md_licence_country_ids", "=", False)]).md_licence_country_ids = china
