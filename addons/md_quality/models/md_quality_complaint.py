from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from .vigilance_deadlines import (
    FDA_FIVE_DAY_WORK_DAYS,
    eu_deadline,
    fda_deadline,
    nmpa_deadline,
    nmpa_group_deadlines,
)

DECIDED = "approved"  # meaning of the signed reportability decision
CLOSED = "closed"
REGIMES = ("fda", "eu", "nmpa")
# Each report due: (deadline field, date filed field). A group event in China adds the individual
# reports (24 hours) and the holder's investigation report (7 days) to the 12-hour report
# (NMPA Order No. 1, Chapter III Section 3).
REPORTS = {
    "fda": ("fda_deadline", "fda_report_date"),
    "eu": ("eu_deadline", "eu_report_date"),
    "nmpa": ("nmpa_deadline", "nmpa_report_date"),
    "nmpa_group_individual": ("nmpa_group_individual_deadline", "nmpa_group_individual_date"),
    "nmpa_group_followup": ("nmpa_group_followup_deadline", "nmpa_group_followup_date"),
}
STATES = [
    ("new", "New"),
    ("investigation", "Investigation"),
    ("decided", "Reportability Decided"),
    ("closed", "Closed"),
]
# What the reportability decision rests on: a change voids its signature.
DECISION_FIELDS = [
    "product_id",
    "lot_id",
    "description",
    "event_date",
    "awareness_date",
    "patient_involved",
    "malfunction",
    "injury",
    "serious_injury",
    "death",
    "unanticipated_deterioration",
    "public_health_threat",
    "remedial_action",
    "fda_written_request",
    "group_event",
    "event_abroad",
    "fda_reportable",
    "eu_reportable",
    "nmpa_reportable",
    "decision_rationale",
]


