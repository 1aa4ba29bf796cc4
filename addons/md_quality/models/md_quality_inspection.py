from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..sampling import iso2859
from .md_quality_inspection_plan import SEVERITIES, TRIGGERS

VERIFIED = "verified"
OPEN_STATES = ("draft", "in_progress")
DECIDED_STATES = ("passed", "failed")


class MdQualityInspection(models.Model):
    """One inspection of a received, produced or shipped quantity (ISO 13485
    7.4.3 verification of purchased product, 8.2.6 monitoring and measurement
    of product: evidence of conformity with the acceptance criteria and the
    identity of the person authorising release).

    The inspector's electronic signature ("verified") decides the result from
    the entered results: passed releases the quarantine the inspection placed,
    failed keeps the stock held and calls ``_md_on_failed()`` (NCR, 8.3).
    """

    _name = "md.quality.inspection"
    _description = "Quality Inspection"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.signable.mixin", "md.workflow.mixin"]
    _order = "id desc"

    # The decision is the signature's: who decided and when are written by it only.
    _md_transition_fields = ("inspector_id", "date_done")
    # What is inspected and the sampling plan it is judged against are fixed at creation.
    _md_create_only_fields = (
        "plan_id",
        "trigger",
        "company_id",
        "product_id",
        "partner_id",
        "picking_id",
        "production_id",
        "workorder_id",
        "quantity",
        "severity",
        "code_letter",
        "sample_size",
        "accept_number",
        "reject_number",
        "supplier_approval_id",
    )
    _md_closed_states = (*DECIDED_STATES, "cancelled")
    _md_editable_fields = ("note",)
    # Inspections are cancelled, never deleted: their quarantine holds name them.
    _md_deletable_states = ()

    _md_signed_fields = [
        "plan_id",
        "product_id",
        "lot_id",
        "lot_ids",
        "quantity",
        "sample_size",
        "accept_number",
        "line_ids",
        "measurement_ids",
        "defect_count",
    ]
    _md_sign_on_change = "refuse"
    _md_author_field = "create_uid"

    name = fields.Char(required=True, copy=False, readonly=True, default="/", index="trigram")
    plan_id = fields.Many2one(
        "md.quality.inspection.plan", required=True, index=True, ondelete="restrict", tracking=True
    )
    trigger = fields.Selection(TRIGGERS, required=True, index=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    product_id = fields.Many2one("product.product", required=True, index=True, tracking=True)
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        index=True,
        tracking=True,
        help="The inspected lot; empty when the inspection covers several serial numbers (see Lots/Serials).",
    )
    lot_ids = fields.Many2many(
        "stock.lot",
        "md_quality_inspection_lot_rel",
        "inspection_id",
        "lot_id",
        string="Lots/Serials",
        help="Every lot or serial number this inspection covers and, while it is open, keeps in quarantine.",
    )
    lot_count = fields.Integer(compute="_compute_lot_count", string="Lots/Serials Count")
    partner_id = fields.Many2one("res.partner", string="Supplier", index=True)
    picking_id = fields.Many2one("stock.picking", string="Transfer", index=True, ondelete="restrict")
    production_id = fields.Many2one(
        "mrp.production", string="Manufacturing Order", index=True, ondelete="restrict"
    )
    workorder_id = fields.Many2one("mrp.workorder", string="Work Order", index=True, ondelete="restrict")
    operation_id = fields.Many2one(related="plan_id.operation_id")
    quantity = fields.Float(string="Lot Size", digits="Product Unit of Measure", required=True, tracking=True)
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    sampling_method = fields.Selection(related="plan_id.sampling_method")
    sampling_scheme = fields.Selection(related="plan_id.sampling_scheme")
    supplier_approval_id = fields.Many2one(
        "md.quality.supplier.approval",
        string="Required by Supplier Approval",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
        help="The conditional supplier approval that requires 100 % incoming inspection: every unit "
        "of the receipt is inspected instead of a sample (ISO 13485 7.4.1, 7.4.3).",
    )
    severity = fields.Selection(SEVERITIES, default="normal", required=True, tracking=True)
    code_letter = fields.Char(string="Sample Size Code Letter")
    sample_size = fields.Integer(required=True, tracking=True)
    accept_number = fields.Integer(string="Acceptance Number (Ac)", tracking=True)
    reject_number = fields.Integer(string="Rejection Number (Re)", tracking=True)
    state = fields.Selection(
        [
            ("draft", "To Do"),
            ("in_progress", "In Progress"),
            ("passed", "Passed"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        index=True,
        tracking=True,
        readonly=True,
    )
    line_ids = fields.One2many("md.quality.inspection.line", "inspection_id", string="Test Items")
    measurement_ids = fields.One2many("md.quality.measurement", "inspection_id", string="Measured Values")
    defect_count = fields.Integer(
        compute="_compute_defect_count",
        store=True,
        string="Defective Units",
        help="Sampled units with a measured value outside its limits, plus the units failing checks.",
    )
    results_complete = fields.Boolean(compute="_compute_results_complete")
    samples_to_prepare = fields.Boolean(
        compute="_compute_samples_to_prepare",
        help="A measured characteristic has fewer rows than samples to measure.",
    )
    inspector_id = fields.Many2one("res.users", string="Decided By", readonly=True, tracking=True)
    date_done = fields.Datetime(string="Decided On", readonly=True, tracking=True)
    note = fields.Html()

    _sql_constraints = [
        ("sample_size_positive", "CHECK(sample_size > 0)", "The sample size must be at least 1."),
        ("accept_below_reject", "CHECK(accept_number < reject_number)", "Ac must be below Re."),
    ]

    @api.depends("lot_ids")
    def _compute_lot_count(self):
        for inspection in self:
            inspection.lot_count = len(inspection.lot_ids)

    @api.depends("line_ids.defect_units", "measurement_ids.out_of_limits", "measurement_ids.sample_no")
    def _compute_defect_count(self):
        for inspection in self:
            bad_samples = {m.sample_no for m in inspection.measurement_ids if m.out_of_limits}
            check_defects = sum(
                inspection.line_ids.filtered(lambda line: line.test_type != "measurement").mapped(
                    "defect_units"
                )
            )
            inspection.defect_count = min(len(bad_samples) + check_defects, inspection.sample_size or 0)

    @api.depends("line_ids.complete")
    def _compute_results_complete(self):
        for inspection in self:
            inspection.results_complete = all(inspection.line_ids.mapped("complete"))

    @api.depends("line_ids.measurement_ids", "line_ids.required_value_count")
    def _compute_samples_to_prepare(self):
        for inspection in self:
            inspection.samples_to_prepare = bool(inspection.line_ids._md_samples_missing())

    @api.constrains("sample_size", "quantity")
    def _check_sample_size(self):
        for inspection in self:
            if inspection.quantity <= 0:
                raise ValidationError(
                    self.env._("Inspection %s needs a lot size above zero.", inspection.name)
                )
            if inspection.sample_size > max(inspection.quantity, 1):
                raise ValidationError(
                    self.env._("The sample of inspection %s is larger than its lot.", inspection.name)
                )

    @api.constrains("lot_id", "lot_ids", "product_id")
    def _check_lots(self):
        for inspection in self:
            lots = inspection.lot_ids | inspection.lot_id
            if lots.product_id - inspection.product_id:
                raise ValidationError(
                    self.env._("The lots of inspection %s must be of its product.", inspection.name)
                )

    # --- creation ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        plans = self.env["md.quality.inspection.plan"].browse(
            {v["plan_id"] for v in vals_list if v.get("plan_id")}
        )
        items_by_plan = {plan.id: plan.sudo().item_ids for plan in plans}
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("md.quality.inspection") or "/"
            plan = plans.browse(vals.get("plan_id"))
            if plan:
                vals.setdefault("trigger", plan.trigger)
                vals.setdefault("company_id", plan.company_id.id)
            if vals.get("lot_id") and not vals.get("lot_ids"):
                vals["lot_ids"] = [Command.set([vals["lot_id"]])]
            if plan and "line_ids" not in vals:
                vals["line_ids"] = [
                    Command.create(self.env["md.quality.inspection.line"]._md_vals_from_item(item))
                    for item in items_by_plan[plan.id]
                ]
        return super().create(vals_list)

    @api.model
    def _md_create_inspections(self, groups, quarantine=True):
        """Create the inspections of the triggering operation in one batch and
        place their lots in quarantine (ISO 13485 7.5.8 status identification:
        not usable until inspected).

        :param groups: list of dicts with ``plan`` (record), ``product`` (record),
            ``lots`` (stock.lot recordset), ``quantity`` and optionally
            ``partner``, ``picking``, ``production``, ``workorder``, ``company``
            and ``supplier_approval`` (a conditional approval requiring 100 %
            incoming inspection: every unit is inspected, no sampling).
        """
        if not groups:
            return self.browse()
        severities = (
            self.env["md.quality.plan.severity"]
            .sudo()
            ._md_current([(g["plan"], g.get("partner"), g["product"]) for g in groups])
        )
        vals_list = []
        for group in groups:
            plan, product, lots = group["plan"], group["product"], group["lots"]
            severity = severities[
                (plan.id, group["partner"].id if group.get("partner") else False, product.id)
            ]
            approval = group.get("supplier_approval")
            if approval:
                # The supplier's conditional approval requires every unit inspected: the plan's sampling
                # is tightened to 100 %; not sampled by the plan's table, the lot does not count for
                # switching (no code letter).
                sampling = plan._md_all_units(plan._md_lot_units(group["quantity"]))
            else:
                sampling = plan._md_sampling(group["quantity"], severity)
            vals_list.append(
                {
                    "plan_id": plan.id,
                    "product_id": product.id,
                    "lot_id": lots.id if len(lots) == 1 else False,
                    "lot_ids": [Command.set(lots.ids)],
                    "quantity": group["quantity"],
                    "severity": severity,
                    "partner_id": group.get("partner") and group["partner"].id,
                    "picking_id": group.get("picking") and group["picking"].id,
                    "production_id": group.get("production") and group["production"].id,
                    "workorder_id": group.get("workorder") and group["workorder"].id,
                    "supplier_approval_id": approval.id if approval else False,
                    "company_id": (group.get("company") or plan.company_id).id,
                    **sampling,
                }
            )
        inspections = self.sudo().create(vals_list)
        if quarantine:
            for inspection in inspections.filtered("lot_ids"):
                inspection.lot_ids.sudo()._md_place_hold(
                    "quarantine",
                    self.env._("Under inspection %s", inspection.name),
                    source=inspection,
                )
        return inspections

    # --- workflow ------------------------------------------------------------------

    def action_start(self):
        not_draft = self.filtered(lambda i: i.state != "draft")
        if not_draft:
            raise UserError(
                self.env._("Only inspections to do can be started: %s", ", ".join(not_draft.mapped("name")))
            )
        self._md_write_transition({"state": "in_progress"})
        self.line_ids._md_prepare_samples()
        return True

    def action_md_prepare_samples(self):
        """Prepare the missing sample rows of open inspections (also those started before rows were
        prepared): the inspector fills values, never adds a line per value."""
        self._md_check_state(OPEN_STATES, self.env._("Preparing the sample rows"))
        self.line_ids._md_prepare_samples()
        return True

    def action_cancel(self):
        decided = self.filtered(lambda i: i.state not in OPEN_STATES)
        if decided:
            raise UserError(
                self.env._("Only open inspections can be cancelled: %s", ", ".join(decided.mapped("name")))
            )
        self._md_write_transition({"state": "cancelled"})
        self._md_quarantine_holds()._md_release(self.env._("Inspection cancelled"))
        return True

    def _md_quarantine_holds(self):
        return (
            self.env["md.lot.hold"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("state", "=", "active"),
                    ("hold_type", "=", "quarantine"),
                ]
            )
        )

    def _md_missing_results(self):
        """Names of the test items still lacking results (a missing photo aside), per inspection."""
        return {
            inspection.id: inspection.line_ids.filtered(lambda line: not line._md_results_entered()).mapped(
                "name"
            )
            for inspection in self
        }

    def _md_missing_photos(self):
        """Names of the test items whose required photo is not attached, per inspection."""
        return {
            inspection.id: inspection.line_ids.filtered("photo_missing").mapped("name") for inspection in self
        }

    # --- signature decides the result ------------------------------------------------

    def _md_check_signable(self, meaning):
        if meaning == VERIFIED:
            closed = self.filtered(lambda i: i.state not in OPEN_STATES)
            if closed:
                raise UserError(
                    self.env._("These inspections are already decided: %s", ", ".join(closed.mapped("name")))
                )
            self._md_check_results_complete()
        return super()._md_check_signable(meaning)

    def _md_check_results_complete(self):
        """ISO 13485:2016 8.2.6: the decision rests on every result the plan requires, photos included."""
        photos = self._md_missing_photos()
        for inspection, missing in self._md_missing_results().items():
            if missing:
                raise UserError(
                    self.env._(
                        "Inspection %(name)s lacks results for: %(items)s",
                        name=self.browse(inspection).name,
                        items=", ".join(missing),
                    )
                )
            if photos[inspection]:
                raise UserError(
                    self.env._(
                        "Inspection %(name)s cannot be signed: the photo required for %(items)s is missing. "
                        "Attach it to the result, then sign.",
                        name=self.browse(inspection).name,
                        items=", ".join(photos[inspection]),
                    )
                )

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        signed = self.browse({s.res_id for s in signatures if s.meaning == VERIFIED})
        signed.filtered(lambda i: i.state in OPEN_STATES)._md_decide()
        return result

    def _md_decide(self):
        """Accept or reject on the counted defective units (ISO 2859-1 7.4:
        accept when defects <= Ac, reject when defects >= Re; a reduced plan
        accepts between them), then release or keep the quarantine."""
        self._md_check_required_signature(VERIFIED)
        passed = self.filtered(lambda i: i._md_lot_decision().accepted)
        failed = self - passed
        now = fields.Datetime.now()
        for state, records in (("passed", passed), ("failed", failed)):
            records._md_write_transition({"state": state, "inspector_id": self.env.user.id, "date_done": now})
        if passed:
            passed._md_quarantine_holds()._md_release(self.env._("Inspection passed"))
        self.env["md.quality.plan.severity"].sudo()._md_update_from(self)
        if failed:
            failed._md_on_failed()
        return True

    def _md_sampling_plan(self):
        self.ensure_one()
        return iso2859.SamplingPlan(
            self.code_letter or "", self.sample_size, self.accept_number, self.reject_number
        )

    def _md_lot_decision(self):
        """Decision on the defective units counted (ISO 2859-1 / Z1.4 single sampling)."""
        self.ensure_one()
        return self._md_sampling_plan().judge(self.defect_count)

    def _md_on_failed(self):
        """Hook called with the inspections that just failed (ISO 13485 8.3:
        the nonconforming product stays held until its disposition).
        md_quality's NCR feature extends it to open a nonconformance report."""
        return None

    def _md_action_open(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("md_quality.md_quality_inspection_action")
        action["domain"] = [("id", "in", self.ids)]
        action["context"] = {}
        if len(self) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=self.id)
        return action

    # --- lots -------------------------------------------------------------------------

    @api.model
    def _md_conceded_failures(self, lot_ids, inspection_ids):
        """``{(lot_id, inspection_id)}``: the failed inspections among ``inspection_ids``
        whose lot was accepted under concession (ISO 13485:2016 8.3.2, 21 CFR 820.90(b)).
        None here; the nonconformance feature extends it (md_quality_inspection_ncr.py)."""
        return set()

    @api.model
    def _md_lot_blockers(self, lots):
        """Release blockers from inspections for ``lots`` (ISO 13485 8.2.6):
        open or failed inspections covering a lot, and each release-required
        final plan of the lot's product without a passed inspection of it.
        Two queries for all lots, a third when some inspection failed:
        ``{lot_id: [message, ...]}``."""
        blockers = {lot.id: [] for lot in lots}
        if not lots:
            return blockers
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT rel.lot_id, i.id, i.name, i.state, i.plan_id
                  FROM md_quality_inspection_lot_rel rel
                  JOIN md_quality_inspection i ON i.id = rel.inspection_id
                 WHERE rel.lot_id = ANY(%s) AND i.state != 'cancelled'
              ORDER BY i.id
                """,
                lots.ids,
            )
        )
        rows = self.env.cr.fetchall()
        # A failed inspection stops blocking once a later inspection of the same plan passed
        # (re-inspection after rework, ISO 13485 8.3.4), or once the lot was accepted under a
        # signed concession of the closed NCR the failure opened (ISO 13485:2016 8.3.2,
        # 21 CFR 820.90(b)): the plan's inspection then counts as accepted for release too.
        last_pass = {
            (lot_id, plan_id): id_ for lot_id, id_, _name, state, plan_id in rows if state == "passed"
        }
        failed = [(lot_id, id_) for lot_id, id_, _name, state, _plan_id in rows if state == "failed"]
        conceded = (
            self._md_conceded_failures({lot_id for lot_id, _id in failed}, {id_ for _lot, id_ in failed})
            if failed
            else set()
        )
        accepted = set(last_pass) | {
            (lot_id, plan_id) for lot_id, id_, _name, _state, plan_id in rows if (lot_id, id_) in conceded
        }
        state_labels = dict(self._fields["state"]._description_selection(self.env))
        for lot_id, id_, name, state, plan_id in rows:
            if state in OPEN_STATES or (
                state == "failed"
                and last_pass.get((lot_id, plan_id), 0) < id_
                and (lot_id, id_) not in conceded
            ):
                blockers[lot_id].append(
                    self.env._("Inspection %(name)s is %(state)s.", name=name, state=state_labels[state])
                )
        plans_by_product = self.env["md.quality.inspection.plan"]._md_plans_by_product(
            "final", lots.product_id
        )
        inspected = {(lot_id, plan_id) for lot_id, _id, _name, _state, plan_id in rows}
        for lot in lots:
            for plan in plans_by_product.get(lot.product_id.id, []):
                if (
                    plan.required_for_release
                    and plan.company_id in (lot.company_id or plan.company_id)
                    and (lot.id, plan.id) not in accepted
                ):
                    blockers[lot.id].append(
                        self._md_required_plan_blocker(plan, (lot.id, plan.id) in inspected)
                    )
        return blockers

    @api.model
    def _md_required_plan_blocker(self, plan, inspected):
        """The blocker of a required final plan without a passed inspection; when the lot has no
        inspection of it at all, the message names the action that creates it (the DHR's button)."""
        if inspected:
            return self.env._("No passed inspection of the required plan %s.", plan.name)
        return self.env._(
            'No final inspection of the required plan %s yet: use "Create Final Inspection" on the '
            "device history record.",
            plan.name,
        )
