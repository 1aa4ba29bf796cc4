import hashlib
import json
import logging

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

STATES = [
    ("draft", "Request"),
    ("assessment", "Impact Assessment"),
    ("approval", "Approval"),
    ("implementation", "Implementation"),
    ("effective", "Effective"),
    ("cancelled", "Cancelled"),
]
OPEN_STATES = ("draft", "assessment", "approval")
MANAGER_GROUP = "md_base.group_md_quality_manager"
REVIEWED, APPROVED, REGULATORY_APPROVED = "reviewed", "approved", "regulatory_approved"

# Changes that need a new UDI-DI: 21 CFR 830.50 (new version or model, new
# device package), MDR Annex VI Part C (name or trade name, version or model,
# single use, sterile packaging / sterilisation before use, quantity per
# package, critical warnings or contra-indications such as latex or DEHP),
# GS1 GTIN Management Standard for healthcare (clinical size, quantity, brand).
UDI_TRIGGERS = {
    "udi_change_brand": "Brand, name or trade name",
    "udi_change_model": "Version or model",
    "udi_change_quantity": "Quantity of devices per package",
    "udi_change_sterility": "Sterile packaging or need for sterilisation before use",
    "udi_change_single_use": "Single use / reusable labelling",
    "udi_change_warning": "Critical warnings or contra-indications (latex, DEHP...)",
    "udi_change_size": "Clinical size or dimensions",
    "udi_change_packaging": "New device package or packaging configuration",
}

STOCK_DECISIONS = [
    ("none", "No stock or work in progress affected"),
    ("use_up", "Use up"),
    ("rework", "Rework"),
    ("scrap", "Scrap"),
    ("hold", "Put on hold"),
]


