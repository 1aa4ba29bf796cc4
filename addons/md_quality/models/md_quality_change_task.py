from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

ACTIVITY = "md_quality.md_activity_change_task"
INSPECTOR_GROUP = "md_base.group_md_quality_inspector"


class MdQualityChangeTask(models.Model):
    """An implementation task of a change (ISO 13485 7.3.9: implementation
    after approval, with records): an owner with a due date (an activity)."""

    _name = "md.quality.change.task"
    _description = "Change Implementation Task"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.workflow.mixin"]
    _order = "change_id, sequence, id"

    # Done by its button only, and kept once done.
    _md_state_field = None
    _md_parent_field = "change_id"
    _md_transition_fields = ("done", "date_done", "done_by_id")
    _md_create_only_fields = ("change_id",)

    change_id = fields.Many2one("md.quality.change", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="change_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Task", required=True, tracking=True)
    user_id = fields.Many2one("res.users", string="Owner", required=True, tracking=True)
    date_due = fields.Date(string="Due Date", required=True, tracking=True)
    done = fields.Boolean(readonly=True, copy=False, tracking=True)
    date_done = fields.Date(readonly=True, copy=False)
    done_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    note = fields.Text(string="Result")

    @api.model_create_multi
    def create(self, vals_list):
        tasks = super().create(vals_list)
        for task in tasks:
            task.activity_schedule(
                ACTIVITY,
                date_deadline=task.date_due,
                summary=self.env._("Change %s", task.change_id.name),
                note=task.name,
                user_id=task.user_id.id,
            )
        return tasks

    def write(self, vals):
        result = super().write(vals)
        if {"user_id", "date_due"} & set(vals):
            for task in self.filtered(lambda t: not t.done):
                task.activity_reschedule([ACTIVITY], date_deadline=task.date_due, new_user_id=task.user_id.id)
        return result

    def action_done(self):
        if not self.env.user.has_group(INSPECTOR_GROUP) and self.filtered(
            lambda t: t.user_id != self.env.user
        ):
            raise AccessError(self.env._("Only the owner or a quality inspector completes a task."))
        not_started = self.change_id.filtered(lambda change: change.state != "implementation")
        if not_started:
            raise UserError(
                self.env._(
                    "Tasks are done once the change is approved: %s",
                    ", ".join(not_started.mapped("display_name")),
                )
            )
        self.sudo()._md_write_transition(
            {"done": True, "date_done": fields.Date.context_today(self), "done_by_id": self.env.uid}
        )
        self.sudo().activity_feedback([ACTIVITY], feedback=self.env._("Done"))
        return True
