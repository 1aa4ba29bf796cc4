from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

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
# 医疗器械召回管理办法 (CFDA Order 29) Art. 13: levels 一级/二级/三级.
NMPA_LEVELS = [("1", "Level I (一级)"), ("2", "Level II (二级)"), ("3", "Level III (三级)")]
# Order 29 Art. 16: distributors and users are notified within 1/3/7 days of the decision.
NMPA_NOTIFICATION_DAYS = {"1": 1, "2": 3, "3": 7}
# 21 CFR 806.10(b): report within 10 working days of initiating the correction or removal.
FDA_806_WORKING_DAYS = 10
# Order 29 (主动召回): the investigation and evaluation report and the recall plan go to the
# provincial authority within 5 working days of the decision (regulatory.md §8: to verify).
NMPA_REPORT_WORKING_DAYS = 5
EFFECTIVENESS_PARAM = "md_regulatory.recall_effectiveness_threshold"
DEFAULT_EFFECTIVENESS_THRESHOLD = 95.0


class MdRecall(models.Model):
    """A recall / field safety corrective action (21 CFR 7 and 806, 医疗器械召回管理办法,
    EU MDR Art. 2(68)-(69) and 89): affected lots, their scope through the genealogy,
    holds on our stock, notification of each customer, returns, effectiveness and a
    signed closure. A mock recall (drill) runs the same flow without holds or emails
    and measures the time to a complete scope."""

    _name = "md.recall"
    _description = "Recall / Field Safety Corrective Action"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.signable.mixin", "md.workflow.mixin"]
    _order = "id desc"
    _rec_names_search = ["reference", "name"]

    # The scope, the start and the closure are the system's record: only the workflow writes them.
    _md_transition_fields = (
        "started_at",
        "scope_lot_ids",
        "scope_computed_at",
        "scope_completed_at",
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
        help="Receives the deadline activities.",
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

    # --- classification and deadlines --------------------------------------
    fda_class = fields.Selection(FDA_CLASSES, string="FDA Class", tracking=True)
    fda_806_required = fields.Boolean(
        string="FDA Part 806 Report",
        compute="_compute_fda_806_required",
        store=True,
        readonly=False,
        tracking=True,
        help="21 CFR 806.10: a correction or removal to reduce a risk to health is reported within 10 "
        "working days. Set by default for FDA classes I and II; otherwise a record under 806.20.",
    )
    nmpa_level = fields.Selection(NMPA_LEVELS, string="NMPA Level", tracking=True)
    eu_fsca = fields.Boolean(
        string="EU FSCA",
        tracking=True,
        help="Field safety corrective action under EU MDR Art. 2(68), with a field safety notice "
        "(Art. 89(8)).",
    )
    decision_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="Date the recall was decided and the correction or removal initiated.",
    )
    notification_deadline = fields.Date(
        compute="_compute_deadlines",
        store=True,
        help="NMPA Order 29 Art. 16: distributors and users notified within 1, 3 or 7 days (levels I-III).",
    )
    fda_806_deadline = fields.Date(
        string="FDA 806 Report Deadline",
        compute="_compute_deadlines",
        store=True,
        help="21 CFR 806.10(b): 10 working days from the decision, counted on the company's FDA deadline "
        "calendar (its working weekdays, public holidays skipped).",
    )
    nmpa_report_deadline = fields.Date(
        string="NMPA Recall Plan Deadline",
        compute="_compute_deadlines",
        store=True,
        help="Order 29: the investigation and evaluation report and the recall plan are filed within 5 "
        "working days of the decision, counted on the company's NMPA deadline calendar.",
    )
    fda_806_submitted_date = fields.Date(string="FDA 806 Report Submitted", tracking=True)
    notification_done_date = fields.Datetime(
        string="All Customers Notified", compute="_compute_notification_done_date", store=True
    )
    notification_overdue = fields.Boolean(compute="_compute_overdue", search="_search_notification_overdue")
    fda_806_overdue = fields.Boolean(
        string="FDA 806 Overdue", compute="_compute_overdue", search="_search_fda_806_overdue"
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

    # --- effectiveness -----------------------------------------------------
    units_in_stock = fields.Float(compute="_compute_units", store=True, digits="Product Unit of Measure")
    units_held = fields.Float(
        string="Units Held in Stock", compute="_compute_units", store=True, digits="Product Unit of Measure"
    )
    units_at_customers = fields.Float(compute="_compute_units", store=True, digits="Product Unit of Measure")
    units_returned = fields.Float(compute="_compute_units", store=True, digits="Product Unit of Measure")
    units_destroyed = fields.Float(
        string="Units Destroyed/Corrected",
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
        help="Units accounted for (held in our stock, returned, destroyed or corrected by the customer) "
        "over all affected units (21 CFR 7.42(b)(3) effectiveness checks).",
    )
    customer_count = fields.Integer(compute="_compute_customer_count", store=True)
    hold_count = fields.Integer(string="Active Holds", compute="_compute_hold_count")
    closure_justification = fields.Text(
        tracking=True,
        help="Required to close while effectiveness is below the configured threshold.",
    )
    closed_at = fields.Datetime(readonly=True, copy=False)

    _sql_constraints = [
        ("reference_company_unique", "unique(reference, company_id)", "The recall reference must be unique."),
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

    @api.depends("fda_class")
    def _compute_fda_806_required(self):
        for recall in self:
            recall.fda_806_required = recall.fda_class in ("1", "2")

    @api.depends("decision_date", "nmpa_level", "fda_806_required", "company_id")
    def _compute_deadlines(self):
        """Working days come from the company's deadline calendars when the decision
        or classification is set; later calendar edits do not move them."""
        for recall in self:
            day = recall.decision_date
            recall.notification_deadline = (
                day + timedelta(days=NMPA_NOTIFICATION_DAYS[recall.nmpa_level])
                if day and recall.nmpa_level
                else False
            )
        self._md_set_working_day_deadline(
            "fda_806_deadline", "fda", FDA_806_WORKING_DAYS, lambda recall: recall.fda_806_required
        )
        self._md_set_working_day_deadline(
            "nmpa_report_deadline", "nmpa", NMPA_REPORT_WORKING_DAYS, lambda recall: recall.nmpa_level
        )

    def _md_set_working_day_deadline(self, field_name, regime, days, applies):
        """``field_name`` = decision date + ``days`` working days of the ``regime``'s
        calendar where ``applies``; one holiday query per company."""
        due = self.filtered(lambda recall: recall.decision_date and applies(recall))
        for recall in self - due:
            recall[field_name] = False
        for company, recalls in due.grouped("company_id").items():
            count = company._md_working_day_counter(regime, recalls.mapped("decision_date"), days)
            for recall in recalls:
                recall[field_name] = count(recall.decision_date, days)

    @api.depends("customer_line_ids.notified_at")
    def _compute_notification_done_date(self):
        for recall in self:
            dates = recall.customer_line_ids.mapped("notified_at")
            recall.notification_done_date = max(dates) if dates and all(dates) else False

    def _md_overdue_domains(self):
        today = fields.Date.context_today(self)
        notification = [
            ("state", "=", "open"),
            ("notification_deadline", "<", today),
            ("customer_line_ids.notified_at", "=", False),
        ]
        fda = [
            ("state", "=", "open"),
            ("fda_806_deadline", "<", today),
            ("fda_806_submitted_date", "=", False),
        ]
        return notification, fda

    @api.depends("notification_deadline", "fda_806_deadline", "fda_806_submitted_date", "state")
    @api.depends_context("tz")
    def _compute_overdue(self):
        today = fields.Date.context_today(self)
        for recall in self:
            is_open = recall.state == "open"
            recall.notification_overdue = bool(
                is_open
                and recall.notification_deadline
                and recall.notification_deadline < today
                and not all(recall.customer_line_ids.mapped("notified_at"))
            )
            recall.fda_806_overdue = bool(
                is_open
                and recall.fda_806_deadline
                and recall.fda_806_deadline < today
                and not recall.fda_806_submitted_date
            )
            recall.is_overdue = recall.notification_overdue or recall.fda_806_overdue

    def _search_notification_overdue(self, operator, value):
        return self._md_search_flag(self._md_overdue_domains()[0], operator, value)

    def _search_fda_806_overdue(self, operator, value):
        return self._md_search_flag(self._md_overdue_domains()[1], operator, value)

    def _search_is_overdue(self, operator, value):
        notification, fda = self._md_overdue_domains()
        return self._md_search_flag(["|", "&", *notification, "&", *fda], operator, value)

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
        "stock_line_ids.quantity",
        "stock_line_ids.held",
        "customer_line_ids.quantity",
        "customer_line_ids.returned_qty",
        "customer_line_ids.destroyed_qty",
    )
    def _compute_units(self):
        """Each affected unit is counted once: units returned through this recall sit in our
        stock again but are counted on the customer's line, so they are taken out of the stock."""
        for recall in self:
            stock_by_lot, held_lots = defaultdict(float), set()
            for line in recall.stock_line_ids:
                stock_by_lot[line.lot_id.id] += line.quantity
                if line.held:
                    held_lots.add(line.lot_id.id)
            returned_by_lot = defaultdict(float)
            for line in recall.customer_line_ids:
                returned_by_lot[line.lot_id.id] += line.returned_qty
            in_stock = held = 0.0
            for lot_id, quantity in stock_by_lot.items():
                own = max(quantity - returned_by_lot[lot_id], 0.0)
                in_stock += own
                held += own if lot_id in held_lots else 0.0
            customers = recall.customer_line_ids
            returned = sum(customers.mapped("returned_qty"))
            destroyed = sum(min(c.destroyed_qty, max(c.quantity - c.returned_qty, 0.0)) for c in customers)
            total = in_stock + sum(customers.mapped("quantity"))
            recall.units_in_stock = in_stock
            recall.units_held = held
            recall.units_at_customers = sum(customers.mapped("quantity"))
            recall.units_returned = returned
            recall.units_destroyed = destroyed
            recall.units_total = total
            recall.effectiveness = round(100.0 * (held + returned + destroyed) / total, 1) if total else 0.0

    @api.depends("customer_line_ids.partner_id")
    def _compute_customer_count(self):
        for recall in self:
            recall.customer_count = len(recall.customer_line_ids.partner_id)

    def _compute_hold_count(self):
        counts = dict(
            self.env["md.lot.hold"].sudo()._read_group(self._md_holds_domain(), ["res_id"], ["__count"])
        )
        for recall in self:
            recall.hold_count = counts.get(recall.id, 0)

    # ------------------------------------------------------------------
    # Create / constraints
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

    def _md_note(self, body, attachment_ids=None):
        """A note in the recall's chatter, authored by the current user. In sudo, as the
        signature mixin does: a user without an email address can still record it."""
        self.ensure_one()
        return self.sudo().message_post(
            body=body, subtype_xmlid="mail.mt_note", attachment_ids=attachment_ids or []
        )

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
        self.env["md.recall.stock.line"].sudo().create(
            [
                {
                    "recall_id": self.id,
                    "lot_id": row["lot_id"],
                    "location_id": row["location_id"],
                    "quantity": row["quantity"],
                }
                for row in scope["stock"]
            ]
        )
        self._md_store_customers(scope["customers"])
        vals = {"scope_lot_ids": [Command.set(scope["lots"])], "scope_computed_at": now}
        if not self.scope_completed_at:
            vals["scope_completed_at"] = now
        self.write(vals)

    def _md_store_customers(self, rows):
        """Update the customer lines in place so that notifications, acknowledgements and
        returns stay. The scope nets out returns: units returned through this recall are
        added back, they are part of what the customer held."""
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
        gone_active = gone.filtered(lambda line: line.returned_qty or line.notified_at or line.ack_date)
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
            recall._md_write_transition({"state": "open"})
            if not recall.is_mock:
                recall._md_place_holds()
                recall._md_schedule_deadline_activities()
        return True

    def _md_schedule_deadline_activities(self):
        self.ensure_one()
        if self.notification_deadline:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=self.notification_deadline,
                summary=self.env._("Notify distributors and users (NMPA recall level)"),
                user_id=self.user_id.id,
            )
        if self.fda_806_deadline:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=self.fda_806_deadline,
                summary=self.env._("Submit the FDA Part 806 correction/removal report"),
                user_id=self.user_id.id,
            )
        if self.nmpa_report_deadline:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=self.nmpa_report_deadline,
                summary=self.env._("File the NMPA investigation report and recall plan"),
                user_id=self.user_id.id,
            )

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

    # --- closure by e-signature --------------------------------------------
    @api.model
    def _md_effectiveness_threshold(self):
        value = self.env["ir.config_parameter"].sudo().get_param(EFFECTIVENESS_PARAM)
        try:
            return float(value) if value not in (None, False, "") else DEFAULT_EFFECTIVENESS_THRESHOLD
        except ValueError:
            return DEFAULT_EFFECTIVENESS_THRESHOLD

    def _md_check_closable(self):
        threshold = self._md_effectiveness_threshold()
        for recall in self:
            if recall.state != "open":
                raise UserError(
                    self.env._("Only a recall in progress can be closed: %s", recall.display_name)
                )
            open_returns = recall.customer_line_ids.sudo().return_picking_ids.filtered(
                lambda p: p.state not in ("done", "cancel")
            )
            if open_returns:
                raise UserError(
                    self.env._(
                        "Receive or cancel the open returns before closing %(recall)s: %(returns)s",
                        recall=recall.display_name,
                        returns=", ".join(open_returns.mapped("name")),
                    )
                )
            if recall.effectiveness < threshold and not (recall.closure_justification or "").strip():
                raise UserError(
                    self.env._(
                        "%(recall)s reaches %(value)s%% of the affected units, below the %(threshold)s%% "
                        "required to close: give a closure justification first.",
                        recall=recall.display_name,
                        value=recall.effectiveness,
                        threshold=threshold,
                    )
                )

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
        """Close after the signed decision (21 CFR 7.55 termination): the recall's holds are
        released and the deadline activities are done."""
        self._md_check_closable()
        self._md_check_required_signature(CLOSED)
        for recall in self:
            if not recall.is_mock:
                recall._md_release_holds(
                    self.env._("Recall %(ref)s closed: %(reason)s", ref=recall.reference, reason=reason)
                )
            recall.activity_ids.action_feedback(feedback=self.env._("Recall closed"))
        self._md_write_transition({"state": "closed", "closed_at": fields.Datetime.now()})

    def action_close(self):
        """The Close button opens the signing dialog: closing is the signature 'closed'."""
        self._md_check_closable()
        return self.action_md_sign()

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
        customers, units}]``."""
        self.check_access("read")
        return [recall._md_status_dict() for recall in self]

    def _md_status_dict(self):
        to_string = fields.Date.to_string
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
                "decision_date": to_string(self.decision_date),
                "notification": to_string(self.notification_deadline)
                if self.notification_deadline
                else False,
                "fda_806": to_string(self.fda_806_deadline) if self.fda_806_deadline else False,
                "nmpa_report": to_string(self.nmpa_report_deadline) if self.nmpa_report_deadline else False,
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
