from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

QUALITY_MANAGER = "md_base.group_md_quality_manager"
QUALITY_INSPECTOR = "md_base.group_md_quality_inspector"

# The signature meaning that closes an NCR (21 CFR 11.50: the meaning is part of the record;
# md_quality_signature_meaning_data.xml).
CLOSE_MEANING = "closed"

SOURCES = [
    ("inspection", "Inspection"),
    ("production", "Production"),
    ("complaint", "Complaint"),
    ("audit", "Internal Audit"),
    ("supplier", "Supplier"),
    ("customer_return", "Customer Return"),
    ("storage", "Storage Conditions"),
]

# Cause categories (the "6M" of a cause-and-effect analysis) for the pivot/graph views.
CAUSES = [
    ("material", "Material / Component"),
    ("method", "Method / Procedure"),
    ("machine", "Equipment / Tooling"),
    ("people", "People / Training"),
    ("measurement", "Measurement / Inspection"),
    ("environment", "Environment"),
    ("design", "Design"),
    ("supplier", "Supplier"),
    ("unknown", "Unknown"),
]

STATES = [
    ("open", "Open"),
    ("containment", "Containment"),
    ("mrb", "MRB Review"),
    ("disposition", "Disposition"),
    ("closed", "Closed"),
]


class MdQualityNcr(models.Model):
    """A nonconformance report (ISO 13485:2016 8.3; 21 CFR 820 / QMSR).

    8.3.1: nonconforming product is identified and segregated (containment
    holds on its lots through md.lot.hold, the one hold mechanism), evaluated
    (investigation) and disposed of by the material review board (disposition
    lines executed as real Odoo operations). 8.3.2: a concession needs a
    justification and an approval (e-signature). 8.3.3: after delivery, a
    recall/advisory notice can be started from here. 8.3.4: reworked product is
    re-verified. The NCR is closed by an e-signature once every disposition is
    done and its holds are resolved.
    """

    _name = "md.quality.ncr"
    _description = "Nonconformance Report"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.signable.mixin", "md.workflow.mixin"]
    _order = "date_detected desc, id desc"

    _md_signed_fields = [
        "name",
        "product_id",
        "lot_ids",
        "quantity",
        "severity",
        "description",
        "investigation",
        "cause",
        "disposition_ids",
    ]
    _md_sign_on_change = "refuse"
    _md_transition_fields = ("closed_by_id", "date_closed")
    _md_create_only_fields = ("name", "company_id", "legacy_number")
    _md_closed_states = ("closed",)
    _md_editable_fields = ("user_id",)
    # ISO 13485 4.2.5: a nonconformance is a quality record, kept, never deleted.
    _md_deletable_states = ()

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    state = fields.Selection(STATES, required=True, default="open", tracking=True, index=True, copy=False)
    source = fields.Selection(SOURCES, required=True, default="production", tracking=True, index=True)
    legacy_number = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Its number in the legacy system it was migrated from at go-live (ISO 13485:2016 4.2.5).",
    )
    origin = fields.Char(
        string="Source Reference",
        tracking=True,
        help="The document or event where the nonconformity was found (audit finding, complaint number...).",
    )
    inspection_id = fields.Many2one(
        "md.quality.inspection",
        check_company=True,
        tracking=True,
        index="btree_not_null",
        help="The failed inspection that found the nonconformity.",
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Receipt / Transfer",
        check_company=True,
        tracking=True,
        help="The receipt the material came in with: returns to the supplier are made from it.",
    )
    # Indexed: the first-pass yield report looks up the NCRs of each order (a scan of every NCR
    # per order without it: minutes at 100,000 orders; tests/benchmarks/bench_five_years.py).
    production_id = fields.Many2one(
        "mrp.production",
        string="Manufacturing Order",
        check_company=True,
        tracking=True,
        index="btree_not_null",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Supplier / Customer", tracking=True, help="Whom the material came from."
    )
    product_id = fields.Many2one(
        "product.product", required=True, check_company=True, tracking=True, index=True
    )
    product_tracking = fields.Selection(related="product_id.tracking")
    lot_ids = fields.Many2many(
        "stock.lot",
        "md_quality_ncr_stock_lot_rel",
        "ncr_id",
        "lot_id",
        string="Lots/Serial Numbers",
        domain="[('product_id', '=', product_id)]",
        check_company=True,
    )
    quantity = fields.Float(
        string="Nonconforming Quantity", required=True, digits="Product Unit of Measure", tracking=True
    )
    uom_id = fields.Many2one(
        "uom.uom",
        string="Unit of Measure",
        compute="_compute_uom_id",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    severity = fields.Selection(
        [("critical", "Critical"), ("major", "Major"), ("minor", "Minor")],
        required=True,
        default="major",
        tracking=True,
        index=True,
    )
    description = fields.Text(string="Nonconformity", required=True, help="What does not conform, to what.")
    containment = fields.Text(string="Containment Actions", tracking=True)
    investigation = fields.Text(
        help="Evaluation of the nonconformity (ISO 13485 8.3.1): cause, extent, need to notify."
    )
    cause = fields.Selection(CAUSES, string="Cause Category", tracking=True, index=True)
    detected_by_id = fields.Many2one(
        "res.users", required=True, default=lambda self: self.env.user, tracking=True
    )
    date_detected = fields.Datetime(string="Detected On", required=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True, index=True
    )
    disposition_ids = fields.One2many("md.quality.ncr.disposition", "ncr_id", string="Dispositions")
    disposed_quantity = fields.Float(
        compute="_compute_disposed_quantity", store=True, digits="Product Unit of Measure"
    )
    hold_ids = fields.Many2many("md.lot.hold", compute="_compute_hold_ids", string="Holds Placed")
    active_hold_count = fields.Integer(compute="_compute_hold_ids", string="Active Holds")
    scrap_count = fields.Integer(compute="_compute_operation_counts")
    picking_count = fields.Integer(compute="_compute_operation_counts")
    production_count = fields.Integer(compute="_compute_operation_counts")
    repair_count = fields.Integer(compute="_compute_operation_counts")
    recall_count = fields.Integer(compute="_compute_recall_count")
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
    @api.depends("product_id")
    def _compute_uom_id(self):
        for ncr in self:
            if ncr.product_id and (
                not ncr.uom_id or ncr.uom_id.category_id != ncr.product_id.uom_id.category_id
            ):
                ncr.uom_id = ncr.product_id.uom_id

    @api.depends("disposition_ids.quantity")
    def _compute_disposed_quantity(self):
        for ncr in self:
            ncr.disposed_quantity = sum(ncr.disposition_ids.mapped("quantity"))

    def _compute_hold_ids(self):
        holds = (
            self.env["md.lot.hold"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
            if self.ids
            else self.env["md.lot.hold"]
        )
        for ncr in self:
            own = holds.filtered(lambda h, ncr=ncr: h.res_id == ncr.id)
            ncr.hold_ids = own
            ncr.active_hold_count = len(own.filtered(lambda h: h.state == "active"))

    @api.depends(
        "disposition_ids.scrap_id",
        "disposition_ids.picking_id",
        "disposition_ids.production_id",
        "disposition_ids.repair_id",
    )
    def _compute_operation_counts(self):
        for ncr in self:
            lines = ncr.disposition_ids
            ncr.scrap_count = len(lines.scrap_id)
            ncr.picking_count = len(lines.picking_id)
            ncr.production_count = len(lines.production_id)
            ncr.repair_count = len(lines.repair_id)

    def _compute_recall_count(self):
        counts = dict(
            self.env["md.recall"]
            .sudo()
            ._read_group(
                [("source_model", "=", self._name), ("source_res_id", "in", self.ids)],
                ["source_res_id"],
                ["__count"],
            )
        )
        for ncr in self:
            ncr.recall_count = counts.get(ncr.id, 0)

    @api.constrains("quantity")
    def _check_quantity(self):
        for ncr in self:
            if ncr.quantity <= 0:
                raise ValidationError(
                    self.env._("The nonconforming quantity of %s must be positive.", ncr.display_name)
                )
            if ncr.disposed_quantity - ncr.quantity >= (ncr.uom_id.rounding or 0.01):
                raise ValidationError(
                    self.env._(
                        "%(ncr)s: the dispositions already cover %(disposed)s, more than %(quantity)s.",
                        ncr=ncr.name,
                        disposed=ncr.disposed_quantity,
                        quantity=ncr.quantity,
                    )
                )

    @api.constrains("lot_ids")
    def _check_held_lots_kept(self):
        holds = self._md_active_holds()
        for ncr in self:
            dropped = holds.filtered(lambda h, ncr=ncr: h.res_id == ncr.id).lot_id - ncr.lot_ids
            if dropped:
                # The hold would lose its NCR: release it explicitly first (ISO 13485 8.3).
                raise ValidationError(
                    self.env._(
                        "%(ncr)s holds %(lots)s: release its hold before removing it from the report.",
                        ncr=ncr.name,
                        lots=", ".join(dropped.mapped("name")),
                    )
                )

    @api.constrains("lot_ids", "product_id")
    def _check_lots_product(self):
        for ncr in self:
            foreign = ncr.lot_ids.filtered(lambda lot, ncr=ncr: lot.product_id != ncr.product_id)
            if foreign:
                raise ValidationError(
                    self.env._(
                        "%(ncr)s: the lots/serials %(lots)s are not of the product %(product)s.",
                        ncr=ncr.display_name,
                        lots=", ".join(foreign.mapped("name")),
                        product=ncr.product_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("md.quality.ncr") or "/"
                )
        ncrs = super().create(vals_list)
        self.env["md.event"]._md_emit("ncr.opened", ncrs, lambda ncr: ncr._md_event_data())
        return ncrs

    def _md_event_data(self):
        """What integrators hear of a new nonconformance (md_base's event outbox)."""
        return {
            "ncr": self.name,
            "source": self.source,
            "severity": self.severity or None,
            "product_id": self.product_id.id or None,
            "lot_ids": self.lot_ids.ids,
            "lots": self.lot_ids.mapped("name"),
            "description": self.description,
        }

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def _md_set_state(self, state):
        self._md_write_transition({"state": state})

    def _md_check_group(self, group, action):
        if not self.env.user.has_group(group):
            raise AccessError(
                self.env._(
                    "%(action)s needs the group %(group)s.",
                    action=action,
                    group=self.env.ref(group).full_name,
                )
            )

    def _md_containment_hold_type(self):
        """Material rejected at an inspection is "rejected"; anything else is "on hold"
        until the MRB decides (ISO 13485 8.3.1 identification of status)."""
        self.ensure_one()
        return "rejected" if self.source == "inspection" else "hold"

    def action_contain(self):
        """Identify and segregate (ISO 13485 8.3.1): hold every lot of the NCR that this NCR
        does not hold yet, so it cannot be reserved, consumed or delivered."""
        self._md_check_group(QUALITY_INSPECTOR, self.env._("Containment"))
        self._md_check_state(("open", "containment"), self.env._("Containment"))
        return self._md_contain()

    def _md_contain(self):
        for ncr in self:
            if not ncr.lot_ids:
                raise UserError(self.env._("%s names no lot/serial number to put on hold.", ncr.display_name))
            held = ncr.hold_ids.filtered(lambda h: h.state == "active").lot_id
            to_hold = ncr.lot_ids - held
            # Inspectors contain without the right to manage holds: the NCR is the
            # authorised source of the hold (md.lot.hold res_model/res_id).
            to_hold.sudo()._md_place_hold(
                ncr._md_containment_hold_type(),
                self.env._(
                    "Nonconformance %(ncr)s: %(description)s", ncr=ncr.name, description=ncr.description
                ),
                source=ncr,
            )
            if ncr.state == "open":
                ncr._md_set_state("containment")
        return True

    def _md_note(self, body):
        """A workflow note in the chatter, written whatever the user's rights on the NCR and
        whether or not the user has an email address (the author is still the user)."""
        for ncr in self:
            ncr.sudo().message_post(body=body)

    def _md_notify_quality(self):
        """An activity for each quality manager of the company: a new nonconformance
        needs evaluation and disposition without undue delay (ISO 13485 8.3.1)."""
        for ncr in self:
            for user in ncr.company_id._md_quality_managers():
                ncr.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=self.env._("Evaluate nonconformance %s", ncr.name),
                    note=ncr.description,
                )

    def action_mrb_review(self):
        """Hand the evaluated nonconformity to the material review board."""
        self._md_check_group(QUALITY_INSPECTOR, self.env._("MRB review"))
        self._md_check_state(("open", "containment"), self.env._("MRB review"))
        for ncr in self:
            if not (ncr.investigation or "").strip():
                raise UserError(
                    self.env._(
                        "Record the investigation of %s before the MRB review (ISO 13485 8.3.1 evaluation).",
                        ncr.name,
                    )
                )
        self._md_set_state("mrb")
        return True

    def action_decide_disposition(self):
        """The MRB decided: the disposition lines are fixed and can be executed."""
        self._md_check_group(QUALITY_MANAGER, self.env._("Deciding the disposition"))
        self._md_check_state(("mrb",), self.env._("Deciding the disposition"))
        for ncr in self:
            if not ncr.disposition_ids:
                raise UserError(self.env._("Add the MRB's dispositions to %s first.", ncr.name))
        self._md_set_state("disposition")
        return True

    def action_back_to_mrb(self):
        self._md_check_group(QUALITY_MANAGER, self.env._("Returning to MRB review"))
        self._md_check_state(("disposition",), self.env._("Returning to MRB review"))
        if self.disposition_ids.filtered(lambda d: d.state != "draft"):
            raise UserError(self.env._("Dispositions already executed: the MRB decision stands."))
        self._md_set_state("mrb")
        return True

    # ------------------------------------------------------------------
    # Holds after disposition
    # ------------------------------------------------------------------
    def _md_active_holds(self):
        return (
            self.env["md.lot.hold"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids), ("state", "=", "active")])
        )

    def _md_settle_holds(self):
        """Resolve this NCR's holds on each lot whose dispositions are all finished
        (ISO 13485 8.3): a lot used as is, reworked or repaired is released; a lot that
        was only scrapped or returned stays identified as rejected."""
        holds = self._md_active_holds()
        for ncr in self:
            for lot in ncr.lot_ids:
                lines = ncr.disposition_ids.filtered(lambda d, lot=lot: d.lot_id == lot)
                lot_holds = holds.filtered(lambda h, ncr=ncr, lot=lot: h.res_id == ncr.id and h.lot_id == lot)
                if not lines or not lot_holds or lines.filtered(lambda d: d.state not in ("done", "failed")):
                    continue
                ncr._md_settle_lot_holds(lot, lines, lot_holds)

    def _md_settle_lot_holds(self, lot, lines, lot_holds):
        self.ensure_one()
        done = lines.filtered(lambda d: d.state == "done")
        type_labels = dict(lines._fields["disposition_type"]._description_selection(self.env))
        summary = ", ".join(sorted({type_labels[t] for t in done.mapped("disposition_type")}))
        if done.filtered(lambda d: d.disposition_type in ("concession", "rework", "repair")):
            lot_holds._md_release(
                self.env._("Disposition of %(ncr)s completed: %(summary)s", ncr=self.name, summary=summary)
            )
            return
        if lines.filtered(lambda d: d.state == "failed"):
            lot_holds._md_release(
                self.env._(
                    "Re-inspection after rework failed: the nonconformity continues in a new "
                    "nonconformance report (%s).",
                    self.name,
                )
            )
            return
        pending = lot_holds.filtered(lambda h: h.hold_type != "rejected")
        if pending:
            pending._md_release(self.env._("Lot rejected by %s (scrap / return to supplier).", self.name))
            if not lot_holds - pending:
                lot.sudo()._md_place_hold(
                    "rejected",
                    self.env._("Rejected by %(ncr)s: %(summary)s", ncr=self.name, summary=summary),
                    source=self,
                )

    # ------------------------------------------------------------------
    # Closure (e-signed)
    # ------------------------------------------------------------------
    def _md_closure_blockers(self):
        """What still prevents closing this NCR (ISO 13485 8.3: disposition complete, records kept)."""
        self.ensure_one()
        blockers = []
        if self.state != "disposition":
            blockers.append(self.env._("the MRB has not decided the disposition"))
        open_lines = self.disposition_ids.filtered(lambda d: d.state not in ("done", "failed"))
        if open_lines:
            blockers.append(
                self.env._("dispositions not done: %s", ", ".join(open_lines.mapped("display_name")))
            )
        rounding = self.uom_id.rounding or 0.01
        if abs(self.disposed_quantity - self.quantity) >= rounding:
            blockers.append(
                self.env._(
                    "dispositions cover %(disposed)s of %(quantity)s %(uom)s",
                    disposed=self.disposed_quantity,
                    quantity=self.quantity,
                    uom=self.uom_id.name,
                )
            )
        unresolved = self._md_active_holds().filtered(lambda h: h.hold_type != "rejected")
        if unresolved:
            blockers.append(
                self.env._("holds still unresolved on %s", ", ".join(unresolved.lot_id.mapped("name")))
            )
        return blockers

    def _md_check_closable(self):
        for ncr in self:
            if ncr.state == "closed":
                raise UserError(self.env._("%s is already closed.", ncr.name))
            blockers = ncr._md_closure_blockers()
            if blockers:
                raise UserError(
                    self.env._(
                        "%(ncr)s cannot be closed yet:\n- %(blockers)s",
                        ncr=ncr.name,
                        blockers="\n- ".join(blockers),
                    )
                )

    def _md_check_signable(self, meaning):
        if meaning == CLOSE_MEANING:
            self._md_check_closable()
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        closing = self.browse(signatures.filtered(lambda s: s.meaning == CLOSE_MEANING).mapped("res_id"))
        closing.filtered(lambda n: n.state == "disposition")._md_close()
        return result

    def _md_close(self):
        self._md_check_closable()
        self._md_check_required_signature(CLOSE_MEANING)
        self._md_write_transition(
            {"state": "closed", "closed_by_id": self.env.user.id, "date_closed": fields.Datetime.now()}
        )
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_close(self):
        """Closing is signed (21 CFR 11.50): check first, then open the signing dialog."""
        self.ensure_one()
        self._md_check_group(QUALITY_MANAGER, self.env._("Closing a nonconformance"))
        self._md_check_closable()
        return self.action_md_sign()

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def _md_open_records(self, model, records, name):
        action = {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "domain": [("id", "in", records.ids)],
            "view_mode": "list,form",
        }
        if len(records) == 1:
            action.update(view_mode="form", res_id=records.id)
        return action

    def action_open_scraps(self):
        return self._md_open_records("stock.scrap", self.disposition_ids.scrap_id, self.env._("Scrap Orders"))

    def action_open_pickings(self):
        return self._md_open_records("stock.picking", self.disposition_ids.picking_id, self.env._("Returns"))

    def action_open_productions(self):
        return self._md_open_records(
            "mrp.production", self.disposition_ids.production_id, self.env._("Rework Orders")
        )

    def action_open_repairs(self):
        return self._md_open_records(
            "repair.order", self.disposition_ids.repair_id, self.env._("Repair Orders")
        )

    # ------------------------------------------------------------------
    # Recall (ISO 13485 8.3.3: nonconforming product detected after delivery)
    # ------------------------------------------------------------------
    def action_start_recall(self):
        """Start a recall / advisory notice of the NCR's lots (md_regulatory) and open it."""
        self.ensure_one()
        if not self.lot_ids:
            raise UserError(self.env._("%s names no lot/serial number to recall.", self.name))
        recall_id = self.env["md.recall"].md_create_from_lots(
            self.lot_ids.ids,
            {
                "source": "nonconformance",
                "source_model": self._name,
                "source_res_id": self.id,
                "description": self.description,
            },
        )
        # Regulatory Affairs start recalls without the right to edit the NCR: the note links both.
        self._md_note(self.env._("Recall started: %s", self.env["md.recall"].browse(recall_id).display_name))
        return {
            "type": "ir.actions.act_window",
            "res_model": "md.recall",
            "res_id": recall_id,
            "view_mode": "form",
        }

    def action_open_recalls(self):
        recalls = self.env["md.recall"].search(
            [("source_model", "=", self._name), ("source_res_id", "in", self.ids)]
        )
        return self._md_open_records("md.recall", recalls, self.env._("Recalls"))

    def action_open_holds(self):
        return self._md_open_records("md.lot.hold", self.hold_ids, self.env._("Holds"))
