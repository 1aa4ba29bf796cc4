from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

RELEASED = "released"
REJECTED = "rejected"
DHR_STATES = [("pending", "Pending Release"), ("released", "Released"), ("rejected", "Rejected")]
# The decision on a DHR is a signature with one of these meanings (ISO 13485 8.2.6:
# the person authorising release is recorded); the DHR then takes this state.
DECISION_STATES = {RELEASED: "released", REJECTED: "rejected"}


class MdQualityDhr(models.Model):
    """Device history record of one finished lot/serial of one manufacturing
    order (21 CFR 820.184 / QMSR 820.35 with ISO 13485 7.5.1, 7.5.9, 8.2.6):
    compiled when the order is done from what was recorded: quantities,
    components consumed, operations with operators and times, controlled
    document revisions in effect, changes in effect. Inspections,
    nonconformances, holds and UDI labels of the lot are read live, because they
    may come after production.

    Batch release is the decision on this record: a QA release approver who
    took no part in the production signs it "released" (or "rejected") once
    nothing blocks the lot (``stock.lot._md_release_blockers``). Nobody writes
    a DHR: it is created by the system and changes state only by signature.
    """

    _name = "md.quality.dhr"
    _description = "Device History Record"
    _inherit = ["mail.thread", "md.signable.mixin", "md.workflow.mixin"]
    _order = "id desc"
    _check_company_auto = True
    # Reading the record is enough to comment on it (posting needs no write access).
    _mail_post_access = "read"

    _md_signed_fields = [
        "name",
        "production_id",
        "lot_id",
        "product_id",
        "qty_planned",
        "qty_produced",
        "qty_scrapped",
        "component_ids",
        "operation_ids",
        "document_revision_ids",
        "change_ids",
    ]
    _md_sign_on_change = "refuse"
    # Compiled by the system from what production recorded; decided by signature only.
    _md_transition_fields = ("decision_by_id", "decision_on", "decision_reason")
    _md_create_only_fields = (
        "name",
        "company_id",
        "production_id",
        "lot_id",
        "product_id",
        "qty_planned",
        "qty_produced",
        "qty_scrapped",
    )
    _md_closed_states = ("released", "rejected")
    _md_deletable_states = ()

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    production_id = fields.Many2one(
        "mrp.production",
        string="Manufacturing Order",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    product_id = fields.Many2one("product.product", required=True, readonly=True, ondelete="restrict")
    product_uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True, ondelete="restrict")
    bom_id = fields.Many2one("mrp.bom", string="Bill of Materials", readonly=True, ondelete="restrict")
    qty_planned = fields.Float(
        string="Planned (Order)",
        digits="Product Unit of Measure",
        readonly=True,
        help="The order's quantity.",
    )
    qty_produced = fields.Float(string="Produced (This Lot)", digits="Product Unit of Measure", readonly=True)
    qty_produced_order = fields.Float(
        string="Produced (Order)", digits="Product Unit of Measure", readonly=True
    )
    qty_scrapped = fields.Float(
        string="Scrapped (Order)",
        digits="Product Unit of Measure",
        readonly=True,
        help="Finished product scrapped from the order.",
    )
    date_start = fields.Datetime(string="Production Start", readonly=True)
    date_finished = fields.Datetime(string="Production End", readonly=True)
    responsible_id = fields.Many2one("res.users", string="Order Responsible", readonly=True)
    completed_by_id = fields.Many2one("res.users", readonly=True, help="Who marked the order done.")
    producer_ids = fields.Many2many(
        "res.users",
        "md_quality_dhr_producer_rel",
        "dhr_id",
        "user_id",
        string="Production Personnel",
        readonly=True,
        help="The order's responsible, the operators of its work orders and whoever recorded or completed "
        "the production. None of them may release the lot (segregation of duties).",
    )
    component_ids = fields.One2many("md.quality.dhr.component", "dhr_id", string="Components", readonly=True)
    operation_ids = fields.One2many("md.quality.dhr.operation", "dhr_id", string="Operations", readonly=True)
    document_revision_ids = fields.Many2many(
        "md.document.revision",
        "md_quality_dhr_document_revision_rel",
        "dhr_id",
        "revision_id",
        string="Document Revisions Used",
        readonly=True,
        help="Revisions of the controlled documents of the product, bill of materials and operations that "
        "were in effect while the order was produced.",
    )
    change_ids = fields.Many2many(
        "md.quality.change",
        "md_quality_dhr_change_rel",
        "dhr_id",
        "change_id",
        string="Changes in Effect",
        readonly=True,
        help="Effective change requests of the product or its bill of materials when the order was done "
        "(ISO 13485 7.3.9: which configuration was built).",
    )
    inspection_ids = fields.Many2many(
        "md.quality.inspection",
        string="Inspections",
        compute="_compute_lot_records",
        help="Inspections of the lot or of the order (in-process and final).",
    )
    ncr_ids = fields.Many2many(
        "md.quality.ncr",
        string="Nonconformances",
        compute="_compute_lot_records",
        help="Nonconformance reports naming the lot or raised on the order.",
    )
    concession_ids = fields.Many2many(
        "md.quality.ncr.disposition",
        string="Accepted under Concession",
        compute="_compute_lot_records",
        help="Approved concessions (use as is) of the lot in its nonconformance reports: ISO 13485:2016 "
        "8.3.2 and 21 CFR 820.90(b) record the justification and who authorised the acceptance.",
    )
    label_log_ids = fields.Many2many(
        "md.label.log", string="UDI Labels Printed", compute="_compute_lot_records"
    )
    hold_ids = fields.Many2many("md.lot.hold", string="Lot Holds", compute="_compute_lot_records")
    state = fields.Selection(
        DHR_STATES,
        string="Release State",
        required=True,
        default="pending",
        readonly=True,
        index=True,
        tracking=True,
    )
    decision_by_id = fields.Many2one("res.users", string="Decided By", readonly=True, tracking=True)
    decision_on = fields.Datetime(string="Decided On", readonly=True)
    decision_reason = fields.Text(readonly=True)
    release_blockers = fields.Text(
        compute="_compute_release_blockers", help="What still stands between the lot and its release."
    )
    release_blocker_count = fields.Integer(string="Blockers", compute="_compute_release_blockers")

    _sql_constraints = [
        (
            "production_lot_unique",
            "unique(production_id, lot_id)",
            "A manufacturing order has one device history record per lot/serial number.",
        ),
    ]

    @api.depends("name", "lot_id", "product_id")
    def _compute_display_name(self):
        for dhr in self:
            dhr.display_name = f"{dhr.name} · {dhr.lot_id.name or ''}"

    @api.depends("lot_id", "production_id")
    def _compute_lot_records(self):
        """The records about the lot that may come after production, read live: one
        search per kind for all the DHRs."""
        lots, productions = self.lot_id, self.production_id
        labels = self.env["md.label.log"].sudo().search([("lot_id", "in", lots.ids)])
        holds = self.env["md.lot.hold"].sudo().search([("lot_id", "in", lots.ids)])
        of_lot_or_order = ["|", ("lot_ids", "in", lots.ids), ("production_id", "in", productions.ids)]
        inspections = self.env["md.quality.inspection"].sudo().search(of_lot_or_order)
        ncrs = self.env["md.quality.ncr"].sudo().search(of_lot_or_order)
        concessions = ncrs.disposition_ids.filtered(
            lambda line: line.disposition_type == "concession" and line.state == "done"
        )
        for dhr in self:
            lot, production = dhr.lot_id, dhr.production_id
            dhr.label_log_ids = labels.filtered(lambda log, lot=lot: log.lot_id == lot)
            dhr.hold_ids = holds.filtered(lambda hold, lot=lot: hold.lot_id == lot)
            dhr.inspection_ids = inspections.filtered(
                lambda rec, lot=lot, production=production: (
                    lot in rec.lot_ids or rec.production_id == production
                )
            )
            dhr.ncr_ids = ncrs.filtered(
                lambda rec, lot=lot, production=production: (
                    lot in rec.lot_ids or rec.production_id == production
                )
            )
            dhr.concession_ids = concessions.filtered(lambda line, lot=lot: line.lot_id == lot)

    @api.depends("state", "lot_id")
    def _compute_release_blockers(self):
        pending = self.filtered(lambda dhr: dhr.state == "pending")
        blockers = pending.lot_id._md_release_blockers() if pending else {}
        for dhr in self:
            messages = blockers.get(dhr.lot_id.id, []) if dhr.state == "pending" else []
            dhr.release_blockers = "\n".join(messages) or False
            dhr.release_blocker_count = len(messages)

    # ------------------------------------------------------------------
    # Compilation when the manufacturing order is done
    # ------------------------------------------------------------------
    @api.model
    def _md_create_for_productions(self, productions):
        """One DHR per finished lot/serial of each done order of a device
        product (idempotent). A handful of queries for all the orders."""
        productions = productions.filtered(
            lambda p: p.state == "done" and p.product_id.product_tmpl_id.md_is_device
        )
        if not productions:
            return self.browse()
        self.env.flush_all()
        finished = self._md_finished_lots(productions)
        existing = {
            (dhr.production_id.id, dhr.lot_id.id)
            for dhr in self.sudo().search([("production_id", "in", productions.ids)])
        }
        finished = [row for row in finished if (row[0], row[1]) not in existing]
        if not finished:
            return self.browse()
        components = self._md_consumed_components(productions)
        revisions = self._md_revisions_in_effect(productions)
        vals_list = []
        for production_id, lot_id, quantity, recorders in finished:
            production = productions.browse(production_id)
            vals_list.append(
                {
                    **self._md_production_vals(production),
                    "lot_id": lot_id,
                    "qty_produced": quantity,
                    "producer_ids": [
                        fields.Command.set(list(set(recorders) | set(self._md_producers(production).ids)))
                    ],
                    "component_ids": [
                        fields.Command.create(vals)
                        for unit_lot_id, vals in components.get(production_id, [])
                        if unit_lot_id in (None, lot_id)
                    ],
                    "operation_ids": [
                        fields.Command.create(vals) for vals in self._md_operation_vals(production)
                    ],
                    "document_revision_ids": [fields.Command.set(revisions.get(production_id, []))],
                }
            )
        return self.sudo().create(vals_list)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("md.quality.dhr") or "/"
        return super().create(vals_list)

    @api.model
    def _md_finished_lots(self, productions):
        """``[(production_id, lot_id, quantity, [recording user ids])]``: the
        done finished-product lines of the orders per lot."""
        self.env.cr.execute(
            SQL(
                """
                SELECT m.production_id, ml.lot_id, SUM(ml.quantity_product_uom),
                       array_agg(DISTINCT ml.create_uid) || array_agg(DISTINCT ml.write_uid)
                  FROM stock_move_line ml
                  JOIN stock_move m ON m.id = ml.move_id
                  JOIN mrp_production p ON p.id = m.production_id
                 WHERE m.production_id = ANY(%s) AND m.product_id = p.product_id
                   AND ml.state = 'done' AND ml.lot_id IS NOT NULL
                 GROUP BY m.production_id, ml.lot_id
                 ORDER BY m.production_id, ml.lot_id
                """,
                productions.ids,
            )
        )
        return [
            (production_id, lot_id, quantity, [uid for uid in recorders if uid])
            for production_id, lot_id, quantity, recorders in self.env.cr.fetchall()
        ]

    @api.model
    def _md_consumed_components(self, productions):
        """``{production_id: [(unit_lot_id, component vals)]}`` from the done
        consumption lines, the links the genealogy follows (md_udi_trace
        genealogy.py): a line assigned to a unit (``md_unit_lot_id``) went into
        that unit only, the others into every finished lot of the order."""
        self.env.cr.execute(
            SQL(
                """
                SELECT m.raw_material_production_id, ml.md_unit_lot_id, ml.product_id, ml.lot_id,
                       pt.uom_id, SUM(ml.quantity_product_uom)
                  FROM stock_move_line ml
                  JOIN stock_move m ON m.id = ml.move_id
                  JOIN product_product pp ON pp.id = ml.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE m.raw_material_production_id = ANY(%s) AND ml.state = 'done'
                 GROUP BY m.raw_material_production_id, ml.md_unit_lot_id, ml.product_id, ml.lot_id, pt.uom_id
                 ORDER BY m.raw_material_production_id, ml.product_id, ml.lot_id
                """,
                productions.ids,
            )
        )
        components = {}
        for production_id, unit_lot_id, product_id, lot_id, uom_id, quantity in self.env.cr.fetchall():
            components.setdefault(production_id, []).append(
                (
                    unit_lot_id,
                    {
                        "product_id": product_id,
                        "lot_id": lot_id,
                        "product_uom_id": uom_id,
                        "quantity": quantity,
                        "unit_level": bool(unit_lot_id),
                    },
                )
            )
        return components

    @api.model
    def _md_revisions_in_effect(self, productions):
        """``{production_id: [revision ids]}``: revisions of the documents of the
        product, BoM and operations that were effective at some time between
        the start and the end of the order (ISO 13485 4.2.4: the versions in use)."""
        productions = productions.sudo()
        documents_by_production = {
            production.id: production.product_id.product_tmpl_id.md_document_ids
            | production.bom_id.md_document_ids
            | production.workorder_ids.operation_id.md_document_ids
            for production in productions
        }
        documents = self.env["md.document"].sudo().union(*documents_by_production.values())
        if not documents:
            return {}
        latest_end = max(p.date_finished or fields.Datetime.now() for p in productions)
        revisions = (
            self.env["md.document.revision"]
            .sudo()
            .search([("document_id", "in", documents.ids), ("effective_on", "<=", latest_end)])
        )
        result = {}
        for production in productions:
            start = production.date_start or production.create_date
            end = production.date_finished or fields.Datetime.now()
            result[production.id] = revisions.filtered(
                lambda rev, docs=documents_by_production[production.id], start=start, end=end: (
                    rev.document_id in docs
                    and rev.effective_on <= end
                    and (not rev.closed_on or rev.closed_on >= start)
                )
            ).ids
        return result

    @api.model
    def _md_production_vals(self, production):
        scrapped = sum(
            production.scrap_ids.filtered(
                lambda s: s.state == "done" and s.product_id == production.product_id
            ).mapped("scrap_qty")
        )
        return {
            "company_id": production.company_id.id,
            "production_id": production.id,
            "product_id": production.product_id.id,
            "product_uom_id": production.product_uom_id.id,
            "bom_id": production.bom_id.id,
            "qty_planned": production.product_qty,
            "qty_produced_order": production.qty_produced,
            "qty_scrapped": scrapped,
            "date_start": production.date_start,
            "date_finished": production.date_finished,
            "responsible_id": production.user_id.id,
            "completed_by_id": self.env.uid,
            "change_ids": [fields.Command.set(production.sudo().md_change_ids.ids)],
        }

    @api.model
    def _md_producers(self, production):
        """Who took part in producing: responsible, operators, whoever completed it."""
        return production.user_id | production.workorder_ids.time_ids.user_id | self.env.user

    @api.model
    def _md_operation_vals(self, production):
        vals_list = []
        for workorder in production.workorder_ids.sorted(lambda w: (w.sequence, w.id)):
            common = {
                "sequence": workorder.sequence,
                "workorder_id": workorder.id,
                "name": workorder.name,
                "workcenter_id": workorder.workcenter_id.id,
                "qty_produced": workorder.qty_produced,
            }
            logs = workorder.time_ids.sorted(lambda t: (t.date_start, t.id))
            if not logs:
                vals_list.append(
                    dict(
                        common,
                        date_start=workorder.date_start,
                        date_end=workorder.date_finished,
                        duration=workorder.duration,
                    )
                )
            for log in logs:
                vals_list.append(
                    dict(
                        common,
                        user_id=log.user_id.id,
                        date_start=log.date_start,
                        date_end=log.date_end,
                        duration=log.duration,
                    )
                )
        return vals_list

    # ------------------------------------------------------------------
    # Release decision (ISO 13485 8.2.6) by electronic signature
    # ------------------------------------------------------------------
    def _md_check_signable(self, meaning):
        if meaning in DECISION_STATES:
            decided = self.filtered(lambda dhr: dhr.state != "pending")
            if decided:
                raise UserError(
                    self.env._(
                        "The release of %s is already decided.", ", ".join(decided.mapped("display_name"))
                    )
                )
        if meaning == RELEASED:
            self._md_check_segregation()
            self._md_check_no_blockers()
        return super()._md_check_signable(meaning)

    def _md_check_segregation(self):
        """ISO 13485 8.2.6 with 21 CFR 11.200(a)(3): release is an independent
        check, so nobody who took part in producing the lot may release it,
        whatever the signature rule allows."""
        own = self.filtered(lambda dhr: self.env.user in dhr.sudo().producer_ids)
        if own:
            raise UserError(
                self.env._(
                    "You took part in producing %s and cannot also release it (segregation of duties): "
                    "another QA release approver must sign the release.",
                    ", ".join(own.mapped("display_name")),
                )
            )

    def _md_check_no_blockers(self):
        blockers = self.lot_id._md_release_blockers()
        lines = [
            self.env._("%(lot)s: %(reasons)s", lot=dhr.lot_id.display_name, reasons="; ".join(messages))
            for dhr in self
            if (messages := blockers.get(dhr.lot_id.id))
        ]
        if lines:
            raise UserError(
                self.env._(
                    "These lots cannot be released yet (ISO 13485 8.2.6: planned arrangements not "
                    "completed):\n%s",
                    "\n".join(lines),
                )
            )

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        for signature in signatures.filtered(lambda s: s.meaning in DECISION_STATES):
            self.browse(signature.res_id)._md_decide(signature)
        return result

    def _md_event_data(self):
        """What integrators hear of a release decision (md_base's event outbox)."""
        return {
            "dhr": self.name,
            "lot_id": self.lot_id.id,
            "lot": self.lot_id.name,
            "product_id": self.product_id.id,
            "udi_di": self.product_id.md_udi_di or None,
            "decision_by": self.decision_by_id.name,
            "decision_on": fields.Datetime.to_string(self.decision_on),
            "reason": self.decision_reason,
        }

    def _md_decide(self, signature):
        """The signed transition: the lot is released, or rejected and held."""
        self.ensure_one()
        self._md_check_required_signature(signature.meaning)
        self.sudo()._md_write_transition(
            {
                "state": DECISION_STATES[signature.meaning],
                "decision_by_id": signature.signer_id.id,
                "decision_on": signature.signed_at,
                "decision_reason": signature.reason,
            }
        )
        self.env["md.event"]._md_emit(
            f"batch.{DECISION_STATES[signature.meaning]}", self, lambda dhr: dhr._md_event_data()
        )
        if signature.meaning == REJECTED:
            # ISO 13485 8.3: rejected product is identified and cannot be used or delivered.
            self.lot_id.sudo()._md_place_hold(
                "rejected",
                self.env._(
                    "Rejected at batch release (%(dhr)s): %(reason)s", dhr=self.name, reason=signature.reason
                ),
                source=self,
            )

    # ------------------------------------------------------------------
    # UI actions
    # ------------------------------------------------------------------
    def _md_sign_action(self, meaning_xmlid):
        action = self.action_md_sign()
        action["context"]["default_meaning_id"] = self.env.ref(meaning_xmlid).id
        return action

    def action_release(self):
        """Open the signing dialog with the meaning "released"."""
        self.ensure_one()
        self._md_check_signable(RELEASED)
        return self._md_sign_action("md_base.md_signature_meaning_released")

    def action_reject(self):
        self.ensure_one()
        self._md_check_signable(REJECTED)
        return self._md_sign_action("md_quality.md_signature_meaning_rejected")

    def action_open_trace(self):
        return self.lot_id.action_md_trace()