class MdQualityComplaint(models.Model):
    """Customer complaint (ISO 13485 8.2.2; 21 CFR 820.198 via QMSR 820.35)
    with the adverse-event reportability decision per regime: FDA MDR
    (21 CFR Part 803), EU MDR vigilance (Art. 87) and NMPA adverse events.

    The decision and the closure are signed electronically (21 CFR 11.50):
    signing the decision (meaning "approved") moves the complaint to
    "Reportability Decided"; a later change of what it rests on voids that
    signature and returns the complaint to investigation. A closed complaint
    cannot change.
    """

    _name = "md.quality.complaint"
    _description = "Complaint"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.signable.mixin", "md.workflow.mixin"]
    _order = "awareness_date desc, id desc"
    _rec_names_search = ["name", "title"]

    _md_signed_fields = DECISION_FIELDS
    _md_sign_on_change = "void"
    _md_transition_fields = ("date_closed",)
    _md_create_only_fields = ("name", "company_id", "legacy_number")
    _md_closed_states = ("closed",)
    # 21 CFR 820.198(a) / ISO 13485 8.2.2: every complaint received stays on record.
    _md_deletable_states = ()

    name = fields.Char(
        "Number", required=True, readonly=True, copy=False, default=lambda self: self.env._("New")
    )
    title = fields.Char(required=True, tracking=True)
    state = fields.Selection(STATES, default="new", required=True, readonly=True, tracking=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one("res.users", "Responsible", default=lambda self: self.env.user, tracking=True)
    channel = fields.Selection(
        [
            ("phone", "Phone"),
            ("email", "Email"),
            ("field", "Field Service"),
            ("distributor", "Distributor"),
            ("regulator", "Regulator"),
            ("other", "Other"),
        ],
        default="phone",
        required=True,
    )
    partner_id = fields.Many2one("res.partner", "Customer", tracking=True, index=True)
    legacy_number = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Its number in the legacy system it was migrated from at go-live (ISO 13485:2016 4.2.5).",
    )
    udi_raw = fields.Char(
        "Scanned UDI", help="Scan the UDI of the unit: product and lot/serial are filled from it."
    )
    product_id = fields.Many2one("product.product", tracking=True, index=True)
    lot_id = fields.Many2one(
        "stock.lot", "Lot/Serial", tracking=True, index=True, domain="[('product_id', '=', product_id)]"
    )
    description = fields.Text(required=True, tracking=True)
    event_date = fields.Date(tracking=True, help="When the event happened.")
    awareness_date = fields.Datetime(
        required=True,
        default=fields.Datetime.now,
        tracking=True,
        help="When the company became aware of the event: the reporting deadlines run from it.",
    )

    # Event classification (21 CFR 803.3, MDR Art. 2(64)-(65), NMPA Order 1 Art. 2).
    patient_involved = fields.Boolean(tracking=True)
    malfunction = fields.Boolean(tracking=True)
    injury = fields.Boolean(tracking=True)
    serious_injury = fields.Boolean(
        "Serious Injury / Deterioration",
        tracking=True,
        help="Serious deterioration of a person's state of health.",
    )
    death = fields.Boolean(tracking=True)
    unanticipated_deterioration = fields.Boolean(
        "Unanticipated Serious Deterioration", tracking=True, help="EU MDR Art. 87(5): 10-day report."
    )
    public_health_threat = fields.Boolean(
        "Serious Public Health Threat", tracking=True, help="EU MDR Art. 87(4): 2-day report."
    )
    remedial_action = fields.Boolean(
        "Remedial Action Required",
        tracking=True,
        help="21 CFR 803.53(a): remedial action needed to prevent an unreasonable risk of substantial harm "
        "to the public health: 5-work-day report.",
    )
    fda_written_request = fields.Boolean(
        "FDA Written Request for 5-Day Reports",
        tracking=True,
        help="21 CFR 803.53(b): FDA requested 5-day reports in writing for events of this nature on "
        "substantially similar devices, for the period of its request: 5-work-day report.",
    )
    fda_written_request_ref = fields.Char(
        "FDA Request Reference", tracking=True, help="The FDA letter and the period it covers (803.53(b))."
    )
    group_event = fields.Boolean(
        "Group Adverse Event",
        tracking=True,
        help="NMPA 群体医疗器械不良事件 (Order No. 1, Chapter III Section 3): reported within 12 hours by "
        "telephone or fax, each event as an individual report within 24 hours, and the holder's "
        "investigation and self-inspection report within 7 days.",
    )
    event_abroad = fields.Boolean(
        "Event Outside China",
        tracking=True,
        help="NMPA Order No. 1 Art. 27: an event abroad with a device also marketed in China that caused or "
        "could cause serious injury or death is reported within 30 days.",
    )

    # Reportability decision per regime, its deadlines and the filed reports.
    fda_reportable = fields.Boolean("FDA MDR Reportable", tracking=True)
    eu_reportable = fields.Boolean("EU Vigilance Reportable", tracking=True)
    nmpa_reportable = fields.Boolean("NMPA Adverse Event Reportable", tracking=True)
    decision_rationale = fields.Text(tracking=True)
    fda_deadline = fields.Datetime("FDA Deadline", compute="_compute_deadlines", store=True)
    eu_deadline = fields.Datetime("EU Deadline", compute="_compute_deadlines", store=True)
    nmpa_deadline = fields.Datetime("NMPA Deadline", compute="_compute_deadlines", store=True)
    nmpa_group_individual_deadline = fields.Datetime(
        "NMPA Individual Reports Deadline",
        compute="_compute_deadlines",
        store=True,
        help="Group event: each event reported as an individual event within 24 hours (Order No. 1, "
        "Chapter III Section 3).",
    )
    nmpa_group_followup_deadline = fields.Datetime(
        "NMPA Holder Investigation Report Deadline",
        compute="_compute_deadlines",
        store=True,
        help="Group event: the holder's report of its investigation and quality-system self-inspection "
        "within 7 days (Order No. 1, Chapter III Section 3).",
    )
    fda_report_date = fields.Datetime("FDA Reported On", tracking=True)
    fda_report_ref = fields.Char("FDA Report Number", tracking=True)
    eu_report_date = fields.Datetime("EU Reported On", tracking=True)
    eu_report_ref = fields.Char("EU Report Reference", tracking=True)
    nmpa_report_date = fields.Datetime("NMPA Reported On", tracking=True)
    nmpa_report_ref = fields.Char("NMPA Report Number", tracking=True)
    nmpa_group_individual_date = fields.Datetime("NMPA Individual Reports Filed On", tracking=True)
    nmpa_group_followup_date = fields.Datetime("NMPA Holder Investigation Report Filed On", tracking=True)
    fda_overdue = fields.Boolean(compute="_compute_overdue", search="_search_fda_overdue")
    eu_overdue = fields.Boolean(compute="_compute_overdue", search="_search_eu_overdue")
    nmpa_overdue = fields.Boolean(compute="_compute_overdue", search="_search_nmpa_overdue")
    nmpa_group_overdue = fields.Boolean(
        "NMPA Group Event Report Overdue", compute="_compute_overdue", search="_search_nmpa_group_overdue"
    )
    report_overdue = fields.Boolean(compute="_compute_overdue", search="_search_report_overdue")
    next_deadline = fields.Datetime(compute="_compute_next_deadline", store=True)

    investigation_summary = fields.Text(tracking=True)
    date_closed = fields.Datetime(readonly=True, copy=False)

    # Service and distribution history of the unit (ISO 13485 8.2.2 c, 7.5.4 servicing).
    repair_ids = fields.Many2many("repair.order", compute="_compute_unit_history", string="Repairs")
    delivery_ids = fields.Many2many("stock.picking", compute="_compute_unit_history", string="Deliveries")
    repair_count = fields.Integer(compute="_compute_unit_history")
    delivery_count = fields.Integer(compute="_compute_unit_history")

    # --- intake ---------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("udi_raw"):
                vals.update(self._md_values_from_udi(vals["udi_raw"]))
            if vals.get("name", self.env._("New")) == self.env._("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "md.quality.complaint"
                ) or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("udi_raw"):
            vals = dict(vals, **self._md_values_from_udi(vals["udi_raw"]))
        return super().write(vals)

    @api.onchange("udi_raw")
    def _onchange_udi_raw(self):
        if self.udi_raw:
            values = self._md_values_from_udi(self.udi_raw)
            self.product_id = values["product_id"]
            self.lot_id = values["lot_id"]

    @api.model
    def _md_values_from_udi(self, raw):
        """Product and lot/serial of a scanned UDI (md_udi_trace's parser)."""
        parsed = self.env["md.udi"].parse(raw)
        if not parsed["product_id"]:
            raise UserError(
                self.env._("No product has the device identifier %s of the scanned UDI.", parsed["di"] or raw)
            )
        values = {"product_id": parsed["product_id"], "lot_id": False}
        number = parsed["serial"] or parsed["lot"]
        if number:
            lot = self.env["stock.lot"].search(
                [("product_id", "=", parsed["product_id"]), ("name", "=", number)], limit=1
            )
            if not lot:
                raise UserError(
                    self.env._(
                        "Lot/serial %(number)s of %(product)s is not known.",
                        number=number,
                        product=self.env["product.product"].browse(parsed["product_id"]).display_name,
                    )
                )
            values["lot_id"] = lot.id
        return values

    @api.constrains("lot_id", "product_id")
    def _check_lot_product(self):
        for complaint in self:
            if complaint.lot_id and complaint.lot_id.product_id != complaint.product_id:
                raise ValidationError(
                    self.env._(
                        "%(complaint)s: lot/serial %(lot)s is not of product %(product)s.",
                        complaint=complaint.display_name,
                        lot=complaint.lot_id.name,
                        product=complaint.product_id.display_name,
                    )
                )

    @api.constrains("event_date", "awareness_date")
    def _check_dates(self):
        for complaint in self:
            if complaint.event_date and complaint.event_date > complaint.awareness_date.date():
                raise ValidationError(
                    self.env._(
                        "%s: the event cannot happen after the company became aware of it.", complaint.name
                    )
                )

    # --- deadlines ------------------------------------------------------------

    @api.depends(
        "awareness_date",
        "fda_reportable",
        "eu_reportable",
        "nmpa_reportable",
        "remedial_action",
        "fda_written_request",
        "public_health_threat",
        "death",
        "unanticipated_deterioration",
        "group_event",
        "event_abroad",
        "company_id",
    )
    def _compute_deadlines(self):
        work_day_counters = self._md_fda_work_day_counters()
        for complaint in self:
            aware = complaint.awareness_date
            complaint.fda_deadline = (
                fda_deadline(
                    aware,
                    complaint.remedial_action,
                    work_day_counters.get(complaint.company_id),
                    written_request=complaint.fda_written_request,
                )
                if aware and complaint.fda_reportable
                else False
            )
            complaint.eu_deadline = (
                eu_deadline(
                    aware,
                    complaint.public_health_threat,
                    complaint.death or complaint.unanticipated_deterioration,
                )
                if aware and complaint.eu_reportable
                else False
            )
            nmpa_due = aware and complaint.nmpa_reportable
            complaint.nmpa_deadline = (
                nmpa_deadline(aware, complaint.group_event, complaint.death, abroad=complaint.event_abroad)
                if nmpa_due
                else False
            )
            in_china_group = nmpa_due and complaint.group_event and not complaint.event_abroad
            group = nmpa_group_deadlines(aware) if in_china_group else {}
            complaint.nmpa_group_individual_deadline = group.get("individual", False)
            complaint.nmpa_group_followup_deadline = group.get("holder_followup", False)

    def _md_fda_work_day_counters(self):
        """{company: count(start, days)} on the company's FDA deadline calendar (public
        holidays skipped) for the complaints due in 5 work days (21 CFR 803.53(a) and (b)): one
        query per company."""
        due = self.filtered(
            lambda c: c.awareness_date and c.fda_reportable and (c.remedial_action or c.fda_written_request)
        )
        return {
            company: company._md_working_day_counter(
                "fda", complaints.mapped("awareness_date"), FDA_FIVE_DAY_WORK_DAYS
            )
            for company, complaints in due.grouped("company_id").items()
        }

    @api.depends(*(name for pair in REPORTS.values() for name in pair))
    def _compute_next_deadline(self):
        for complaint in self:
            pending = [
                complaint[deadline]
                for deadline, filed in REPORTS.values()
                if complaint[deadline] and not complaint[filed]
            ]
            complaint.next_deadline = min(pending, default=False)

    @api.depends(*(name for pair in REPORTS.values() for name in pair))
    def _compute_overdue(self):
        now = fields.Datetime.now()
        for complaint in self:
            late = {
                report: bool(complaint[deadline] and not complaint[filed] and complaint[deadline] < now)
                for report, (deadline, filed) in REPORTS.items()
            }
            for regime in REGIMES:
                complaint[f"{regime}_overdue"] = late[regime]
            complaint.nmpa_group_overdue = late["nmpa_group_individual"] or late["nmpa_group_followup"]
            complaint.report_overdue = any(late.values())

    @api.model
    def _md_overdue_domain(self, report):
        deadline, filed = REPORTS[report]
        return [
            (deadline, "!=", False),
            (deadline, "<", fields.Datetime.now()),
            (filed, "=", False),
        ]

    def _md_search_overdue(self, reports, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue reports."))
        domain = expression.OR([self._md_overdue_domain(report) for report in reports])
        if (operator == "=") == value:
            return domain
        return ["!", *expression.normalize_domain(domain)]

    def _search_fda_overdue(self, operator, value):
        return self._md_search_overdue(["fda"], operator, value)

    def _search_eu_overdue(self, operator, value):
        return self._md_search_overdue(["eu"], operator, value)

    def _search_nmpa_overdue(self, operator, value):
        return self._md_search_overdue(["nmpa"], operator, value)

    def _search_nmpa_group_overdue(self, operator, value):
        return self._md_search_overdue(["nmpa_group_individual", "nmpa_group_followup"], operator, value)

    def _search_report_overdue(self, operator, value):
        return self._md_search_overdue(list(REPORTS), operator, value)

    # --- unit history ---------------------------------------------------------

    @api.depends("lot_id", "partner_id")
    def _compute_unit_history(self):
        # Read as superuser: the counts show to every complaint handler; the records
        # themselves open only for users with inventory rights (view groups).
        lots = self.lot_id
        repairs = (
            self.env["repair.order"].sudo().search([("lot_id", "in", lots.ids)])
            if lots
            else self.env["repair.order"]
        )
        move_lines = (
            self.env["stock.move.line"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", lots.ids),
                    ("state", "=", "done"),
                    ("picking_code", "=", "outgoing"),
                ]
            )
            if lots
            else self.env["stock.move.line"]
        )
        for complaint in self:
            lot = complaint.lot_id
            customer = complaint.partner_id.commercial_partner_id
            complaint.repair_ids = repairs.filtered(lambda repair, lot=lot: repair.lot_id == lot)
            deliveries = move_lines.filtered(
                lambda line, lot=lot, customer=customer: (
                    line.lot_id == lot
                    and (not customer or line.picking_id.partner_id.commercial_partner_id == customer)
                )
            ).picking_id
            complaint.delivery_ids = deliveries
            complaint.repair_count = len(complaint.repair_ids)
            complaint.delivery_count = len(deliveries)

    def action_view_repairs(self):
        self.ensure_one()
        return self._md_action_records("repair.order", self.repair_ids, self.env._("Repairs"))

    def action_view_deliveries(self):
        self.ensure_one()
        return self._md_action_records("stock.picking", self.delivery_ids, self.env._("Deliveries"))

    def _md_action_records(self, model, records, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("id", "in", records.ids)],
        }

    # --- workflow -------------------------------------------------------------

    def action_start_investigation(self):
        self._md_check_state(("new",), self.env._("Starting the investigation"))
        self.sudo()._md_write_transition({"state": "investigation"})
        return True

    def _md_check_signable(self, meaning):
        if meaning == DECIDED:
            self._md_check_state(("new", "investigation"), self.env._("Signing the reportability decision"))
            missing = self.filtered(lambda complaint: not complaint.decision_rationale)
            if missing:
                raise UserError(
                    self.env._(
                        "Give the rationale of the reportability decision first: %s",
                        ", ".join(missing.mapped("display_name")),
                    )
                )
        elif meaning == CLOSED:
            self._md_check_state(("decided",), self.env._("Closing"))
            self._md_check_reports_filed()
            missing = self.filtered(lambda complaint: not complaint.investigation_summary)
            if missing:
                raise UserError(
                    self.env._(
                        "Record the investigation summary first (ISO 13485 8.2.2 d): %s",
                        ", ".join(missing.mapped("display_name")),
                    )
                )
        return super()._md_check_signable(meaning)

    def _md_check_reports_filed(self):
        """A reportable event is closed only once each report it needs is filed (a group event
        in China: the 12-hour report, the individual reports and the holder's investigation
        report, Order No. 1 Chapter III Section 3)."""
        labels = {
            "nmpa_group_individual": self.env._("NMPA individual reports of the group event"),
            "nmpa_group_followup": self.env._("NMPA holder investigation report of the group event"),
        }
        for complaint in self:
            unfiled = [
                regime.upper()
                for regime in REGIMES
                if complaint[f"{regime}_reportable"] and not complaint[f"{regime}_report_date"]
            ] + [
                labels[report]
                for report in ("nmpa_group_individual", "nmpa_group_followup")
                if complaint[REPORTS[report][0]] and not complaint[REPORTS[report][1]]
            ]
            if unfiled:
                raise UserError(
                    self.env._(
                        "%(complaint)s cannot be closed: reports not filed yet: %(regimes)s.",
                        complaint=complaint.display_name,
                        regimes=", ".join(unfiled),
                    )
                )

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        decided = self.browse(signatures.filtered(lambda s: s.meaning == DECIDED).mapped("res_id"))
        decided.sudo()._md_write_transition({"state": "decided"})
        closed = self.browse(signatures.filtered(lambda s: s.meaning == CLOSED).mapped("res_id"))
        closed.sudo()._md_write_transition({"state": "closed", "date_closed": fields.Datetime.now()})
        return result

    def _md_check_signed_content(self):
        result = super()._md_check_signed_content()
        signed_ids = set(self._md_valid_signatures(DECIDED).mapped("res_id"))
        reopened = self.filtered(lambda c: c.state == "decided" and c.id not in signed_ids)
        if reopened:
            reopened.sudo()._md_write_transition({"state": "investigation"})
        return result
