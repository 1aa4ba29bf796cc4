from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

ACTIVITY = "md_quality.md_activity_capa_action"
# What the owner of an action may fill in without being a quality inspector.
OWNER_FIELDS = {"evidence_note", "evidence_attachment_ids"}
INSPECTOR_GROUP = "md_base.group_md_quality_inspector"


class MdQualityCapaAction(models.Model):
    """A planned correction, corrective or preventive action of a CAPA
    (ISO 13485 8.5.2 c-e): an owner with a due date (an activity), and the
    evidence of its implementation when it is done."""

    _name = "md.quality.capa.action"
    _description = "CAPA Action"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.workflow.mixin"]
    _order = "capa_id, sequence, id"

    # Done or cancelled by its buttons; a line of its CAPA (cancelled, not deleted, once the
    # CAPA is under way).
    _md_transition_fields = ("date_done", "done_by_id")
    _md_create_only_fields = ("capa_id",)
    _md_closed_states = ("done", "cancelled")
    _md_parent_field = "capa_id"

    capa_id = fields.Many2one("md.quality.capa", string="CAPA", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="capa_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Text(string="Description", required=True, tracking=True)
    action_type = fields.Selection(
        [("correction", "Correction"), ("corrective", "Corrective"), ("preventive", "Preventive")],
        string="Type",
        required=True,
        default="corrective",
        tracking=True,
    )
    user_id = fields.Many2one("res.users", string="Owner", required=True, tracking=True)
    date_due = fields.Date(string="Due Date", required=True, tracking=True)
    state = fields.Selection(
        [("open", "Open"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="open",
        required=True,
        tracking=True,
        copy=False,
    )
    date_done = fields.Date(readonly=True, copy=False, tracking=True)
    done_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    evidence_note = fields.Text(string="Implementation Evidence", copy=False)
    evidence_attachment_ids = fields.Many2many(
        "ir.attachment", "md_quality_capa_action_attachment_rel", string="Evidence Files", copy=False
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue")

    @api.depends("state", "date_due")
    @api.depends_context("tz")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.is_overdue = action.state == "open" and action.date_due and action.date_due < today

    @api.depends("capa_id.name", "sequence", "name")
    def _compute_display_name(self):
        for action in self:
            first_line = (action.name or "").strip().splitlines()[:1]
            action.display_name = f"{action.capa_id.name or ''}: {first_line[0] if first_line else ''}"

    @api.model_create_multi
    def create(self, vals_list):
        actions = super().create(vals_list)
        for action in actions:
            action._md_schedule_activity()
        actions.capa_id._md_actions_changed()
        return actions

    def write(self, vals):
        if not self._md_in_transition():
            self._md_check_owner_fields(vals)
        result = super().write(vals)
        if {"user_id", "date_due"} & set(vals):
            for action in self.filtered(lambda a: a.state == "open"):
                action.activity_reschedule(
                    [ACTIVITY], date_deadline=action.date_due, new_user_id=action.user_id.id
                )
        return result

    def _md_check_owner_fields(self, vals):
        content = set(vals) & self._md_content_fields()
        if content - OWNER_FIELDS and not self.env.user.has_group(INSPECTOR_GROUP):
            raise AccessError(self.env._("The owner of a CAPA action records only its evidence."))

    def _md_schedule_activity(self):
        self.ensure_one()
        self.activity_schedule(
            ACTIVITY,
            date_deadline=self.date_due,
            summary=self.env._("CAPA action %s", self.capa_id.name),
            note=self.name,
            user_id=self.user_id.id,
        )

    def _md_check_owner_or_inspector(self):
        if self.env.user.has_group(INSPECTOR_GROUP):
            return
        others = self.filtered(lambda a: a.user_id != self.env.user)
        if others:
            raise AccessError(
                self.env._(
                    "Only the owner or a quality inspector can complete %s.",
                    ", ".join(others.mapped("display_name")),
                )
            )

    def action_done(self):
        """Done with the evidence of its implementation (ISO 13485 8.5.2 e: records of actions)."""
        self._md_check_owner_or_inspector()
        for action in self:
            if action.state != "open":
                raise UserError(self.env._("%s is not open.", action.display_name))
            if action.capa_id.state not in ("implementation", "effectiveness", "investigation"):
                raise UserError(
                    self.env._(
                        "Actions are implemented once the CAPA %s is under investigation or implementation.",
                        action.capa_id.name,
                    )
                )
            if not ((action.evidence_note or "").strip() or action.evidence_attachment_ids):
                raise UserError(
                    self.env._(
                        "Record the implementation evidence of %s (a note or files) first.",
                        action.display_name,
                    )
                )
        self.sudo()._md_write_transition(
            {"state": "done", "date_done": fields.Date.context_today(self), "done_by_id": self.env.uid}
        )
        self.sudo().activity_feedback([ACTIVITY], feedback=self.env._("Done"))
        # The owner may be a plain user: the CAPA's own follow-up is the system's doing.
        self.capa_id.sudo()._md_actions_changed()
        return True

    def action_cancel(self):
        if not self.env.user.has_group(INSPECTOR_GROUP):
            raise AccessError(self.env._("Only quality inspectors cancel CAPA actions."))
        self._md_check_parent_not_closed(self.env._("Cancelling actions"))
        self._md_cancel()
        self.capa_id._md_actions_changed()
        return True

    def _md_cancel(self):
        self.filtered(lambda a: a.state == "open")._md_write_transition({"state": "cancelled"})
        self.activity_unlink([ACTIVITY])