class MdQualityChange(models.Model):
    """A change request under change control (ISO 13485 7.3.9 design changes,
    4.2.4 documents, 7.4 purchasing changes): the impact assessment (products,
    BoMs, operations, documents, suppliers, labels and UDI-DI, registrations,
    validation, stock and work in progress), approval by e-signature of the
    configured roles before implementation, implementation tasks, and the
    effective date from which new BoMs and document revisions are in use."""

    _name = "md.quality.change"
    _description = "Change Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.signable.mixin", "md.workflow.mixin"]
    _order = "id desc"
    _rec_names_search = ["name", "title"]

    _md_sign_on_change = "void"

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default=lambda self: self.env._("New")
    )
    title = fields.Char(required=True, tracking=True)
    state = fields.Selection(STATES, default="draft", required=True, index=True, tracking=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users", string="Change Owner", required=True, tracking=True, default=lambda self: self.env.user
    )
    change_type = fields.Selection(
        [
            ("design", "Design"),
            ("process", "Process"),
            ("material", "Material or Supplier"),
            ("labeling", "Labeling"),
            ("document", "Documentation"),
            ("other", "Other"),
        ],
        string="Type",
        required=True,
        default="design",
        tracking=True,
    )
    capa_id = fields.Many2one("md.quality.capa", string="Originating CAPA", tracking=True, index=True)
    description = fields.Text(string="Proposed Change", required=True, tracking=True)
    reason = fields.Text(string="Justification", required=True, tracking=True)

    # Impact assessment (ISO 13485 7.3.9: effect on parts, WIP, delivered product, risk management).
    product_tmpl_ids = fields.Many2many(
        "product.template", "md_quality_change_product_template_rel", string="Affected Products"
    )
    bom_ids = fields.Many2many("mrp.bom", "md_quality_change_mrp_bom_rel", string="Affected BoMs")
    operation_ids = fields.Many2many(
        "mrp.routing.workcenter", "md_quality_change_routing_workcenter_rel", string="Affected Operations"
    )
    document_ids = fields.Many2many(
        "md.document", "md_quality_change_document_rel", string="Affected Documents"
    )
    supplier_ids = fields.Many2many(
        "res.partner", "md_quality_change_supplier_rel", string="Affected Suppliers"
    )
    impact_summary = fields.Text(
        string="Risk and Impact Assessment",
        tracking=True,
        help="Effect on safety and performance, risk management file, delivered product.",
    )
    udi_change_brand = fields.Boolean(string=UDI_TRIGGERS["udi_change_brand"])
    udi_change_model = fields.Boolean(string=UDI_TRIGGERS["udi_change_model"])
    udi_change_quantity = fields.Boolean(string=UDI_TRIGGERS["udi_change_quantity"])
    udi_change_sterility = fields.Boolean(string=UDI_TRIGGERS["udi_change_sterility"])
    udi_change_single_use = fields.Boolean(string=UDI_TRIGGERS["udi_change_single_use"])
    udi_change_warning = fields.Boolean(string=UDI_TRIGGERS["udi_change_warning"])
    udi_change_size = fields.Boolean(string=UDI_TRIGGERS["udi_change_size"])
    udi_change_packaging = fields.Boolean(string=UDI_TRIGGERS["udi_change_packaging"])
    udi_new_di_required = fields.Boolean(
        string="New UDI-DI Required",
        compute="_compute_udi_new_di_required",
        store=True,
        tracking=True,
        help="21 CFR 830.50, MDR Annex VI Part C: the changed device is a new device identifier.",
    )
    udi_note = fields.Text(string="Labeling and UDI Notes")
    regulatory_filing_required = fields.Boolean(
        tracking=True, help="The change needs a regulatory filing (e.g. 510(k), notified body, NMPA change)."
    )
    regulatory_filing_note = fields.Text(string="Regulatory Filing")
    validation_required = fields.Boolean(
        tracking=True, help="Verification or validation before implementation."
    )
    validation_note = fields.Text(string="Verification / Validation")
    stock_decision = fields.Selection(
        STOCK_DECISIONS,
        string="Stock and WIP",
        tracking=True,
        help="What happens to existing stock and work in progress; 'Put on hold' holds the listed lots "
        "when the change is approved.",
    )
    stock_lot_ids = fields.Many2many("stock.lot", "md_quality_change_stock_lot_rel", string="Lots Concerned")
    stock_note = fields.Text(string="Stock Disposition Notes")

    # Implementation.
    task_ids = fields.One2many("md.quality.change.task", "change_id", string="Implementation Tasks")
    bom_change_ids = fields.One2many("md.quality.change.bom", "change_id", string="New BoM Versions")
    bom_content_digest = fields.Char(
        string="New BoM Content (SHA-256)",
        compute="_compute_bom_content_digest",
        help="The components, quantities and operations of the new BoM versions: part of what the "
        "approval signatures cover (ISO 13485 7.3.9).",
    )
    document_revision_ids = fields.Many2many(
        "md.document.revision",
        "md_quality_change_document_revision_rel",
        string="Planned Document Revisions",
        help="Revisions that become effective with the change; give them no earlier effective date.",
    )
    effective_date = fields.Date(tracking=True, help="The change is applied on this date (today when empty).")
    approved_on = fields.Datetime(readonly=True, copy=False)
    effective_on = fields.Datetime(readonly=True, copy=False)
    production_ids = fields.Many2many(
        "mrp.production",
        "md_quality_change_mrp_production_rel",
        "change_id",
        "production_id",
        string="Manufacturing Orders",
        readonly=True,
        copy=False,
    )
    production_count = fields.Integer(compute="_compute_production_count")
    hold_count = fields.Integer(compute="_compute_hold_count")
    open_task_count = fields.Integer(compute="_compute_open_task_count")

    # The approved content: changing it voids the approvals (ISO 13485 7.3.9: re-approve).
    _md_signed_fields = [
        "title",
        "description",
        "reason",
        "product_tmpl_ids",
        "bom_ids",
        "operation_ids",
        "document_ids",
        "supplier_ids",
        "impact_summary",
        *UDI_TRIGGERS,
        "regulatory_filing_required",
        "validation_required",
        "stock_decision",
        "stock_lot_ids",
        "document_revision_ids",
        "bom_content_digest",
    ]
    _md_transition_fields = ("approved_on", "effective_on")
    _md_create_only_fields = ("name", "company_id")
    _md_closed_states = ("effective", "cancelled")
    # Approved content stays as approved: a different change needs a new request.
    _md_field_states = dict.fromkeys([*_md_signed_fields, "bom_change_ids"], OPEN_STATES)

    # --- computes ------------------------------------------------------------

    @api.depends(
        "bom_change_ids.new_bom_id.product_qty",
        "bom_change_ids.new_bom_id.bom_line_ids.product_id",
        "bom_change_ids.new_bom_id.bom_line_ids.product_qty",
        "bom_change_ids.new_bom_id.bom_line_ids.product_uom_id",
        "bom_change_ids.new_bom_id.operation_ids.workcenter_id",
        "bom_change_ids.new_bom_id.operation_ids.time_cycle_manual",
    )
    def _compute_bom_content_digest(self):
        for change in self:
            content = [
                {
                    "bom": bom.id,
                    "quantity": bom.product_qty,
                    "lines": sorted(
                        (line.product_id.id, line.product_qty, line.product_uom_id.id)
                        for line in bom.bom_line_ids
                    ),
                    "operations": sorted(
                        (operation.name, operation.workcenter_id.id, operation.time_cycle_manual)
                        for operation in bom.operation_ids
                    ),
                }
                for bom in change.sudo().bom_change_ids.new_bom_id.sorted("id")
            ]
            payload = json.dumps(content, sort_keys=True, default=str)
            change.bom_content_digest = hashlib.sha256(payload.encode()).hexdigest() if content else False

    @api.depends(*UDI_TRIGGERS)
    def _compute_udi_new_di_required(self):
        for change in self:
            change.udi_new_di_required = any(change[name] for name in UDI_TRIGGERS)

    @api.depends("production_ids")
    def _compute_production_count(self):
        for change in self:
            change.production_count = len(change.production_ids)

    def _compute_hold_count(self):
        holds = self.env["md.lot.hold"]._read_group(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)], ["res_id"], ["__count"]
        )
        counts = dict(holds)
        for change in self:
            change.hold_count = counts.get(change.id, 0)

    @api.depends("task_ids.done")
    def _compute_open_task_count(self):
        for change in self:
            change.open_task_count = len(change.task_ids.filtered(lambda t: not t.done))

    # --- create / write ------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "md.quality.change"
                ) or self.env._("New")
        return super().create(vals_list)

    # --- workflow --------------------------------------------------------------

    def _md_check_manager(self, action):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("%s is for quality managers.", action))

    def action_submit(self):
        self._md_check_state(("draft",), self.env._("Submitting for impact assessment"))
        self._md_write_transition({"state": "assessment"})
        return True

    def action_request_approval(self):
        self._md_check_state(("assessment",), self.env._("Requesting approval"))
        for change in self:
            change._md_check_assessment_complete()
        self._md_write_transition({"state": "approval"})
        return True

    def _md_check_assessment_complete(self):
        """ISO 13485 7.3.9: the significance and the effects of the change are
        assessed before it is reviewed and approved."""
        self.ensure_one()
        problems = []
        if not (self.impact_summary or "").strip():
            problems.append(self.env._("the risk and impact assessment"))
        if not self.stock_decision:
            problems.append(self.env._("the decision on stock and work in progress"))
        if self.stock_decision == "hold" and not self.stock_lot_ids:
            problems.append(self.env._("the lots to put on hold"))
        if self.regulatory_filing_required and not (self.regulatory_filing_note or "").strip():
            problems.append(self.env._("the regulatory filing to make"))
        if self.validation_required and not (self.validation_note or "").strip():
            problems.append(self.env._("the verification or validation plan"))
        if self.udi_new_di_required and not (self.udi_note or "").strip():
            problems.append(self.env._("the new UDI-DI and its database submissions (labeling notes)"))
        if problems:
            raise UserError(
                self.env._(
                    "Complete the impact assessment of %(change)s: %(missing)s.",
                    change=self.display_name,
                    missing=", ".join(problems),
                )
            )

    def action_return_to_assessment(self):
        """Back to the assessment: approvals given no longer apply."""
        self._md_check_state(("approval",), self.env._("Returning to the assessment"))
        self._md_valid_signatures()._md_void(self.env._("Change returned to impact assessment"))
        self.invalidate_recordset(["md_signature_ids", "md_signature_state"])
        self._md_write_transition({"state": "assessment"})
        return True

    def _md_required_meanings(self):
        """The approvals this change needs: reviewed and approved always, the
        regulatory approval when a regulatory filing is needed."""
        self.ensure_one()
        meanings = [REVIEWED, APPROVED]
        if self.regulatory_filing_required:
            meanings.append(REGULATORY_APPROVED)
        return meanings

    def _md_required_rules(self):
        self.ensure_one()
        return (
            self.env["md.signature.rule"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("meaning_code", "in", self._md_required_meanings()),
                    ("required", "=", True),
                ]
            )
        )

    def _md_missing_approvals(self):
        """The required signature rules of the change without a valid signature."""
        self.ensure_one()
        signed = set(self._md_valid_signatures().filtered(lambda s: s.res_id == self.id).mapped("meaning"))
        return self._md_required_rules().filtered(lambda rule: rule.meaning_code not in signed)

    def action_approve(self):
        self._md_check_manager(self.env._("Approving a change"))
        self._md_check_state(("approval",), self.env._("Approval"))
        for change in self:
            for meaning in change._md_required_meanings():
                change._md_check_required_signature(meaning)
        self._md_approve()
        return True

    def _md_approve(self):
        """Approved: implementation starts and the stock decision is carried out."""
        self._md_write_transition({"state": "implementation", "approved_on": fields.Datetime.now()})
        self.filtered(lambda change: change.stock_decision == "hold")._md_hold_stock()

    def _md_hold_stock(self):
        """Put the lots concerned on hold, naming the change as source (ISO 13485 8.3, 7.5.8)."""
        for change in self:
            already = (
                self.env["md.lot.hold"]
                .sudo()
                .search(
                    [
                        ("res_model", "=", self._name),
                        ("res_id", "=", change.id),
                        ("state", "=", "active"),
                    ]
                )
                .lot_id
            )
            lots = change.stock_lot_ids - already
            # The approved change authorises the hold, whoever gave the last signature.
            lots.sudo()._md_place_hold(
                "hold",
                self.env._("Change %(change)s: %(title)s", change=change.name, title=change.title),
                source=change,
            )

    def action_fill_stock_lots(self):
        """Lots of the affected products now in internal stock (one query)."""
        self._md_check_state(("draft", "assessment"), self.env._("Listing the lots in stock"))
        for change in self:
            # Listing lots only: every Medical Devices user may read lots, not every one stock levels.
            quants = (
                self.env["stock.quant"]
                .sudo()
                .search(
                    [
                        ("product_id.product_tmpl_id", "in", change.product_tmpl_ids.ids),
                        ("lot_id", "!=", False),
                        ("location_id.usage", "=", "internal"),
                        ("quantity", ">", 0),
                        ("company_id", "=", change.company_id.id),
                    ]
                )
            )
            change.stock_lot_ids = [
                Command.set(sorted(set(change.stock_lot_ids.ids) | set(quants.lot_id.ids)))
            ]
        return True

    def action_make_effective(self):
        self._md_check_manager(self.env._("Making a change effective"))
        self._md_check_state(("implementation",), self.env._("Making effective"))
        today = fields.Date.context_today(self)
        for change in self:
            if change.effective_date and change.effective_date > today:
                raise UserError(
                    self.env._(
                        "%(change)s becomes effective on %(date)s, not before.",
                        change=change.display_name,
                        date=change.effective_date,
                    )
                )
            blockers = change._md_effectivity_blockers()
            if blockers:
                raise UserError("\n".join(blockers))
        self._md_apply()
        return True

    def _md_effectivity_blockers(self):
        """What prevents the change from being applied today, as messages."""
        self.ensure_one()
        blockers = []
        if any(not check["valid"] for check in self.md_verify_signatures()):
            blockers.append(
                self.env._(
                    "%s changed after its approval (its new BoM versions or its content no longer match the "
                    "signatures): it cannot be made effective.",
                    self.display_name,
                )
            )
        if self.open_task_count:
            blockers.append(
                self.env._(
                    "%(change)s has %(count)s open implementation tasks.",
                    change=self.display_name,
                    count=self.open_task_count,
                )
            )
        today = fields.Date.context_today(self)
        for revision in self.document_revision_ids:
            if revision.state not in ("approved", "effective"):
                blockers.append(self.env._("The planned revision %s is not approved.", revision.display_name))
            elif revision.state == "approved" and revision.effective_date and revision.effective_date > today:
                blockers.append(
                    self.env._(
                        "The planned revision %(revision)s has a later effective date (%(date)s).",
                        revision=revision.display_name,
                        date=revision.effective_date,
                    )
                )
        return blockers

    def _md_apply(self):
        """The new BoM versions and document revisions become the ones in use
        (ISO 13485 4.2.4 e, 7.3.9)."""
        for change in self:
            change.bom_change_ids._md_activate()
            revisions = change.document_revision_ids.filtered(lambda r: r.state == "approved")
            revisions._md_make_effective()
            change._md_write_transition(
                {
                    "state": "effective",
                    "effective_on": fields.Datetime.now(),
                    "effective_date": change.effective_date or fields.Date.context_today(change),
                }
            )
            change.message_post(body=self.env._("The change is effective."))

    def action_cancel(self):
        self._md_check_manager(self.env._("Cancelling a change"))
        self._md_check_state((*OPEN_STATES, "implementation"), self.env._("Cancelling"))
        self.task_ids.activity_unlink(["md_quality.md_activity_change_task"])
        self._md_write_transition({"state": "cancelled"})
        return True

    @api.model
    def _cron_apply_effective(self):
        """Daily: apply approved changes whose effective date has come and
        nothing blocks; the others wait and their owner is told once."""
        today = fields.Date.context_today(self)
        due = self.search([("state", "=", "implementation"), ("effective_date", "<=", today)])
        ready = due.filtered(lambda change: not change._md_effectivity_blockers())
        ready._md_apply()
        for change in due - ready:
            _logger.info(
                "Change %s not applied: %s", change.name, "; ".join(change._md_effectivity_blockers())
            )
            if not change.activity_ids.filtered(
                lambda a: a.summary == self.env._("Change not yet effective")
            ):
                change.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Change not yet effective"),
                    note="<br/>".join(change._md_effectivity_blockers()),
                    user_id=change.user_id.id,
                )
        return ready

    # --- smart buttons -----------------------------------------------------------

    def action_view_productions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("mrp.mrp_production_action")
        action["domain"] = [("id", "in", self.production_ids.ids)]
        action["context"] = {}
        return action

    def action_view_holds(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("md_udi_trace.action_md_lot_hold")
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        action["context"] = {}
        return action

    # --- signatures ------------------------------------------------------------

    def _md_check_signable(self, meaning):
        not_in_approval = self.filtered(lambda change: change.state != "approval")
        if not_in_approval:
            raise UserError(
                self.env._(
                    "Only change requests in approval can be signed: %s",
                    ", ".join(not_in_approval.mapped("display_name")),
                )
            )
        for change in self:
            if meaning not in change._md_required_meanings():
                raise UserError(
                    self.env._(
                        "%(change)s is not signed as %(meaning)s (regulatory approval applies only to "
                        "changes that need a regulatory filing).",
                        change=change.display_name,
                        meaning=meaning,
                    )
                )
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        # The last required signature approves the change.
        complete = self.filtered(
            lambda change: (
                change.state == "approval"
                and change._md_required_rules()
                and not change._md_missing_approvals()
            )
        )
        # The signatures authorise the transition, whoever gave the last one (e.g. regulatory affairs).
        complete.sudo()._md_approve()
        return result
