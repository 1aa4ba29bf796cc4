from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

CLOSED = "closed"
SOURCES = [
    ("complaint", "Complaint"),
    ("capa", "CAPA"),
    ("nonconformance", "Nonconformance"),
    ("regulator", "Regulator"),
    ("supplier", "Supplier"),
    ("internal", "Internal"),
]
# 21 CFR 7.3(m): recall classes.
FDA_CLASSES = [("1", "Class I"), ("2", "Class II"), ("3", "Class III")]
# 21 CFR 806.2: a correction leaves the device at its point of use, a removal takes it away;
# 806.10(c)(1): the report number ends in "C" or "R".
FDA_ACTION_TYPES = [("correction", "Correction"), ("removal", "Removal")]
# 医疗器械召回管理办法 (CFDA Order 29, 2017) Art. 13: recall levels 一级/二级/三级.
NMPA_LEVELS = [("1", "Level I (一级)"), ("2", "Level II (二级)"), ("3", "Level III (三级)")]
# Order 29 Art. 15: distributors and users are notified within 1, 3 or 7 days of the recall
# decision (levels I, II, III).
NMPA_NOTIFICATION_DAYS = {"1": 1, "2": 3, "3": 7}
# 21 CFR 806.10(b): the report is due within 10 working days of initiating the correction or
# removal.
FDA_806_WORKING_DAYS = 10
# Order 29 Art. 16: the recall event report (召回事件报告表) is submitted immediately on the
# decision; the investigation and evaluation report and the recall plan within 5 working days.
NMPA_REPORT_WORKING_DAYS = 5
# Order 29 Art. 22: the recall summary evaluation report (召回总结评估报告) within 10 working
# days of the recall's completion.
NMPA_SUMMARY_WORKING_DAYS = 10
EFFECTIVENESS_PARAM = "md_regulatory.recall_effectiveness_threshold"
DEFAULT_EFFECTIVENESS_THRESHOLD = 95.0
# Facts recorded on the recall -> the activity they complete (activities follow the facts).
FACT_ACTIVITIES = {
    "fda_806_submitted_date": "md_regulatory.mail_activity_recall_fda_806",
    "nmpa_event_report_date": "md_regulatory.mail_activity_recall_nmpa_event",
    "nmpa_report_submitted_date": "md_regulatory.mail_activity_recall_nmpa_plan",
    "eu_fsca_reported_date": "md_regulatory.mail_activity_recall_eu_fsca",
}
SUBMISSION_DATE_FIELDS = (
    "fda_806_submitted_date",
    "nmpa_event_report_date",
    "nmpa_report_submitted_date",
    "eu_fsca_reported_date",
    "eu_fsn_draft_submitted_date",
)


