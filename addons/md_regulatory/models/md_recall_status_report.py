from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError

from .md_recall_customer import NOTIFICATION_METHODS

SUBMITTED = "approved"  # meaning of the signature that submits the report
KINDS = [
    ("fda_status", "FDA recall status report (21 CFR 7.53)"),
    ("nmpa_progress", "NMPA recall plan implementation report (召回计划实施情况报告)"),
    ("nmpa_summary", "NMPA recall summary evaluation report (召回总结评估报告)"),
]
# The figures taken from the recall when the report is signed, so that the signature covers
# the numbers reported.
SNAPSHOT_FIELDS = (
    "consignee_count",
    "notified_count",
    "notification_summary",
    "responded_count",
    "qty_on_hand_reported",
    "not_responded_count",
    "qty_delivered",
    "qty_returned",
    "qty_destroyed",
    "qty_corrected",
    "qty_in_field",
    "effectiveness",
    "consignee_detail",
    "completion_date",
)


class MdRecallStatusReport(models.Model):
    """A periodic report on a recall's progress to an authority, or its final summary:

    - FDA recall status report at the interval FDA specifies (21 CFR 7.53(a)), with the
      figures of 7.53(b)(1)-(6);
    - NMPA recall plan implementation report, periodically as the recall plan sets
      (医疗器械召回管理办法, Order 29 Art. 20);
    - NMPA recall summary evaluation report within 10 working days of the recall's completion
      (Order 29 Art. 22), with the evaluation of the recall's effect.

    Signing it (meaning Approved) takes the figures from the recall and submits it; a
    submitted report is read-only."""

    _name = "md.recall.status.report"
    _description = "Recall Status Report"
    _inherit = ["mail.thread", "md.signable.mixin", "md.workflow.mixin"]
    _order = "recall_id, report_date desc, id desc"

    _md_transition_fields = ("report_date", "submitted_by_id", *SNAPSHOT_FIELDS)
    _md_create_only_fields = ("recall_id", "kind")
    _md_closed_states = ("submitted",)
    _md_deletable_states = ("draft",)
    _md_signed_fields = [
        "recall_id",
        "kind",
        *SNAPSHOT_FIELDS,
        "effectiveness_checks",
        "estimated_completion_date",
        "effect_evaluation",
        "disposal_measures",
        "notes",
    ]
    _md_sign_on_change = "refuse"

    recall_id = fields.Many2one("md.recall", required=True, ondelete="restrict", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    kind = fields.Selection(KINDS, required=True, default="fda_status")
    state = fields.Selection(
        [("draft", "Draft"), ("submitted", "Submitted")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    report_date = fields.Date(string="Submitted On", readonly=True, copy=False)
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)

    # --- figures taken from the recall when signed -------------------------------
    consignee_count = fields.Integer(string="Consignees", readonly=True)
    notified_count = fields.Integer(
        string="Consignees Notified", readonly=True, help="21 CFR 7.53(b)(1); Order 29 Annex 2 (已通知人数)."
    )
    notification_summary = fields.Text(
        string="Notification Dates and Methods", readonly=True, help="21 CFR 7.53(b)(1)."
    )
    responded_count = fields.Integer(
        string="Consignees Responding", readonly=True, help="21 CFR 7.53(b)(2): consignees that acknowledged."
    )
    qty_on_hand_reported = fields.Float(
        string="On Hand When Received",
        digits="Product Unit of Measure",
        readonly=True,
        help="21 CFR 7.53(b)(2): units the responding consignees had on hand when the communication "
        "was received.",
    )
    not_responded_count = fields.Integer(
        string="Consignees Not Responding", readonly=True, help="21 CFR 7.53(b)(3)."
    )
    qty_delivered = fields.Float(string="Units Delivered", digits="Product Unit of Measure", readonly=True)
    qty_returned = fields.Float(
        string="Units Returned", digits="Product Unit of Measure", readonly=True, help="21 CFR 7.53(b)(4)."
    )
    qty_destroyed = fields.Float(string="Units Destroyed", digits="Product Unit of Measure", readonly=True)
    qty_corrected = fields.Float(
        string="Units Corrected", digits="Product Unit of Measure", readonly=True, help="21 CFR 7.53(b)(4)."
    )
    qty_in_field = fields.Float(
        string="Units Still in the Field", digits="Product Unit of Measure", readonly=True
    )
    effectiveness = fields.Float(string="Effectiveness (%)", digits=(5, 1), readonly=True)
    consignee_detail = fields.Text(
        string="Per Consignee",
        readonly=True,
        help="21 CFR 7.53(b)(4): returned or corrected by each consignee.",
    )
    completion_date = fields.Date(string="Recall Completed On", readonly=True)

    # --- written by the author ------------------------------------------------------
    effectiveness_checks = fields.Text(
        tracking=True, help="21 CFR 7.53(b)(5): number and results of the effectiveness checks made."
    )
    estimated_completion_date = fields.Date(
        tracking=True, help="21 CFR 7.53(b)(6); Order 29 Annex 2 (完成召回需要时间估计)."
    )
    effect_evaluation = fields.Text(
        string="Evaluation of the Recall's Effect",
        tracking=True,
        help="Order 29 Art. 22: whether the recall eliminated the defect or controlled the risk.",
    )
    disposal_measures = fields.Text(
        string="Handling of Recalled Devices",
        tracking=True,
        help="Order 29 Art. 21 and Annex 2: how the recalled devices were handled (召回产品的处理措施).",
    )
    notes = fields.Text(tracking=True)

    @api.depends("recall_id.reference", "kind")
    def _compute_display_name(self):
        labels = dict(KINDS)
        for report in self:
            reference, kind = report.recall_id.reference or "", labels.get(report.kind, "")
            report.display_name = f"{reference} · {kind} #{report._origin.id or ''}"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._md_check_kind()
        return records

    def _md_check_kind(self):
        for report in self:
            recall = report.recall_id
            if recall.state != "open":
                raise UserError(
                    self.env._("Status reports are made for a recall in progress: %s", recall.display_name)
                )
            if report.kind in ("nmpa_progress", "nmpa_summary") and not recall.nmpa_level:
                raise UserError(
                    self.env._("%s has no NMPA level: no NMPA report is due.", recall.display_name)
                )
            if report.kind == "fda_status" and not recall._md_fda_applies():
                raise UserError(
                    self.env._(
                        "FDA recall rules do not apply to %s: no FDA status report.", recall.display_name
                    )
                )

    def _md_snapshot(self):
        """The recall's figures now (21 CFR 7.53(b)(1)-(4); Order 29 Annex 2)."""
        self.ensure_one()
        recall = self.recall_id
        lines = recall.customer_line_ids
        partners = lines.partner_id
        notified = lines.filtered("notified_at")
        responded = lines.filtered("ack_date")
        methods = dict(NOTIFICATION_METHODS)
        notification_summary = "\n".join(
            f"{line.partner_id.display_name}: {fields.Datetime.to_string(line.notified_at)} "
            f"({methods.get(line.notification_method, '')})"
            for line in notified
        )
        detail = "\n".join(
            self.env._(
                "%(line)s: delivered %(delivered)s, returned %(returned)s, destroyed %(destroyed)s, "
                "corrected %(corrected)s, in the field %(field)s",
                line=line.display_name,
                delivered=line.quantity,
                returned=line.returned_qty,
                destroyed=line.destroyed_qty,
                corrected=line.corrected_qty,
                field=line.outstanding_qty,
            )
            for line in lines
        )
        return {
            "consignee_count": len(partners),
            "notified_count": len(notified.partner_id),
            "notification_summary": notification_summary,
            "responded_count": len(responded.partner_id),
            "qty_on_hand_reported": sum(responded.mapped("ack_qty_on_hand")),
            "not_responded_count": len(partners - responded.partner_id),
            "qty_delivered": recall.units_at_customers,
            "qty_returned": recall.units_returned,
            "qty_destroyed": recall.units_destroyed,
            "qty_corrected": recall.units_corrected,
            "qty_in_field": recall.units_in_field,
            "effectiveness": recall.effectiveness,
            "consignee_detail": detail,
            "completion_date": recall.completed_date,
        }

    def _md_check_signable(self, meaning):
        if meaning == SUBMITTED:
            self._md_check_state(("draft",), self.env._("Submitting the report"))
            for report in self:
                report._md_check_kind()
                missing = report._md_missing_content()
                if missing:
                    raise UserError(
                        self.env._(
                            "%(report)s is not complete: %(fields)s.",
                            report=report.display_name,
                            fields=self._md_field_labels(missing),
                        )
                    )
                if report.kind == "nmpa_summary" and not report.recall_id.completed_date:
                    raise UserError(
                        self.env._(
                            "Mark the recall actions of %s completed first: the summary evaluation report "
                            "follows the completion (Order 29 Art. 22).",
                            report.recall_id.display_name,
                        )
                    )
                # The figures signed are the recall's at the time of signing.
                report._md_write_transition(report._md_snapshot())
        return super()._md_check_signable(meaning)

    def _md_missing_content(self):
        self.ensure_one()
        required = {
            "fda_status": ("effectiveness_checks", "estimated_completion_date"),
            "nmpa_progress": ("estimated_completion_date",),
            "nmpa_summary": ("effect_evaluation", "disposal_measures"),
        }[self.kind]
        return [name for name in required if not self[name]]

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        submitted = self.browse(signatures.filtered(lambda s: s.meaning == SUBMITTED).mapped("res_id"))
        for report in submitted:
            report._md_write_transition(
                {
                    "state": "submitted",
                    "report_date": fields.Date.context_today(report),
                    "submitted_by_id": self.env.uid,
                }
            )
            recall = report.recall_id
            recall._md_activity_done(
                f"md_regulatory.mail_activity_recall_{report.kind}",
                self.env._("%s submitted", report.display_name),
            )
            recall._md_note(body=self.env._("Status report submitted: %s", report.display_name))
            recall._md_schedule_status_activities()
        return result

    def action_submit(self):
        """The Submit button opens the signing dialog: submission is the signature 'approved'."""
        for report in self:
            missing = report._md_missing_content()
            if missing:
                raise UserError(
                    self.env._(
                        "%(report)s is not complete: %(fields)s.",
                        report=report.display_name,
                        fields=self._md_field_labels(missing),
                    )
                )
        return self.action_md_sign()

    def md_report_content(self):
        """XML-RPC ``md_report_content([id])`` -> the report's figures and texts as a dict."""
        self.ensure_one()
        self.check_access("read")
        values = (
            self._md_snapshot() if self.state == "draft" else {name: self[name] for name in SNAPSHOT_FIELDS}
        )
        values = {
            key: fields.Date.to_string(value) if isinstance(value, date) else value
            for key, value in values.items()
        }
        return dict(
            values,
            id=self.id,
            recall=self.recall_id.reference,
            kind=self.kind,
            state=self.state,
            report_date=fields.Date.to_string(self.report_date) if self.report_date else False,
            effectiveness_checks=self.effectiveness_checks or False,
            estimated_completion_date=fields.Date.to_string(self.estimated_completion_date)
            if self.estimated_completion_date
            else False,
            effect_evaluation=self.effect_evaluation or False,
            disposal_measures=self.disposal_measures or False,
        )
