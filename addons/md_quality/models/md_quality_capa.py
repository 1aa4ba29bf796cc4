from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

STATES = [
    ("draft", "Draft"),
    ("investigation", "Investigation"),
    ("implementation", "Implementation"),
    ("effectiveness", "Effectiveness Check"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
DONE_STATES = ("closed", "cancelled")
CLOSED = "closed"
MANAGER_GROUP = "md_base.group_md_quality_manager"

# Risk of the problem before action (ISO 14971 style rating, ISO 13485 8.5.2:
# action in proportion to the effects of the nonconformity).
RATINGS = [("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")]
RISK_LEVELS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
RISK_MEDIUM_FROM = 6
RISK_HIGH_FROM = 12

CAUSE_CATEGORIES = [
    ("man", "Man (People)"),
    ("machine", "Machine"),
    ("method", "Method"),
    ("material", "Material"),
    ("measurement", "Measurement"),
    ("environment", "Environment"),
]
DEFAULT_RECURRENCE_DAYS = 365
RECURRENCE_PARAM = "md_quality.capa_recurrence_days"


def risk_level(rpn):
    if rpn >= RISK_HIGH_FROM:
        return "high"
    if rpn >= RISK_MEDIUM_FROM:
        return "medium"
    return "low"


class MdQualityCapa(models.Model):
    """Corrective and preventive action (ISO 13485 8.5.2, 8.5.3; 21 CFR 820
    via QMSR): problem, risk, root cause (5-why, fishbone), actions with
    evidence, an effectiveness check after a set period, and a closure signed
    electronically by a quality manager who is not the author."""

    _name = "md.quality.capa"
    _description = "Corrective and Preventive Action"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.signable.mixin", "md.workflow.mixin"]
    _order = "date_opened desc, id desc"
    _rec_names_search = ["name", "title"]

    _md_signed_fields = [
        "name",
        "title",
        "capa_type",
        "problem_statement",
        "root_cause_summary",
        "action_ids",
        "effectiveness_result",
        "effectiveness_note",
    ]
    _md_sign_on_change = "refuse"
    _md_transition_fields = (
        "date_closed",
        "effectiveness_due_date",
        "effectiveness_result",
        "effectiveness_checked_by_id",
        "effectiveness_checked_on",
    )
    _md_create_only_fields = ("name", "legacy_number")
    _md_closed_states = DONE_STATES

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default=lambda self: self.env._("New")
    )
    title = fields.Char(required=True, tracking=True)
    capa_type = fields.Selection(
        [("corrective", "Corrective"), ("preventive", "Preventive")],
        string="Type",
        required=True,
        default="corrective",
        tracking=True,
        help="Corrective: eliminate the cause of a nonconformity (8.5.2). "
        "Preventive: eliminate the cause of a potential nonconformity (8.5.3).",
    )
    source = fields.Selection(
        [
            ("ncr", "Nonconformance"),
            ("complaint", "Complaint"),
            ("audit", "Audit"),
            ("trend", "Trend Analysis"),
            ("management_review", "Management Review"),
            ("other", "Other"),
        ],
        required=True,
        default="ncr",
        tracking=True,
    )
    legacy_number = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Its number in the legacy system it was migrated from at go-live (ISO 13485:2016 4.2.5).",
    )
    source_reference = fields.Char(help="Audit finding, complaint number or other reference of the source.")
    state = fields.Selection(STATES, default="draft", required=True, index=True, tracking=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        required=True,
        tracking=True,
        default=lambda self: self.env.user,
        help="Leads the investigation and receives the effectiveness check.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        tracking=True,
        help="The partner concerned, e.g. the supplier at cause.",
    )
    product_id = fields.Many2one("product.product", tracking=True, index=True)
    date_opened = fields.Date(required=True, default=fields.Date.context_today, tracking=True, copy=False)
    date_due = fields.Date(string="Target Closure", tracking=True, help="Overdue when still open after it.")
    date_closed = fields.Date(readonly=True, copy=False, tracking=True)
    problem_statement = fields.Text(required=True, tracking=True)
    containment = fields.Text(string="Immediate Containment", tracking=True)
    severity = fields.Selection(
        RATINGS, required=True, default="3", tracking=True, help="1 negligible to 5 critical."
    )
    occurrence = fields.Selection(
        RATINGS, required=True, default="3", tracking=True, help="1 improbable to 5 frequent."
    )
    rpn = fields.Integer(
        string="Risk Score", compute="_compute_risk", store=True, help="Severity x occurrence."
    )
    risk_level = fields.Selection(RISK_LEVELS, compute="_compute_risk", store=True)
    why_ids = fields.One2many("md.quality.capa.why", "capa_id", string="5-Why Analysis", copy=True)
    cause_ids = fields.One2many("md.quality.capa.cause", "capa_id", string="Fishbone Causes", copy=True)
    root_cause_summary = fields.Text(tracking=True)
    root_cause_category = fields.Selection(
        CAUSE_CATEGORIES,
        compute="_compute_root_cause_category",
        store=True,
        help="Category of the first cause flagged as root cause (fishbone).",
    )
    action_ids = fields.One2many("md.quality.capa.action", "capa_id", string="Actions")
    open_action_count = fields.Integer(compute="_compute_open_action_count")
    effectiveness_days = fields.Integer(
        string="Effectiveness Check After (days)",
        default=90,
        tracking=True,
        help="Days after the last action is done when the effectiveness is reviewed.",
    )
    effectiveness_due_date = fields.Date(readonly=True, copy=False, tracking=True)
    effectiveness_result = fields.Selection(
        [("effective", "Effective"), ("not_effective", "Not Effective")],
        readonly=True,
        copy=False,
        tracking=True,
    )
    effectiveness_note = fields.Text(
        string="Effectiveness Evidence", copy=False, help="What was checked and what it showed."
    )
    effectiveness_checked_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    effectiveness_checked_on = fields.Date(readonly=True, copy=False)
    time_to_close_days = fields.Integer(
        string="Days to Close", compute="_compute_time_to_close_days", store=True, aggregator="avg"
    )
    is_overdue = fields.Boolean(string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue")
    recurrence_count = fields.Integer(
        string="Recurrences",
        compute="_compute_recurrence_count",
        help="Other CAPAs of the same product and root-cause category opened within the recurrence "
        "period before this one (system parameter md_quality.capa_recurrence_days, default 365).",
    )

    _sql_constraints = [
        (
            "effectiveness_days_positive",
            "CHECK(effectiveness_days >= 0)",
            "The effectiveness period cannot be negative.",
        ),
    ]

    # --- computes ------------------------------------------------------------

    @api.depends("severity", "occurrence")
    def _compute_risk(self):
        for capa in self:
            capa.rpn = int(capa.severity or 0) * int(capa.occurrence or 0)
            capa.risk_level = risk_level(capa.rpn) if capa.rpn else False

    @api.depends("cause_ids.is_root_cause", "cause_ids.category", "cause_ids.sequence")
    def _compute_root_cause_category(self):
        for capa in self:
            roots = capa.cause_ids.filtered("is_root_cause").sorted(lambda c: (c.sequence, c.id))
            capa.root_cause_category = roots[:1].category or False

    @api.depends("action_ids.state")
    def _compute_open_action_count(self):
        for capa in self:
            capa.open_action_count = len(capa.action_ids.filtered(lambda a: a.state == "open"))

    @api.depends("date_opened", "date_closed")
    def _compute_time_to_close_days(self):
        for capa in self:
            closed = capa.date_closed and capa.date_opened
            capa.time_to_close_days = (capa.date_closed - capa.date_opened).days if closed else 0

    @api.depends("state", "date_due")
    @api.depends_context("tz")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for capa in self:
            capa.is_overdue = bool(capa.state not in DONE_STATES and capa.date_due and capa.date_due < today)

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search overdue CAPAs with = True or = False."))
        today = fields.Date.context_today(self)
        overdue = [("state", "not in", DONE_STATES), ("date_due", "<", today)]
        if (operator == "=") == value:
            return overdue
        return ["!", "&", *overdue]

    def _compute_recurrence_count(self):
        """One query for all records: same company, root-cause category and
        product (or both without product), opened within the period before."""
        stored = self.filtered("id")
        counts = {}
        if stored:
            self.flush_model(["company_id", "product_id", "root_cause_category", "date_opened", "state"])
            self.env.cr.execute(
                SQL(
                    """
                    SELECT capa.id, COUNT(other.id)
                      FROM md_quality_capa capa
                      JOIN md_quality_capa other
                        ON other.id != capa.id
                       AND other.company_id = capa.company_id
                       AND other.root_cause_category = capa.root_cause_category
                       AND other.product_id IS NOT DISTINCT FROM capa.product_id
                       AND other.state != 'cancelled'
                       AND other.date_opened <= capa.date_opened
                       AND other.date_opened >= capa.date_opened - %(days)s
                     WHERE capa.id IN %(ids)s
                     GROUP BY capa.id
                    """,
                    days=self._md_recurrence_days(),
                    ids=tuple(stored.ids),
                )
            )
            counts = dict(self.env.cr.fetchall())
        for capa in self:
            capa.recurrence_count = counts.get(capa.id, 0)

    @api.model
    def _md_recurrence_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param(RECURRENCE_PARAM, DEFAULT_RECURRENCE_DAYS)
        try:
            return max(int(value), 0)
        except ValueError:
            return DEFAULT_RECURRENCE_DAYS

    # --- create / write ------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "md.quality.capa"
                ) or self.env._("New")
        return super().create(vals_list)

    # --- workflow --------------------------------------------------------------

    def action_start_investigation(self):
        self._md_check_state(("draft",), self.env._("Starting the investigation"))
        self._md_write_transition({"state": "investigation"})
        return True

    def _md_root_cause_identified(self):
        """ISO 13485 8.5.2 b: the cause is determined before actions are
        implemented: a fishbone cause flagged as root cause, or a 5-why chain
        whose every answer is given."""
        self.ensure_one()
        whys = self.why_ids
        return bool(self.cause_ids.filtered("is_root_cause")) or (
            bool(whys) and all((why.answer or "").strip() for why in whys)
        )

    def action_implement(self):
        """Investigation done: the root cause is known and actions are planned (8.5.2 b-d)."""
        self._md_check_state(("investigation",), self.env._("Starting the implementation"))
        for capa in self:
            if not capa._md_root_cause_identified():
                raise UserError(
                    self.env._(
                        "Determine the root cause of %s first: flag a fishbone cause as root cause or "
                        "answer every why of the 5-why chain (ISO 13485 8.5.2 b).",
                        capa.display_name,
                    )
                )
            if not capa.action_ids.filtered(lambda a: a.state != "cancelled"):
                raise UserError(
                    self.env._("Plan at least one action for %s (ISO 13485 8.5.2 c).", capa.display_name)
                )
            if capa.effectiveness_result == "not_effective" and not capa.open_action_count:
                raise UserError(
                    self.env._(
                        "Plan a new action for %s: the previous actions were not effective.",
                        capa.display_name,
                    )
                )
        self._md_write_transition({"state": "implementation"})
        self._md_actions_changed()
        return True

    def action_view_open_actions(self):
        """The next step of a CAPA in implementation: its open actions."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("md_quality.action_md_quality_capa_action")
        action["domain"] = [("capa_id", "=", self.id), ("state", "=", "open")]
        action["context"] = {"default_capa_id": self.id}
        return action

    def _md_actions_changed(self):
        """Called when actions are added, done or cancelled: all done in
        implementation schedules the effectiveness check; a new open action
        during the check returns the CAPA to implementation."""
        for capa in self:
            open_actions = capa.action_ids.filtered(lambda a: a.state == "open")
            if capa.state == "implementation" and not open_actions and capa.action_ids:
                capa._md_schedule_effectiveness()
            elif capa.state == "effectiveness" and open_actions:
                capa._md_unschedule_effectiveness()
                capa._md_write_transition(
                    {
                        "state": "implementation",
                        "effectiveness_due_date": False,
                        "effectiveness_result": False,
                    }
                )

    def _md_schedule_effectiveness(self):
        """ISO 13485 8.5.2 f: review the effectiveness after the set period,
        as an activity of the responsible person on the due date."""
        self.ensure_one()
        due = fields.Date.context_today(self) + timedelta(days=self.effectiveness_days)
        self._md_write_transition(
            {
                "state": "effectiveness",
                "effectiveness_due_date": due,
                "effectiveness_result": False,
                "effectiveness_checked_by_id": False,
                "effectiveness_checked_on": False,
            }
        )
        self.activity_schedule(
            "md_quality.md_activity_capa_effectiveness",
            date_deadline=due,
            summary=self.env._("Effectiveness check of %s", self.display_name),
            user_id=self.user_id.id,
        )

    def _md_unschedule_effectiveness(self):
        self.activity_unlink(["md_quality.md_activity_capa_effectiveness"])

    def _md_record_effectiveness(self, result):
        self._md_check_state(("effectiveness",), self.env._("Recording the effectiveness"))
        today = fields.Date.context_today(self)
        for capa in self:
            if capa.effectiveness_due_date and capa.effectiveness_due_date > today:
                raise UserError(
                    self.env._(
                        "The effectiveness of %(capa)s is reviewed from %(date)s, after the set period.",
                        capa=capa.display_name,
                        date=capa.effectiveness_due_date,
                    )
                )
            if not (capa.effectiveness_note or "").strip():
                raise UserError(
                    self.env._("Describe the effectiveness evidence of %s first.", capa.display_name)
                )
        self._md_write_transition(
            {
                "effectiveness_result": result,
                "effectiveness_checked_by_id": self.env.uid,
                "effectiveness_checked_on": today,
            }
        )
        self.activity_feedback(
            ["md_quality.md_activity_capa_effectiveness"],
            feedback=dict(self._fields["effectiveness_result"].selection)[result],
        )

    def action_effective(self):
        self._md_record_effectiveness("effective")
        return True

    def action_not_effective(self):
        """Not effective: the CAPA goes back to investigation for a new cause
        and new actions; the result stays in the tracking history."""
        self._md_record_effectiveness("not_effective")
        self._md_write_transition({"state": "investigation", "effectiveness_due_date": False})
        for capa in self:
            capa.message_post(
                body=self.env._("Actions were not effective: the CAPA is reopened for investigation.")
            )
        return True

    def _md_check_closable(self):
        for capa in self:
            if capa.open_action_count:
                raise UserError(
                    self.env._(
                        "%(capa)s still has %(count)s open actions.",
                        capa=capa.display_name,
                        count=capa.open_action_count,
                    )
                )
            if capa.state != "effectiveness":
                raise UserError(
                    self.env._("%s can be closed only after its effectiveness check.", capa.display_name)
                )
            if capa.effectiveness_result != "effective":
                raise UserError(
                    self.env._(
                        "%s has no effectiveness result showing the actions were effective "
                        "(ISO 13485 8.5.2 f).",
                        capa.display_name,
                    )
                )

    def action_close(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only quality managers close CAPAs."))
        self._md_check_closable()
        self._md_check_required_signature(CLOSED)
        self._md_close()
        return True

    def _md_close(self):
        self._md_write_transition({"state": "closed", "date_closed": fields.Date.context_today(self)})

    def action_cancel(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only quality managers cancel CAPAs."))
        self._md_check_state(("draft", "investigation"), self.env._("Cancelling"))
        self.action_ids.filtered(lambda a: a.state == "open")._md_cancel()
        self._md_write_transition({"state": "cancelled"})
        return True

    # --- signatures ------------------------------------------------------------

    def _md_check_signable(self, meaning):
        if meaning == CLOSED:
            self._md_check_closable()
        elif meaning:
            raise UserError(
                self.env._("A CAPA is signed at its closure only (meaning %s).", self.env._("Closed"))
            )
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        closing = self.browse(signatures.filtered(lambda s: s.meaning == CLOSED).mapped("res_id"))
        closing.filtered(lambda capa: capa.state == "effectiveness")._md_close()
        return result
