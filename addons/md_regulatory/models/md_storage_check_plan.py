from datetime import timedelta

from odoo import api, fields, models


class MdStorageCheckPlan(models.Model):
    """How often a storage area is checked: set per area from its storage conditions and the
    shelf life of what it holds (GSP Art. 73 leaves the frequency to the company)."""

    _name = "md.storage.check.plan"
    _description = "Storage Check Plan"
    _inherit = ["mail.thread"]
    _order = "location_id"

    location_id = fields.Many2one("stock.location", "Storage Area", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one("res.users", "Responsible", required=True, tracking=True)
    interval_days = fields.Integer("Every (Days)", required=True, default=30, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    check_ids = fields.One2many("md.storage.check", "plan_id", string="Checks")
    last_checked = fields.Date(compute="_compute_next_date", store=True)
    next_date = fields.Date("Next Check", compute="_compute_next_date", store=True)

    _sql_constraints = [
        (
            "interval_positive",
            "CHECK(interval_days > 0)",
            "A storage check plan runs every one or more days.",
        ),
    ]

    @api.depends("check_ids.state", "check_ids.checked_at", "interval_days", "create_date")
    def _compute_next_date(self):
        for plan in self:
            done = plan.check_ids.filtered(lambda c: c.state == "done")
            last = max(done.mapped("checked_at"), default=False)
            plan.last_checked = last and last.date()
            start = plan.last_checked or (plan.create_date or fields.Datetime.now()).date()
            plan.next_date = start + timedelta(days=plan.interval_days) if plan.last_checked else start

    @api.depends("location_id")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = plan.location_id.display_name

    @api.model
    def _md_create_due_checks(self):
        """Daily: a check, with an activity for the responsible, for each plan that is due and has
        no open check."""
        today = fields.Date.context_today(self)
        due = self.search([("next_date", "<=", today)]).filtered(
            lambda plan: not plan.check_ids.filtered(lambda c: c.state == "draft")
        )
        for plan in due:
            check = self.env["md.storage.check"].create(
                {
                    "plan_id": plan.id,
                    "location_id": plan.location_id.id,
                    "company_id": plan.company_id.id,
                    "user_id": plan.user_id.id,
                    "date_planned": today,
                }
            )
            check.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=plan.user_id.id,
                date_deadline=today,
                summary=self.env._("Storage check of %s", plan.location_id.display_name),
            )
        return due