class MdRecall(models.Model):
    """A recall / field safety corrective action (21 CFR 7 and 806, 医疗器械召回管理办法,
    EU MDR Art. 2(68)-(69), 87 and 89): affected lots, their scope through the genealogy,
    holds on our stock, notification and acknowledgement of each consignee, returns,
    destruction and correction in the field, the reports to each authority, effectiveness and
    a signed closure. A mock recall (drill) runs the same flow without holds or emails and
    measures the time to a complete scope."""

    _name = "md.recall"
    _description = "Recall / Field Safety Corrective Action"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.signable.mixin", "md.workflow.mixin"]
    _order = "id desc"
    _rec_names_search = ["reference", "name"]

    # The scope, the start, the completion and the closure are the system's record: only the
    # workflow writes them.
    _md_transition_fields = (
        "started_at",
        "scope_lot_ids",
        "scope_computed_at",
        "scope_completed_at",
        "completed_date",
        "closed_at",
    )
    _md_create_only_fields = ("reference", "company_id", "source_model", "source_res_id")
    _md_closed_states = ("closed",)
    # The affected lots and the drill flag are fixed once the recall is in progress.
    _md_field_states = {"lot_ids": ("draft",), "is_mock": ("draft",)}

    _md_signed_fields = [
        "reference",
        "name",
        "fda_class",
        "nmpa_level",
        "eu_fsca",
        "lot_ids",
        "effectiveness",
        "closure_justification",
    ]
    _md_sign_on_change = "refuse"

    reference = fields.Char(required=True, readonly=True, copy=False, default="/", index=True)
    name = fields.Char(string="Subject", required=True, tracking=True)
    description = fields.Text(help="The problem, the risk and the action required of customers.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
        help="Receives the deadline activities; the representative responsible for conducting the "
        "correction or removal (21 CFR 806.10(c)(2)).",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("open", "In Progress"), ("closed", "Closed")],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
        index=True,
    )
    is_mock = fields.Boolean(
        string="Mock Recall (Drill)",
        help="A drill: no stock is put on hold and no notification email is sent; the time to a "
        "complete scope is measured.",
    )
    source = fields.Selection(SOURCES, required=True, default="internal", tracking=True)
    source_model = fields.Char(readonly=True, help="Model of the record that started the recall.")
    source_res_id = fields.Many2oneReference(model_field="source_model", readonly=True)
    source_display = fields.Char(string="Started From", compute="_compute_source_display")
    country_ids = fields.Many2many(
        "res.country",
        "md_recall_country_rel",
        "recall_id",
        "country_id",
        string="Markets",
        tracking=True,
        help="The countries where the affected devices were distributed: the consignees' countries "
        "and the markets of the regimes that apply (China for an NMPA level, the United States for an "
        "FDA class) are added when the scope is computed and when the recall starts.",
    )

    # --- classification --------------------------------------------------
    fda_class = fields.Selection(FDA_CLASSES, string="FDA Class", tracking=True)
    fda_action_type = fields.Selection(
        FDA_ACTION_TYPES,
        string="FDA Action Type",
        default="removal",
        tracking=True,
        help="21 CFR 806.2: a correction is made at the point of use, a removal takes the device away; "
        "the 806 report number ends in C or R (806.10(c)(1)).",
    )
    fda_806_required = fields.Boolean(
        string="FDA Part 806 Report",
        compute="_compute_fda_806_required",
        store=True,
        readonly=False,
        tracking=True,
        help="21 CFR 806.10(a): a correction or removal initiated to reduce a risk to health posed by "
        "the device (or to remedy a violation that may present one) is reported within 10 working days "
        "of its initiation. Follows the approved health hazard evaluation, else FDA classes I and II; "
        "otherwise the correction or removal is recorded under 806.20.",
    )
    nmpa_level = fields.Selection(NMPA_LEVELS, string="NMPA Level", tracking=True)
    eu_fsca = fields.Boolean(
        string="EU FSCA",
        tracking=True,
        help="Field safety corrective action under EU MDR Art. 2(68), reported to the competent "
        "authority before it is undertaken (Art. 87(1)(b) and 87(8)), with a field safety notice "
        "(Art. 89(8)).",
    )
    hhe_ids = fields.One2many("md.recall.hhe", "recall_id", string="Health Hazard Evaluations")
    hhe_id = fields.Many2one(
        "md.recall.hhe",
        string="Approved Health Hazard Evaluation",
        compute="_compute_hhe_id",
        help="The latest approved health hazard evaluation (21 CFR 7.41(a)).",
    )

    # --- dates and deadlines ----------------------------------------------
    decision_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="Date the recall was decided (作出召回决定): the NMPA deadlines run from it (Order 29 "
        "Art. 15 and 16).",
    )
    initiated_date = fields.Date(
        string="Correction/Removal Initiated",
        tracking=True,
        help="Date the correction or removal was initiated; the FDA 806 report is due 10 working days "
        "later (21 CFR 806.10(b)). The decision may be earlier. Set to the start date when the recall "
        "starts without one.",
    )
    notification_deadline = fields.Date(
        compute="_compute_deadlines",
        store=True,
        help="Order 29 Art. 15: distributors and users notified within 1, 3 or 7 days of the decision "
        "(levels I-III).",
    )
    nmpa_event_report_deadline = fields.Date(
        string="NMPA Recall Event Report Deadline",
        compute="_compute_deadlines",
        store=True,
        help="Order 29 Art. 16: the recall event report (召回事件报告表) is submitted immediately on the "
        "decision (the decision date).",
    )
    nmpa_event_report_date = fields.Date(string="NMPA Recall Event Report Submitted", tracking=True)
    nmpa_report_deadline = fields.Date(
        string="NMPA Recall Plan Deadline",
        compute="_compute_deadlines",
        store=True,
        help="Order 29 Art. 16: the investigation and evaluation report and the recall plan are filed "
        "within 5 working days of the decision, counted on the company's NMPA deadline calendar.",
    )
    nmpa_report_submitted_date = fields.Date(
        string="NMPA Investigation Report and Recall Plan Submitted", tracking=True
    )
    fda_806_deadline = fields.Date(
        string="FDA 806 Report Deadline",
        compute="_compute_deadlines",
        store=True,
        help="21 CFR 806.10(b): 10 working days from the initiation of the correction or removal, "
        "counted on the company's FDA deadline calendar (its working weekdays, public holidays skipped).",
    )
    fda_806_submitted_date = fields.Date(string="FDA 806 Report Submitted", tracking=True)
    fda_806_followup_date = fields.Date(
        string="Missing 806 Information Due",
        tracking=True,
        help="21 CFR 806.10(c)(13): when the information not yet available will be submitted.",
    )
    mdr_report_numbers = fields.Char(
        string="MDR Report Numbers",
        tracking=True,
        help="21 CFR 806.10(c)(8): the medical device report numbers of the illnesses or injuries.",
    )
    completed_date = fields.Date(
        string="Recall Actions Completed",
        readonly=True,
        copy=False,
        help="Every consignee notified and acknowledged (or excepted) and every return received. The "
        "NMPA summary evaluation report is due 10 working days later (Order 29 Art. 22).",
    )
    nmpa_summary_deadline = fields.Date(
        string="NMPA Summary Report Deadline",
        compute="_compute_deadlines",
        store=True,
        help="Order 29 Art. 22: the recall summary evaluation report within 10 working days of the "
        "completion, counted on the company's NMPA deadline calendar.",
    )
    nmpa_summary_date = fields.Date(
        string="NMPA Summary Report Submitted", compute="_compute_report_dates", store=True
    )
    fda_status_interval_days = fields.Integer(
        string="FDA Status Report Interval (days)",
        tracking=True,
        help="21 CFR 7.53(a): FDA specifies in each recall case how often the recall status reports "
        "are due (generally every 2 to 4 weeks). Empty: none requested.",
    )
    fda_status_next_date = fields.Date(
        string="Next FDA Status Report", compute="_compute_report_dates", store=True
    )
    nmpa_progress_interval_days = fields.Integer(
        string="NMPA Progress Report Interval (days)",
        tracking=True,
        help="Order 29 Art. 20: the recall plan's implementation reports (召回计划实施情况报告) are "
        "submitted periodically, at the interval the recall plan sets.",
    )
    nmpa_progress_next_date = fields.Date(
        string="Next NMPA Progress Report", compute="_compute_report_dates", store=True
    )
    status_report_ids = fields.One2many("md.recall.status.report", "recall_id", string="Status Reports")
    eu_fsca_reported_date = fields.Date(
        string="EU FSCA Reported",
        tracking=True,
        help="Date the field safety corrective action was reported to the competent authority: before "
        "it is undertaken, except in cases of urgency (EU MDR Art. 87(8)).",
    )
    eu_fsca_urgent = fields.Boolean(
        string="Urgent FSCA",
        tracking=True,
        help="EU MDR Art. 87(8) and 89(8): in a case of urgency the FSCA is undertaken immediately and "
        "reported without undue delay afterwards; the draft field safety notice need not be submitted "
        "first.",
    )
    eu_fsca_urgency_reason = fields.Text(string="Urgency Reason", tracking=True)
    eu_fsn_draft_submitted_date = fields.Date(
        string="Draft FSN Submitted",
        tracking=True,
        help="EU MDR Art. 89(8): except in cases of urgency, the draft field safety notice is submitted "
        "to the evaluating competent authority for its comments before it is sent.",
    )
    fsn_risk = fields.Text(
        string="Reasons and Risks",
        help="EU MDR Art. 89(8): the reasons for the field safety corrective action with reference to "
        "the device malfunction and the associated risks for patients, users or other persons, without "
        "understating the level of risk.",
    )
    fsn_user_actions = fields.Text(
        string="Actions to Be Taken by Users",
        help="EU MDR Art. 89(8): all the actions to be taken by users.",
    )

    # --- overdue flags ------------------------------------------------------
    notification_done_date = fields.Datetime(
        string="All Customers Notified", compute="_compute_notification_done_date", store=True
    )
    notification_overdue = fields.Boolean(compute="_compute_overdue", search="_search_notification_overdue")
    fda_806_overdue = fields.Boolean(
        string="FDA 806 Overdue", compute="_compute_overdue", search="_search_fda_806_overdue"
    )
    nmpa_event_report_overdue = fields.Boolean(
        string="NMPA Event Report Overdue",
        compute="_compute_overdue",
        search="_search_nmpa_event_report_overdue",
    )
    nmpa_report_overdue = fields.Boolean(
        string="NMPA Recall Plan Overdue", compute="_compute_overdue", search="_search_nmpa_report_overdue"
    )
    status_report_overdue = fields.Boolean(compute="_compute_overdue", search="_search_status_report_overdue")
    nmpa_summary_overdue = fields.Boolean(
        string="NMPA Summary Overdue", compute="_compute_overdue", search="_search_nmpa_summary_overdue"
    )
    is_overdue = fields.Boolean(string="Overdue", compute="_compute_overdue", search="_search_is_overdue")

    # --- affected lots and scope -------------------------------------------
    lot_ids = fields.Many2many(
        "stock.lot",
        "md_recall_lot_rel",
        "recall_id",
        "lot_id",
        string="Affected Lots/Serials",
        required=True,
        tracking=True,
    )
    scope_lot_ids = fields.Many2many(
        "stock.lot",
        "md_recall_scope_lot_rel",
        "recall_id",
        "lot_id",
        string="Lots in Scope",
        readonly=True,
        help="The affected lots and every lot made from them (genealogy, ISO 13485 7.5.9).",
    )
    stock_line_ids = fields.One2many("md.recall.stock.line", "recall_id", string="Our Stock", readonly=True)
    customer_line_ids = fields.One2many("md.recall.customer", "recall_id", string="Customers")
    started_at = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    scope_computed_at = fields.Datetime(string="Scope Computed On", readonly=True)
    scope_completed_at = fields.Datetime(
        string="Scope Complete On", readonly=True, help="When the scope was first computed."
    )
    drill_duration = fields.Integer(
        string="Time to Complete Scope (s)",
        compute="_compute_drill_duration",
        store=True,
        help="Seconds from the start of the recall to its first complete scope.",
    )

    # --- quantities and effectiveness ---------------------------------------
    units_in_stock = fields.Float(
        string="Units in Our Stock",
        compute="_compute_units",
        store=True,
        digits="Product Unit of Measure",
        help="Units that never left us, as the last scope found them (units returned through this "
        "recall are counted on their consignee, not here).",
    )
    units_held = fields.Float(
        string="Units Held in Stock", compute="_compute_units", store=True, digits="Product Unit of Measure"
    )
    units_at_customers = fields.Float(
        string="Units Delivered", compute="_compute_units", store=True, digits="Product Unit of Measure"
    )
    units_returned = fields.Float(compute="_compute_units", store=True, digits="Product Unit of Measure")
    units_destroyed = fields.Float(
        string="Units Destroyed in the Field",
        compute="_compute_units",
        store=True,
        digits="Product Unit of Measure",
    )
    units_corrected = fields.Float(
        string="Units Corrected in the Field",
        compute="_compute_units",
        store=True,
        digits="Product Unit of Measure",
    )
    units_in_field = fields.Float(
        string="Units Still in the Field",
        compute="_compute_units",
        store=True,
        digits="Product Unit of Measure",
    )
    units_total = fields.Float(
        string="Affected Units", compute="_compute_units", store=True, digits="Product Unit of Measure"
    )
    effectiveness = fields.Float(
        string="Effectiveness (%)",
        compute="_compute_units",
        store=True,
        digits=(5, 1),
        help="Units delivered to consignees that are accounted for (returned, destroyed or corrected in "
        "the field) over the units delivered (21 CFR 7.42(b)(3) effectiveness checks). Our own held "
        "stock is dispositioned separately and does not count.",
    )
    customer_count = fields.Integer(compute="_compute_customer_count", store=True)
    customer_settled_count = fields.Integer(
        string="Consignees Settled", compute="_compute_customer_count", store=True
    )
    hold_count = fields.Integer(string="Active Holds", compute="_compute_hold_count")
    closure_justification = fields.Text(
        tracking=True,
        help="Required to close while effectiveness is below the configured threshold.",
    )
    closure_blockers = fields.Text(
        compute="_compute_closure_blockers", help="What must be done before the recall can be closed."
    )
    can_close = fields.Boolean(compute="_compute_closure_blockers")
    closed_at = fields.Datetime(readonly=True, copy=False)

    _sql_constraints = [
        ("reference_company_unique", "unique(reference, company_id)", "The recall reference must be unique."),
        (
            "fda_status_interval_positive",
            "CHECK(coalesce(fda_status_interval_days, 0) >= 0)",
            "A status report interval cannot be negative.",
        ),
        (
            "nmpa_progress_interval_positive",
            "CHECK(coalesce(nmpa_progress_interval_days, 0) >= 0)",
            "A progress report interval cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("reference", "name")
    def _compute_display_name(self):
        for recall in self:
            recall.display_name = f"{recall.reference} {recall.name or ''}".strip()

    @api.depends("source_model", "source_res_id")
    def _compute_source_display(self):
        for recall in self:
            source = recall._md_source_record()
            recall.source_display = source.display_name if source else False

    def _md_source_record(self):
        self.ensure_one()
        if not self.source_model or not self.source_res_id or self.source_model not in self.env:
            return None
        return self.env[self.source_model].sudo().browse(self.source_res_id).exists() or None

    @api.depends("hhe_ids.state", "hhe_ids.approved_at")
    def _compute_hhe_id(self):
        for recall in self:
            approved = recall.hhe_ids.filtered(lambda hhe: hhe.state == "approved")
            recall.hhe_id = approved.sorted(lambda hhe: (hhe.approved_at, hhe.id))[-1:] if approved else False

    @api.depends("fda_class", "hhe_ids.state", "hhe_ids.risk_to_health")
    def _compute_fda_806_required(self):
        for recall in self:
            hhe = recall.hhe_id
            recall.fda_806_required = hhe.risk_to_health if hhe else recall.fda_class in ("1", "2")

    @api.depends(
        "decision_date", "initiated_date", "completed_date", "nmpa_level", "fda_806_required", "company_id"
    )
    def _compute_deadlines(self):
        """Working days come from the company's deadline calendars when the dates or the
        classification are set; later calendar edits do not move them."""
        for recall in self:
            day = recall.decision_date
            recall.notification_deadline = (
                day + timedelta(days=NMPA_NOTIFICATION_DAYS[recall.nmpa_level])
                if day and recall.nmpa_level
                else False
            )
            recall.nmpa_event_report_deadline = day if day and recall.nmpa_level else False
        self._md_set_working_day_deadline(
            "fda_806_deadline",
            "fda",
            FDA_806_WORKING_DAYS,
            "initiated_date",
            lambda recall: recall.fda_806_required,
        )
        self._md_set_working_day_deadline(
            "nmpa_report_deadline",
            "nmpa",
            NMPA_REPORT_WORKING_DAYS,
            "decision_date",
            lambda recall: recall.nmpa_level,
        )
        self._md_set_working_day_deadline(
            "nmpa_summary_deadline",
            "nmpa",
            NMPA_SUMMARY_WORKING_DAYS,
            "completed_date",
            lambda recall: recall.nmpa_level,
        )

    def _md_set_working_day_deadline(self, field_name, regime, days, start_field, applies):
        """``field_name`` = ``start_field`` + ``days`` working days of the ``regime``'s
        calendar where ``applies``; one holiday query per company."""
        due = self.filtered(lambda recall: recall[start_field] and applies(recall))
        for recall in self - due:
            recall[field_name] = False
        for company, recalls in due.grouped("company_id").items():
            count = company._md_working_day_counter(regime, recalls.mapped(start_field), days)
            for recall in recalls:
                recall[field_name] = count(recall[start_field], days)

    @api.depends(
        "state",
        "initiated_date",
        "decision_date",
        "fda_status_interval_days",
        "nmpa_progress_interval_days",
        "status_report_ids.state",
        "status_report_ids.kind",
        "status_report_ids.report_date",
    )
    def _compute_report_dates(self):
        for recall in self:
            submitted = recall.status_report_ids.filtered(lambda report: report.state == "submitted")
            summaries = submitted.filtered(lambda report: report.kind == "nmpa_summary").mapped("report_date")
            recall.nmpa_summary_date = min(summaries) if summaries else False
            recall.fda_status_next_date = recall._md_next_report_date(
                submitted, "fda_status", recall.fda_status_interval_days, recall.initiated_date
            )
            recall.nmpa_progress_next_date = recall._md_next_report_date(
                submitted, "nmpa_progress", recall.nmpa_progress_interval_days, recall.decision_date
            )

    def _md_next_report_date(self, submitted, kind, interval, start):
        """The next periodic report is due ``interval`` days after the last one submitted (or
        after ``start``) while the recall is in progress."""
        if self.state != "open" or not interval or not start:
            return False
        dates = submitted.filtered(lambda report: report.kind == kind).mapped("report_date")
        return max([start, *dates]) + timedelta(days=interval)

    @api.depends("customer_line_ids.notified_at")
    def _compute_notification_done_date(self):
        for recall in self:
            dates = recall.customer_line_ids.mapped("notified_at")
            recall.notification_done_date = max(dates) if dates and all(dates) else False

    def _md_overdue_domains(self):
        """{flag: domain of the open recalls for which it is raised}: one domain per deadline,
        combined with OR for the overall flag."""
        today = fields.Date.context_today(self)
        open_recall = [("state", "=", "open")]
        return {
            "notification_overdue": [
                *open_recall,
                ("notification_deadline", "<", today),
                (
                    "customer_line_ids",
                    "any",
                    [("notified_at", "=", False), ("exception_approved", "=", False)],
                ),
            ],
            "fda_806_overdue": [
                *open_recall,
                ("fda_806_deadline", "<", today),
                ("fda_806_submitted_date", "=", False),
            ],
            "nmpa_event_report_overdue": [
                *open_recall,
                ("nmpa_event_report_deadline", "<", today),
                ("nmpa_event_report_date", "=", False),
            ],
            "nmpa_report_overdue": [
                *open_recall,
                ("nmpa_report_deadline", "<", today),
                ("nmpa_report_submitted_date", "=", False),
            ],
            "status_report_overdue": [
                *open_recall,
                "|",
                ("fda_status_next_date", "<", today),
                ("nmpa_progress_next_date", "<", today),
            ],
            "nmpa_summary_overdue": [
                *open_recall,
                ("nmpa_summary_deadline", "<", today),
                ("nmpa_summary_date", "=", False),
            ],
        }

    @api.depends(
        "state",
        "notification_deadline",
        "customer_line_ids.notified_at",
        "customer_line_ids.exception_approved",
        "fda_806_deadline",
        "fda_806_submitted_date",
        "nmpa_event_report_deadline",
        "nmpa_event_report_date",
        "nmpa_report_deadline",
        "nmpa_report_submitted_date",
        "fda_status_next_date",
        "nmpa_progress_next_date",
        "nmpa_summary_deadline",
        "nmpa_summary_date",
    )
    @api.depends_context("tz")
    def _compute_overdue(self):
        today = fields.Date.context_today(self)

        def late(deadline, done):
            return bool(deadline and deadline < today and not done)

        for recall in self:
            if recall.state != "open":
                recall.update(dict.fromkeys([*self._md_overdue_domains(), "is_overdue"], False))
                continue
            unsettled = recall.customer_line_ids.filtered(
                lambda line: not line.notified_at and not line.exception_approved
            )
            recall.notification_overdue = late(recall.notification_deadline, not unsettled)
            recall.fda_806_overdue = late(recall.fda_806_deadline, recall.fda_806_submitted_date)
            recall.nmpa_event_report_overdue = late(
                recall.nmpa_event_report_deadline, recall.nmpa_event_report_date
            )
            recall.nmpa_report_overdue = late(recall.nmpa_report_deadline, recall.nmpa_report_submitted_date)
            recall.status_report_overdue = late(recall.fda_status_next_date, False) or late(
                recall.nmpa_progress_next_date, False
            )
            recall.nmpa_summary_overdue = late(recall.nmpa_summary_deadline, recall.nmpa_summary_date)
            recall.is_overdue = any(recall[flag] for flag in self._md_overdue_domains())

    def _search_notification_overdue(self, operator, value):
        return self._md_search_flag(self._md_overdue_domains()["notification_overdue"], operator, value)

    def _search_fda_806_overdue(self, operator, value):
        return self._md_search_flag(self._md_overdue_domains()["fda_806_overdue"], operator, value)

    def _search_nmpa_event_report_overdue(self, operator, value):
        return self._md_search_flag(self._md_overdue_domains()["nmpa_event_report_overdue"], operator, value)

    def _search_nmpa_report_overdue(self, operator, value):
        return self._md_search_flag(self._md_overdue_domains()["nmpa_report_overdue"], operator, value)

    def _search_status_report_overdue(self, operator, value):
        return self._md_search_flag(self._md_overdue_domains()["status_report_overdue"], operator, value)

    def _search_nmpa_summary_overdue(self, operator, value):
        return self._md_search_flag(self._md_overdue_domains()["nmpa_summary_overdue"], operator, value)

    def _search_is_overdue(self, operator, value):
        # Each deadline's domain is complete on its own: OR them (a deadline passed on any).
        return self._md_search_flag(expression.OR(list(self._md_overdue_domains().values())), operator, value)

    def _md_search_flag(self, domain, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on an overdue flag: %s", operator))
        positive = (operator == "=") == bool(value)
        ids = self._search(domain)
        return [("id", "in" if positive else "not in", ids)]

    @api.depends("started_at", "scope_completed_at")
    def _compute_drill_duration(self):
        for recall in self:
            if recall.started_at and recall.scope_completed_at:
                recall.drill_duration = int((recall.scope_completed_at - recall.started_at).total_seconds())
            else:
                recall.drill_duration = 0

    @api.depends(
        "stock_line_ids.own_qty",
        "stock_line_ids.held",
        "customer_line_ids.quantity",
        "customer_line_ids.returned_qty",
        "customer_line_ids.destroyed_qty",
        "customer_line_ids.corrected_qty",
        "customer_line_ids.outstanding_qty",
    )
    def _compute_units(self):
        """Each affected unit is counted once, where it is: in our stock (units that never left us),
        or on the consignee it was delivered to (returned, destroyed, corrected or still in the
        field). Effectiveness is measured on the units delivered: our own stock is held and
        dispositioned separately."""
        for recall in self:
            stock = recall.stock_line_ids
            customers = recall.customer_line_ids
            in_stock = sum(stock.mapped("own_qty"))
            delivered = sum(customers.mapped("quantity"))
            returned = sum(customers.mapped("returned_qty"))
            destroyed = sum(customers.mapped("destroyed_qty"))
            corrected = sum(customers.mapped("corrected_qty"))
            recall.units_in_stock = in_stock
            recall.units_held = sum(stock.filtered("held").mapped("own_qty"))
            recall.units_at_customers = delivered
            recall.units_returned = returned
            recall.units_destroyed = destroyed
            recall.units_corrected = corrected
            recall.units_in_field = sum(customers.mapped("outstanding_qty"))
            recall.units_total = in_stock + delivered
            recall.effectiveness = (
                round(100.0 * (returned + destroyed + corrected) / delivered, 1) if delivered else 100.0
            )

    @api.depends("customer_line_ids.partner_id", "customer_line_ids.settled")
    def _compute_customer_count(self):
        for recall in self:
            partners = recall.customer_line_ids.partner_id
            unsettled = recall.customer_line_ids.filtered(lambda line: not line.settled).partner_id
            recall.customer_count = len(partners)
            recall.customer_settled_count = len(partners - unsettled)

    def _compute_hold_count(self):
        counts = dict(
            self.env["md.lot.hold"].sudo()._read_group(self._md_holds_domain(), ["res_id"], ["__count"])
        )
        for recall in self:
            recall.hold_count = counts.get(recall.id, 0)

    @api.depends(
        "state",
        "is_mock",
        "effectiveness",
        "closure_justification",
        "customer_line_ids.settled",
        "customer_line_ids.return_picking_ids.state",
        "country_ids",
        "fda_class",
        "fda_806_required",
        "fda_806_submitted_date",
        "hhe_ids.state",
        "hhe_ids.not_reported_justification",
        "nmpa_level",
        "nmpa_event_report_date",
        "nmpa_report_submitted_date",
        "nmpa_summary_date",
        "eu_fsca",
        "eu_fsca_reported_date",
    )
    @api.depends_context("tz")
    def _compute_closure_blockers(self):
        for recall in self:
            blockers = recall._md_closure_blockers()
            recall.closure_blockers = "\n".join(f"- {blocker}" for blocker in blockers) or False
            recall.can_close = not blockers

    # ------------------------------------------------------------------
    # Create / write / constraints
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("reference", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["reference"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("md.recall") or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        result = super().write(vals)
        facts = [name for name in FACT_ACTIVITIES if vals.get(name)]
        if facts:
            for name in facts:
                self._md_activity_done(
                    FACT_ACTIVITIES[name],
                    self.env._("%s recorded", self._fields[name]._description_string(self.env)),
                )
        if {"fda_status_interval_days", "nmpa_progress_interval_days"} & set(vals):
            self.filtered(lambda recall: recall.state == "open")._md_schedule_status_activities()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evaluated(self):
        evaluated = self.filtered("hhe_ids")
        if evaluated:
            raise UserError(
                self.env._(
                    "%s has a health hazard evaluation: a recall that was evaluated is kept.",
                    ", ".join(evaluated.mapped("display_name")),
                )
            )

    @api.constrains("lot_ids", "company_id")
    def _check_lots(self):
        for recall in self:
            if not recall.lot_ids:
                raise ValidationError(
                    self.env._("A recall needs at least one affected lot or serial number.")
                )
            foreign = recall.lot_ids.filtered(
                lambda lot, company=recall.company_id: lot.company_id and lot.company_id != company
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "Lots of another company cannot be recalled by %(company)s: %(lots)s",
                        company=recall.company_id.name,
                        lots=", ".join(foreign.mapped("display_name")),
                    )
                )

    @api.constrains("source_model")
    def _check_source_model(self):
        for recall in self:
            if recall.source_model and recall.source_model not in self.env:
                raise ValidationError(self.env._("Unknown source model %s.", recall.source_model))

    @api.constrains("decision_date", "initiated_date")
    def _check_initiated_date(self):
        for recall in self:
            if (
                recall.initiated_date
                and recall.decision_date
                and recall.initiated_date < recall.decision_date
            ):
                raise ValidationError(
                    self.env._(
                        "%(recall)s: the correction or removal cannot be initiated (%(initiated)s) before "
                        "the recall was decided (%(decided)s).",
                        recall=recall.display_name,
                        initiated=recall.initiated_date,
                        decided=recall.decision_date,
                    )
                )

    @api.constrains(*SUBMISSION_DATE_FIELDS)
    def _check_submission_dates(self):
        today = fields.Date.context_today(self)
        for recall in self:
            future = [name for name in SUBMISSION_DATE_FIELDS if recall[name] and recall[name] > today]
            if future:
                raise ValidationError(
                    self.env._(
                        "%(recall)s: a report cannot be submitted in the future: %(fields)s.",
                        recall=recall.display_name,
                        fields=self._md_field_labels(future),
                    )
                )

    @api.constrains("eu_fsca_urgent", "eu_fsca_urgency_reason")
    def _check_urgency_reason(self):
        for recall in self:
            if recall.eu_fsca_urgent and not (recall.eu_fsca_urgency_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "%s: give the reason of the urgency that makes the FSCA start before it is "
                        "reported (EU MDR Art. 87(8)).",
                        recall.display_name,
                    )
                )

    def _md_note(self, body, attachment_ids=None):
        """A note in the recall's chatter, authored by the current user. In sudo, as the
        signature mixin does: a user without an email address can still record it."""
        self.ensure_one()
        return self.sudo().message_post(
            body=body, subtype_xmlid="mail.mt_note", attachment_ids=attachment_ids or []
        )

    # ------------------------------------------------------------------
    # Markets
    # ------------------------------------------------------------------
    def _md_market_countries(self):
        """The consignees' countries and the countries of the regimes that apply."""
        self.ensure_one()
        countries = self.customer_line_ids.partner_id.commercial_partner_id.country_id
        for xmlid, applies in (("base.cn", self.nmpa_level), ("base.us", self.fda_class)):
            country = self.env.ref(xmlid, raise_if_not_found=False)
            if applies and country:
                countries |= country
        return countries

    def _md_add_markets(self):
        for recall in self:
            missing = recall._md_market_countries() - recall.country_ids
            if missing:
                recall.country_ids = [Command.link(country.id) for country in missing]

    def _md_fda_applies(self):
        """FDA recall rules apply: an FDA class, or devices in the United States."""
        self.ensure_one()
        usa = self.env.ref("base.us", raise_if_not_found=False)
        return bool(self.fda_class or (usa and usa in self.country_ids))

    # ------------------------------------------------------------------
    # Scope
    # ------------------------------------------------------------------
    def action_compute_scope(self):
        self._md_compute_scope()
        return True

    def _md_compute_scope(self):
        """Compute the scope with the genealogy (stock.lot.md_recall_scope, a few SQL queries)
        and store it: our stock per location and lot, one line per customer and lot."""
        self.check_access("write")
        result = {}
        for recall in self:
            if recall.state == "closed":
                raise UserError(self.env._("The scope of a closed recall cannot be recomputed."))
            scope = recall.lot_ids.md_recall_scope()
            recall._md_store_scope(scope)
            result[recall.id] = scope
        return result

    def _md_store_scope(self, scope):
        """Store the scope: a transition of the recall and of its lines (their quantities and
        deliveries are the system's record)."""
        self.ensure_one()
        with self._md_transition():
            self._md_store_scope_lines(scope)
            self._md_add_markets()
        self._md_note(
            body=self.env._(
                "Scope computed: %(lots)s lots, %(customers)s customer lines, %(units)s affected units.",
                lots=len(scope["lots"]),
                customers=len(self.customer_line_ids),
                units=self.units_total,
            )
        )

    def _md_store_scope_lines(self, scope):
        now = fields.Datetime.now()
        self.stock_line_ids.sudo().unlink()
        returned = self._md_allocate_returns(scope["stock"])
        self.env["md.recall.stock.line"].sudo().create(
            [
                {
                    "recall_id": self.id,
                    "lot_id": row["lot_id"],
                    "location_id": row["location_id"],
                    "quantity": row["quantity"],
                    "returned_qty": returned[index],
                }
                for index, row in enumerate(scope["stock"])
            ]
        )
        self._md_store_customers(scope["customers"])
        vals = {"scope_lot_ids": [Command.set(scope["lots"])], "scope_computed_at": now}
        if not self.scope_completed_at:
            vals["scope_completed_at"] = now
        self.write(vals)

    def _md_allocate_returns(self, stock_rows):
        """{row index: units of the row that consignees returned through this recall}: the units
        back in our stock are counted on their consignee, never twice. Per lot, the returned
        units are taken first from the locations the returns went to."""
        done_returns = self.customer_line_ids.sudo().return_picking_ids.filtered(lambda p: p.state == "done")
        left = defaultdict(float)
        destinations = defaultdict(set)
        for move_line in done_returns.move_line_ids:
            left[move_line.lot_id.id] += move_line.quantity
            destinations[move_line.lot_id.id].add(move_line.location_dest_id.id)
        allocated = dict.fromkeys(range(len(stock_rows)), 0.0)
        order = sorted(
            range(len(stock_rows)),
            key=lambda i: stock_rows[i]["location_id"] not in destinations[stock_rows[i]["lot_id"]],
        )
        for index in order:
            row = stock_rows[index]
            take = min(max(row["quantity"], 0.0), left[row["lot_id"]])
            allocated[index] = take
            left[row["lot_id"]] -= take
        return allocated

    def _md_store_customers(self, rows):
        """Update the customer lines in place so that notifications, acknowledgements and
        returns stay. The scope nets out returns: units returned through this recall are
        added back, they are part of what the customer was delivered."""
        existing = {(line.partner_id.id, line.lot_id.id): line for line in self.customer_line_ids}
        pickings = (
            self.env["stock.picking"].sudo().browse({pid for row in rows for pid in row["picking_ids"]})
        )
        names = dict(zip(pickings.ids, pickings.mapped("name"), strict=True))
        seen, to_create = set(), []
        for row in rows:
            key = (row["partner_id"], row["lot_id"])
            vals = {
                "delivery_picking_ids": [Command.set(row["picking_ids"])],
                "delivery_refs": ", ".join(names[picking_id] for picking_id in row["picking_ids"]),
                "last_delivery_date": row["date"],
            }
            line = existing.get(key)
            if line:
                seen.add(key)
                line.write(dict(vals, quantity=row["quantity"] + line.returned_qty))
            else:
                to_create.append(
                    dict(
                        vals,
                        recall_id=self.id,
                        partner_id=row["partner_id"],
                        lot_id=row["lot_id"],
                        quantity=row["quantity"],
                    )
                )
        gone = self.env["md.recall.customer"].browse(
            [line.id for key, line in existing.items() if key not in seen]
        )
        gone_active = gone.filtered(
            lambda line: line.returned_qty or line.notified_at or line.ack_date or line.exception_reason
        )
        for line in gone_active:
            line.quantity = line.returned_qty
        (gone - gone_active).sudo().unlink()
        self.env["md.recall.customer"].sudo().create(to_create)

    # ------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------
    def action_start(self):
        for recall in self:
            if recall.state != "draft":
                raise UserError(self.env._("%s is already started.", recall.display_name))
            if not recall.scope_computed_at:
                recall._md_compute_scope()
            if not recall.is_mock:
                recall._md_check_startable()
            vals = {"state": "open"}
            if not recall.initiated_date:
                vals["initiated_date"] = max(fields.Date.context_today(recall), recall.decision_date)
            with recall._md_transition():
                recall.write(vals)
                recall._md_add_markets()
            if not recall.is_mock:
                recall._md_place_holds()
                recall._md_schedule_deadline_activities()
                self.env["md.event"]._md_emit("recall.started", recall, lambda r: r._md_event_data())
        return True

    def _md_event_data(self):
        """What integrators hear of a recall that starts (md_base's event outbox)."""
        return {
            "recall": self.name,
            "fda_class": self.fda_class or None,
            "nmpa_level": self.nmpa_level or None,
            "lot_ids": self.lot_ids.ids,
            "lots": self.lot_ids.mapped("name"),
            "initiated_date": fields.Date.to_string(self.initiated_date),
        }

    def _md_check_startable(self):
        """What a real recall needs before it starts."""
        self.ensure_one()
        if self.fda_class and not self.hhe_id:
            raise UserError(
                self.env._(
                    "%s has an FDA class: approve (sign) its health hazard evaluation first "
                    "(21 CFR 7.41(a)), the basis of the classification.",
                    self.display_name,
                )
            )
        if self.fda_class and self.hhe_id.proposed_class != self.fda_class:
            raise UserError(
                self.env._(
                    "%(recall)s is classified %(recall_class)s but its approved health hazard evaluation "
                    "concludes %(hhe_class)s (21 CFR 7.41): correct the classification or evaluate again.",
                    recall=self.display_name,
                    recall_class=self._md_labels("fda_class"),
                    hhe_class=self.hhe_id._md_labels("proposed_class"),
                )
            )
        if self.eu_fsca and not self.eu_fsca_reported_date and not self.eu_fsca_urgent:
            raise UserError(
                self.env._(
                    "%s is an EU field safety corrective action: report it to the competent authority "
                    "before it is undertaken (EU MDR Art. 87(8)), or record the urgency that makes it "
                    "start immediately.",
                    self.display_name,
                )
            )

    # --- activities follow the facts ----------------------------------------
    def _md_activity(self, xmlid, date_deadline, summary):
        """Schedule the activity of type ``xmlid`` unless one is pending; move its deadline."""
        self.ensure_one()
        activity_type = self.env.ref(xmlid)
        pending = self.activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type)
        if pending:
            pending.sudo().write({"date_deadline": date_deadline})
            return pending
        return self.activity_schedule(
            xmlid, date_deadline=date_deadline, summary=summary, user_id=self.user_id.id
        )

    def _md_activity_done(self, xmlid, feedback):
        """Mark the pending activities of type ``xmlid`` done: the fact they wait for is recorded."""
        activity_type = self.env.ref(xmlid, raise_if_not_found=False)
        if not activity_type:
            return
        activities = self.activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type)
        if activities:
            activities.sudo().action_feedback(feedback=feedback)

    def _md_schedule_deadline_activities(self):
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.customer_line_ids.filtered(lambda line: not line.settled):
            self._md_activity(
                "md_regulatory.mail_activity_recall_notify",
                self.notification_deadline or self.initiated_date or today,
                self.env._("Notify every consignee and record their acknowledgement"),
            )
        todo = [
            (
                self.nmpa_event_report_deadline and not self.nmpa_event_report_date,
                "md_regulatory.mail_activity_recall_nmpa_event",
                self.nmpa_event_report_deadline,
                self.env._("Submit the NMPA recall event report (召回事件报告表)"),
            ),
            (
                self.nmpa_report_deadline and not self.nmpa_report_submitted_date,
                "md_regulatory.mail_activity_recall_nmpa_plan",
                self.nmpa_report_deadline,
                self.env._("File the NMPA investigation report and recall plan"),
            ),
            (
                self.fda_806_deadline and not self.fda_806_submitted_date,
                "md_regulatory.mail_activity_recall_fda_806",
                self.fda_806_deadline,
                self.env._("Submit the FDA Part 806 correction/removal report"),
            ),
            (
                self.eu_fsca and not self.eu_fsca_reported_date,
                "md_regulatory.mail_activity_recall_eu_fsca",
                self.initiated_date or today,
                self.env._("Report the urgent FSCA to the competent authority without undue delay"),
            ),
        ]
        for due, xmlid, deadline, summary in todo:
            if due:
                self._md_activity(xmlid, deadline, summary)
        self._md_schedule_status_activities()

    def _md_schedule_status_activities(self):
        for recall in self.filtered(lambda recall: not recall.is_mock):
            for kind, next_date, summary in (
                (
                    "fda_status",
                    recall.fda_status_next_date,
                    self.env._("Submit the FDA recall status report"),
                ),
                (
                    "nmpa_progress",
                    recall.nmpa_progress_next_date,
                    self.env._("Submit the NMPA recall plan implementation report"),
                ),
            ):
                xmlid = f"md_regulatory.mail_activity_recall_{kind}"
                if next_date:
                    recall._md_activity(xmlid, next_date, summary)

    def action_place_holds(self):
        for recall in self:
            recall._md_place_holds()
        return True

    def _md_holds_domain(self, active=True):
        domain = [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        return [*domain, ("state", "=", "active")] if active else domain

    def _md_place_holds(self):
        """Put every lot in scope on hold (stock.lot._md_place_hold: held stock cannot be
        reserved, consumed or delivered), once per lot and recall. Lots still at customers
        are held too, so units returned come back on hold."""
        self.ensure_one()
        if self.is_mock:
            raise UserError(self.env._("A mock recall never puts stock on hold."))
        if self.state != "open":
            raise UserError(self.env._("Start the recall before putting its stock on hold."))
        held = self.env["md.lot.hold"].search(self._md_holds_domain()).lot_id
        lots = (self.scope_lot_ids or self.lot_ids) - held
        holds = lots._md_place_hold(
            "hold", self.env._("Recall %(ref)s: %(name)s", ref=self.reference, name=self.name), source=self
        )
        if holds:
            self._md_note(body=self.env._("Put on hold: %s", ", ".join(holds.lot_id.mapped("display_name"))))
        return holds

    def _md_release_holds(self, reason):
        self.ensure_one()
        holds = self.env["md.lot.hold"].search(self._md_holds_domain())
        if holds:
            holds._md_release(reason)
            self._md_note(
                body=self.env._(
                    "Holds released (%(lots)s): %(reason)s",
                    lots=", ".join(holds.lot_id.mapped("display_name")),
                    reason=reason,
                )
            )
        return holds

    def action_release_holds(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Release Recall Holds"),
            "res_model": "md.recall.hold.release",
            "view_mode": "form",
            "target": "new",
            "context": {"default_recall_id": self.id},
        }

    def action_open_holds(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Holds of %s", self.reference),
            "res_model": "md.lot.hold",
            "view_mode": "list,form",
            "domain": self._md_holds_domain(active=False),
        }

    # --- completion -----------------------------------------------------------
    def _md_open_returns(self):
        return self.customer_line_ids.sudo().return_picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )

    def _md_unsettled_lines(self):
        return self.customer_line_ids.filtered(lambda line: not line.settled)

    def _md_unsettled_message(self, lines):
        partners = lines.partner_id
        return self.env._(
            "%(count)s of %(total)s consignees are neither notified and acknowledged nor excepted by a "
            "signed reason: %(names)s",
            count=len(partners),
            total=len(self.customer_line_ids.partner_id),
            names=", ".join(partners.mapped("display_name")),
        )

    def action_mark_completed(self):
        """Record that the recall's actions are complete: every consignee notified and
        acknowledged (or excepted) and every return received. The NMPA summary evaluation
        report is due 10 working days later (Order 29 Art. 22)."""
        self.check_access("write")
        for recall in self:
            recall._md_check_state(("open",), self.env._("Completing the recall actions"))
            if recall.completed_date:
                raise UserError(self.env._("%s is already completed.", recall.display_name))
            open_returns = recall._md_open_returns()
            if open_returns:
                raise UserError(
                    self.env._(
                        "Receive or cancel the open returns first: %s", ", ".join(open_returns.mapped("name"))
                    )
                )
            unsettled = recall._md_unsettled_lines()
            if unsettled and not recall.is_mock:
                raise UserError(recall._md_unsettled_message(unsettled))
            recall._md_write_transition({"completed_date": fields.Date.context_today(recall)})
            recall._md_note(body=self.env._("Recall actions completed."))
            if recall.nmpa_summary_deadline and not recall.is_mock:
                recall._md_activity(
                    "md_regulatory.mail_activity_recall_nmpa_summary",
                    recall.nmpa_summary_deadline,
                    self.env._("Submit the NMPA recall summary evaluation report (召回总结评估报告)"),
                )
        return True

    # --- closure by e-signature --------------------------------------------
    @api.model
    def _md_effectiveness_threshold(self):
        value = self.env["ir.config_parameter"].sudo().get_param(EFFECTIVENESS_PARAM)
        try:
            return float(value) if value not in (None, False, "") else DEFAULT_EFFECTIVENESS_THRESHOLD
        except ValueError:
            return DEFAULT_EFFECTIVENESS_THRESHOLD

    def _md_closure_blockers(self):
        """What prevents closing this recall, one sentence each (empty: it can be closed)."""
        self.ensure_one()
        if self.state != "open":
            return [self.env._("Only a recall in progress can be closed: %s", self.display_name)]
        blockers = []
        open_returns = self._md_open_returns()
        if open_returns:
            blockers.append(
                self.env._(
                    "Receive or cancel the open returns before closing %(recall)s: %(returns)s",
                    recall=self.display_name,
                    returns=", ".join(open_returns.mapped("name")),
                )
            )
        threshold = self._md_effectiveness_threshold()
        if self.effectiveness < threshold and not (self.closure_justification or "").strip():
            blockers.append(
                self.env._(
                    "%(recall)s reaches %(value)s%% of the units delivered, below the %(threshold)s%% "
                    "required to close: give a closure justification first.",
                    recall=self.display_name,
                    value=self.effectiveness,
                    threshold=threshold,
                )
            )
        if self.is_mock:
            return blockers
        unsettled = self._md_unsettled_lines()
        if unsettled:
            blockers.append(self._md_unsettled_message(unsettled))
        blockers += self._md_regulatory_blockers()
        return blockers

    def _md_regulatory_blockers(self):
        blockers = []
        if self._md_fda_applies():
            if self.fda_806_required and not self.fda_806_submitted_date:
                blockers.append(self.env._("The FDA Part 806 report is not submitted (21 CFR 806.10)."))
            if not self.fda_806_required and not (
                self.hhe_id and (self.hhe_id.not_reported_justification or "").strip()
            ):
                blockers.append(
                    self.env._(
                        "The correction or removal is not reported to FDA: record the justification, "
                        "reviewed by a designated person, in an approved health hazard evaluation "
                        "(21 CFR 806.20(b)(4))."
                    )
                )
        if self.nmpa_level:
            if not self.nmpa_event_report_date:
                blockers.append(
                    self.env._("The NMPA recall event report is not submitted (Order 29 Art. 16).")
                )
            if not self.nmpa_report_submitted_date:
                blockers.append(
                    self.env._(
                        "The NMPA investigation report and recall plan are not submitted (Order 29 Art. 16)."
                    )
                )
            if not self.nmpa_summary_date:
                blockers.append(
                    self.env._(
                        "The NMPA recall summary evaluation report is not submitted (Order 29 Art. 22)."
                    )
                )
        if self.eu_fsca and not self.eu_fsca_reported_date:
            blockers.append(
                self.env._(
                    "The field safety corrective action is not reported to the competent authority "
                    "(EU MDR Art. 87)."
                )
            )
        return blockers

    def _md_check_closable(self):
        for recall in self:
            blockers = recall._md_closure_blockers()
            if blockers:
                raise UserError("\n".join(blockers))

    def _md_check_signable(self, meaning):
        if meaning == CLOSED:
            self._md_check_closable()
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        closing = self.browse(signatures.filtered(lambda s: s.meaning == CLOSED).mapped("res_id"))
        if closing:
            closing._md_close(signatures[:1].reason)
        return result

    def _md_close(self, reason):
        """Close after the signed decision (21 CFR 7.55 termination; Order 29 Art. 22 summary).
        The facts the activities waited for are all recorded by now; the holds on our stock stay
        until its disposition is decided (Release Holds with a reason, scrap or rework)."""
        self._md_check_closable()
        self._md_check_required_signature(CLOSED)
        today = fields.Date.context_today(self)
        for recall in self:
            periodic = recall.activity_ids.filtered(
                lambda activity: (
                    activity.activity_type_id
                    in (
                        self.env.ref("md_regulatory.mail_activity_recall_fda_status")
                        | self.env.ref("md_regulatory.mail_activity_recall_nmpa_progress")
                    )
                )
            )
            if periodic:
                periodic.sudo().unlink()
                recall._md_note(body=self.env._("No further periodic status report: the recall is closed."))
            vals = {"state": "closed", "closed_at": fields.Datetime.now()}
            if not recall.completed_date:
                vals["completed_date"] = today
            recall._md_write_transition(vals)
            recall._md_note(body=self.env._("Recall closed: %s", reason))

    def action_close(self):
        """The Close button opens the signing dialog: closing is the signature 'closed'."""
        self._md_check_closable()
        return self.action_md_sign()

    # ------------------------------------------------------------------
    # Records of the recall: health hazard evaluation, status reports
    # ------------------------------------------------------------------
    def action_new_hhe(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Health Hazard Evaluation"),
            "res_model": "md.recall.hhe",
            "view_mode": "form",
            "context": {"default_recall_id": self.id, "default_proposed_class": self.fda_class},
        }

    def action_new_status_report(self):
        self.ensure_one()
        kind = "nmpa_progress" if self.nmpa_level and not self.fda_class else "fda_status"
        if self.completed_date and self.nmpa_level and not self.nmpa_summary_date:
            kind = "nmpa_summary"
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Status Report"),
            "res_model": "md.recall.status.report",
            "view_mode": "form",
            "context": {"default_recall_id": self.id, "default_kind": kind},
        }

    # ------------------------------------------------------------------
    # XML-RPC contract
    # ------------------------------------------------------------------
    @api.model
    def md_create_from_lots(self, lot_ids, vals=None):
        """Create a draft recall of these lots and return its id (the contract md_quality uses).

        ``vals`` may carry ``source``, ``source_model``, ``source_res_id``, ``name``,
        ``description`` and the other fields of the recall.
        """
        if not lot_ids or not isinstance(lot_ids, list | tuple):
            raise UserError(self.env._("Give the ids of the lots or serial numbers to recall."))
        lots = self.env["stock.lot"].browse(lot_ids).exists()
        missing = set(lot_ids) - set(lots.ids)
        if missing:
            raise UserError(self.env._("Unknown lot ids: %s", ", ".join(str(i) for i in sorted(missing))))
        lots.check_access("read")
        values = dict(vals or {})
        values.setdefault("name", self.env._("Recall of %s", ", ".join(lots.mapped("name"))))
        values["lot_ids"] = [Command.set(lots.ids)]
        companies = lots.company_id
        if len(companies) == 1 and "company_id" not in values:
            values["company_id"] = companies.id
        return self.create(values).id

    def md_compute_scope(self):
        """XML-RPC ``md_compute_scope([id])`` -> the scope dict of stock.lot.md_recall_scope
        ({lots, stock, customers}); the scope is stored on the recall."""
        if len(self) != 1:
            raise UserError(self.env._("Compute the scope of one recall at a time."))
        scope = self._md_compute_scope()[self.id]
        return {
            "lots": scope["lots"],
            "stock": scope["stock"],
            "customers": [
                dict(row, date=fields.Datetime.to_string(row["date"]) if row["date"] else False)
                for row in scope["customers"]
            ],
        }

    def md_status(self):
        """XML-RPC ``md_status(ids)`` -> ``[{id, state, classification, deadlines, effectiveness,
        customers, units, ...}]``."""
        self.check_access("read")
        return [recall._md_status_dict() for recall in self]

    def _md_status_dict(self):
        """The keys of the first contract are kept as they were; what came later is in keys
        of its own (regulatory, reports, quantities, consignees, markets, can_close...)."""

        def day(value):
            return fields.Date.to_string(value) if value else False

        return {
            "id": self.id,
            "reference": self.reference,
            "state": self.state,
            "is_mock": self.is_mock,
            "classification": {
                "fda_class": self.fda_class or False,
                "nmpa_level": self.nmpa_level or False,
                "eu_fsca": self.eu_fsca,
            },
            "deadlines": {
                "decision_date": day(self.decision_date),
                "notification": day(self.notification_deadline),
                "fda_806": day(self.fda_806_deadline),
                "nmpa_report": day(self.nmpa_report_deadline),
                "notification_overdue": self.notification_overdue,
                "fda_806_overdue": self.fda_806_overdue,
            },
            "effectiveness": self.effectiveness,
            "customers": [
                {
                    "partner_id": line.partner_id.id,
                    "lot_id": line.lot_id.id,
                    "quantity": line.quantity,
                    "notified": bool(line.notified_at),
                    "acknowledged": bool(line.ack_date),
                    "returned": line.returned_qty,
                    "destroyed": line.destroyed_qty,
                }
                for line in self.customer_line_ids
            ],
            "units": {
                "total": self.units_total,
                "in_stock": self.units_in_stock,
                "held": self.units_held,
                "at_customers": self.units_at_customers,
                "returned": self.units_returned,
                "destroyed": self.units_destroyed,
            },
            # --- added keys -------------------------------------------------------
            "markets": self.country_ids.mapped("code"),
            "regulatory": {
                "fda_806_required": self.fda_806_required,
                "hhe_id": self.hhe_id.id or False,
                "initiated_date": day(self.initiated_date),
                "completed_date": day(self.completed_date),
            },
            "reports": {
                "fda_806_submitted": day(self.fda_806_submitted_date),
                "nmpa_event_report": day(self.nmpa_event_report_deadline),
                "nmpa_event_report_submitted": day(self.nmpa_event_report_date),
                "nmpa_event_report_overdue": self.nmpa_event_report_overdue,
                "nmpa_report_submitted": day(self.nmpa_report_submitted_date),
                "nmpa_report_overdue": self.nmpa_report_overdue,
                "nmpa_summary": day(self.nmpa_summary_deadline),
                "nmpa_summary_submitted": day(self.nmpa_summary_date),
                "nmpa_summary_overdue": self.nmpa_summary_overdue,
                "fda_status_next": day(self.fda_status_next_date),
                "nmpa_progress_next": day(self.nmpa_progress_next_date),
                "status_report_overdue": self.status_report_overdue,
                "eu_fsca_reported": day(self.eu_fsca_reported_date),
                "eu_fsn_draft_submitted": day(self.eu_fsn_draft_submitted_date),
            },
            "quantities": {
                "total": self.units_total,
                "in_stock": self.units_in_stock,
                "held": self.units_held,
                "delivered": self.units_at_customers,
                "returned": self.units_returned,
                "destroyed": self.units_destroyed,
                "corrected": self.units_corrected,
                "in_field": self.units_in_field,
            },
            "consignees": [line._md_status_dict() for line in self.customer_line_ids],
            "can_close": self.can_close,
            "closure_blockers": self._md_closure_blockers(),
        }

    # ------------------------------------------------------------------
    # Reports
    # ------------------------------------------------------------------
    def action_export_report(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Export Regulatory Report"),
            "res_model": "md.recall.report.export",
            "view_mode": "form",
            "target": "new",
            "context": {"default_recall_id": self.id},
        }

    def action_print_drill_report(self):
        return self.env.ref("md_regulatory.action_report_md_recall_drill").report_action(self)
