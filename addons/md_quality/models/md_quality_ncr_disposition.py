from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare

from odoo.addons.md_base.row_lock import lock_for_change

QUALITY_MANAGER = "md_base.group_md_quality_manager"
CONCESSION_MEANING = "approved"

DISPOSITION_TYPES = [
    ("concession", "Use As Is (Concession)"),
    ("rework", "Rework"),
    ("repair", "Repair"),
    ("return", "Return to Supplier"),
    ("scrap", "Scrap"),
]

# Dispositions that put the material back to use once done (the lot is released);
# the others leave it rejected (ISO 13485 8.3).
USE_DISPOSITIONS = ("concession", "rework", "repair")


class MdQualityNcrDisposition(models.Model):
    """One decision of the material review board on part of the nonconforming
    quantity (ISO 13485:2016 8.3.1 d, 8.3.2, 8.3.4), executed as a real Odoo
    operation: scrap (stock.scrap, validated), return to the supplier (a return
    picking), rework (a manufacturing order consuming and producing the lot),
    repair (a repair order), or use as is under concession (approved by an
    e-signature of a quality manager whose reason is the justification).
    """

    _name = "md.quality.ncr.disposition"
    _description = "Nonconformance Disposition"
    _inherit = ["md.signable.mixin", "md.workflow.mixin"]
    _order = "ncr_id, sequence, id"

    _md_signed_fields = ["ncr_id", "disposition_type", "lot_id", "quantity", "justification"]
    _md_sign_on_change = "refuse"
    # The state follows the operation that executes the decision; the links to it and the
    # concession approval are written by the execution only.
    _md_transition_fields = (
        "scrap_id",
        "picking_id",
        "production_id",
        "repair_id",
        "inspection_id",
        "approved_by_id",
        "date_approved",
    )
    _md_create_only_fields = ("ncr_id",)
    _md_field_states = dict.fromkeys(("disposition_type", "lot_id", "quantity"), ("draft",))
    _md_parent_field = "ncr_id"
    _md_parent_states = ("open", "containment", "mrb", "disposition")

    sequence = fields.Integer(default=10)
    ncr_id = fields.Many2one(
        "md.quality.ncr", string="Nonconformance", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="ncr_id.company_id", store=True, index=True)
    product_id = fields.Many2one(related="ncr_id.product_id")
    uom_id = fields.Many2one(related="ncr_id.uom_id")
    disposition_type = fields.Selection(DISPOSITION_TYPES, string="Disposition", required=True)
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        domain="[('id', 'in', allowed_lot_ids)]",
        check_company=True,
        index=True,
    )
    allowed_lot_ids = fields.Many2many(related="ncr_id.lot_ids")
    location_id = fields.Many2one(
        "stock.location",
        compute="_compute_location_id",
        store=True,
        readonly=False,
        domain="[('usage', '=', 'internal')]",
        check_company=True,
        help="Where the material is: the scrap, return, rework or repair takes it from here.",
    )
    quantity = fields.Float(required=True, digits="Product Unit of Measure")
    justification = fields.Text(
        help="Why the material may be used as is (ISO 13485 8.3.2: a concession is justified and approved)."
    )
    state = fields.Selection(
        [("draft", "To Execute"), ("in_progress", "In Progress"), ("done", "Done"), ("failed", "Failed")],
        compute="_compute_state",
        store=True,
        index=True,
    )
    scrap_id = fields.Many2one("stock.scrap", string="Scrap Order", readonly=True, copy=False)
    picking_id = fields.Many2one("stock.picking", string="Return", readonly=True, copy=False)
    production_id = fields.Many2one("mrp.production", string="Rework Order", readonly=True, copy=False)
    repair_id = fields.Many2one("repair.order", string="Repair Order", readonly=True, copy=False)
    inspection_id = fields.Many2one(
        "md.quality.inspection",
        string="Re-inspection",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Inspection of the reworked quantity (ISO 13485 8.3.4: rework is re-verified).",
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_approved = fields.Datetime(string="Approved On", readonly=True, copy=False)
    operation_display = fields.Char(string="Operation", compute="_compute_operation_display")

    @api.depends("ncr_id.name", "disposition_type", "quantity", "lot_id")
    def _compute_display_name(self):
        type_labels = dict(self._fields["disposition_type"]._description_selection(self.env))
        for line in self:
            lot = f" {line.lot_id.name}" if line.lot_id else ""
            line.display_name = (
                f"{line.ncr_id.name} · {type_labels.get(line.disposition_type, '')}{lot} ({line.quantity:g})"
            )

    @api.depends("lot_id")
    def _compute_location_id(self):
        locations = self._md_lot_locations(self.lot_id)
        for line in self:
            if line.lot_id and not line.location_id:
                line.location_id = locations.get(line.lot_id.id, False)

    def _md_lot_locations(self, lots):
        """{lot id: the internal location holding most of it}, one query."""
        if not lots.ids:
            return {}
        self.env["stock.quant"].flush_model(["lot_id", "location_id", "quantity"])
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT ON (q.lot_id) q.lot_id, q.location_id
                     FROM stock_quant q
                     JOIN stock_location l ON l.id = q.location_id
                    WHERE q.lot_id = ANY(%s) AND l.usage = 'internal' AND q.quantity > 0
                 ORDER BY q.lot_id, q.quantity DESC, q.id""",
                lots.ids,
            )
        )
        return dict(rows)

    @api.depends(
        "disposition_type",
        "date_approved",
        "scrap_id.state",
        "picking_id.state",
        "production_id.state",
        "repair_id.state",
        "inspection_id.state",
    )
    def _compute_state(self):
        for line in self:
            line.state = line._md_operation_state()

    def _md_operation_state(self):
        """State of the disposition from the operation that executes it."""
        self.ensure_one()
        if self.disposition_type == "concession":
            return "done" if self.date_approved else "draft"
        operation = self._md_operation()
        if not operation or operation.state == "cancel":
            return "draft"
        if operation.state != "done":
            return "in_progress"
        if self.disposition_type == "rework" and self.inspection_id.state not in (False, "cancelled"):
            # Rework is finished when its re-inspection decided (8.3.4).
            return {"passed": "done", "failed": "failed"}.get(self.inspection_id.state, "in_progress")
        return "done"

    def _md_operation(self):
        self.ensure_one()
        return {
            "scrap": self.scrap_id,
            "return": self.picking_id,
            "rework": self.production_id,
            "repair": self.repair_id,
        }.get(self.disposition_type)

    @api.depends("scrap_id", "picking_id", "production_id", "repair_id", "approved_by_id")
    def _compute_operation_display(self):
        for line in self:
            operation = line._md_operation()
            if operation:
                line.operation_display = operation.display_name
            elif line.approved_by_id:
                line.operation_display = self.env._("Concession approved by %s", line.approved_by_id.name)
            else:
                line.operation_display = False

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("quantity", "ncr_id")
    def _check_quantity(self):
        for ncr in self.ncr_id:
            lines = ncr.disposition_ids
            if lines.filtered(lambda d: d.quantity <= 0):
                raise ValidationError(self.env._("A disposition of %s needs a positive quantity.", ncr.name))
            rounding = ncr.uom_id.rounding or 0.01
            total = sum(lines.mapped("quantity"))
            if float_compare(total, ncr.quantity, precision_rounding=rounding) > 0:
                raise ValidationError(
                    self.env._(
                        "The dispositions of %(ncr)s cover %(total)s %(uom)s, more than the nonconforming "
                        "quantity %(quantity)s.",
                        ncr=ncr.name,
                        total=total,
                        uom=ncr.uom_id.name,
                        quantity=ncr.quantity,
                    )
                )

    @api.constrains("lot_id", "quantity", "ncr_id")
    def _check_lot(self):
        for line in self:
            tracking = line.ncr_id.product_id.tracking
            if line.lot_id and line.lot_id not in line.ncr_id.lot_ids:
                raise ValidationError(
                    self.env._(
                        "%(lot)s is not one of the lots/serials of %(ncr)s.",
                        lot=line.lot_id.name,
                        ncr=line.ncr_id.name,
                    )
                )
            if tracking != "none" and not line.lot_id:
                raise ValidationError(
                    self.env._(
                        "Each disposition of %s names the lot/serial it disposes of.", line.ncr_id.name
                    )
                )
            if tracking == "serial" and float_compare(line.quantity, 1, precision_rounding=0.001) > 0:
                raise ValidationError(self.env._("A disposition of a serial number covers one unit."))

    # ------------------------------------------------------------------
    # Execution
    # ------------------------------------------------------------------
    def _md_check_executable(self):
        if not self.env.user.has_group(QUALITY_MANAGER):
            raise AccessError(self.env._("Only quality managers execute the MRB's dispositions."))
        for line in self:
            if line.ncr_id.state != "disposition":
                raise UserError(
                    self.env._("%s: the MRB has not decided the disposition yet.", line.ncr_id.name)
                )
            if line.state != "draft":
                raise UserError(self.env._("%s is already executed.", line.display_name))
            if line.disposition_type != "concession" and line.product_id.is_storable and not line.location_id:
                raise UserError(self.env._("Give the location of the material of %s.", line.display_name))

    def action_execute(self):
        """Carry out the disposition as the Odoo operation it stands for."""
        lock_for_change(self)  # two users executing at once: the second replays and is refused
        self._md_check_executable()
        for line in self:
            if line.disposition_type == "concession":
                line._md_approve_concession()
                continue
            # The MRB decision is the authorisation for the operation (ISO 13485 8.3): the
            # quality manager executes it without needing inventory or manufacturing rights.
            with line._md_transition():
                operation = getattr(
                    line.sudo().with_company(line.company_id), f"_md_execute_{line.disposition_type}"
                )()
            line.ncr_id._md_note(
                self.env._(
                    "Disposition executed: %(line)s → %(operation)s",
                    line=line.display_name,
                    operation=operation.display_name,
                )
            )
        self._md_on_operation_done()
        return True

    def _md_on_operation_done(self):
        """Called when an operation of these dispositions may have finished."""
        self.sudo()._md_create_reinspections()
        self.invalidate_recordset(["state"])
        self.ncr_id._md_settle_holds()

    def _md_create_reinspections(self):
        """Re-verify reworked product (ISO 13485 8.3.4): the inspection of the finished
        rework order (the one its own final inspection flow created, or a new one from the
        product's final inspection plan). Without a plan the rework is done when the order is."""
        reworked = self.filtered(
            lambda d: (
                d.disposition_type == "rework" and d.production_id.state == "done" and not d.inspection_id
            )
        )
        if not reworked:
            return
        Inspection = self.env["md.quality.inspection"]
        existing = Inspection.search([("production_id", "in", reworked.production_id.ids)])
        plans = self.env["md.quality.inspection.plan"]._md_plans_by_product("final", reworked.product_id)
        for line in reworked:
            inspection = existing.filtered(lambda i, line=line: i.production_id == line.production_id)[:1]
            plan = plans.get(line.product_id.id, self.env["md.quality.inspection.plan"])[:1]
            if not inspection and plan:
                inspection = Inspection._md_create_inspections(
                    [
                        {
                            "plan": plan,
                            "product": line.product_id,
                            "lots": line.lot_id,
                            "quantity": line.quantity,
                            "production": line.production_id,
                            "company": line.company_id,
                        }
                    ],
                    quarantine=False,
                )
            if inspection:
                line._md_write_transition({"inspection_id": inspection.id})
                line.ncr_id._md_note(
                    self.env._(
                        "Reworked quantity of %(line)s to be re-inspected: %(inspection)s",
                        line=line.display_name,
                        inspection=inspection.name,
                    )
                )

    def _md_approve_concession(self):
        """Use as is (ISO 13485 8.3.2): only with a valid "approved" signature, whose
        reason is the approval's justification, by a quality manager."""
        self.ensure_one()
        signature = self._md_valid_signatures(CONCESSION_MEANING)[:1]
        if not signature:
            raise UserError(
                self.env._(
                    "A concession needs the electronic signature (meaning Approved, with the justification "
                    "as reason) of a quality manager: %s",
                    self.display_name,
                )
            )
        self._md_write_transition(
            {"approved_by_id": signature.signer_id.id, "date_approved": signature.signed_at}
        )
        self.ncr_id._md_note(
            self.env._(
                "Concession approved by %(name)s: %(reason)s",
                name=signature.signer_name,
                reason=signature.reason,
            )
        )

    def _md_check_signable(self, meaning):
        if meaning == CONCESSION_MEANING:
            for line in self:
                if line.disposition_type != "concession":
                    raise UserError(
                        self.env._("Only a concession is approved by signature: %s", line.display_name)
                    )
                if not (line.justification or "").strip():
                    raise UserError(
                        self.env._("Write the justification of the concession %s first.", line.display_name)
                    )
            self._md_check_executable()
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        approved = self.browse(
            signatures.filtered(lambda s: s.meaning == CONCESSION_MEANING).mapped("res_id")
        )
        for line in approved.filtered(lambda d: d.state == "draft"):
            line._md_approve_concession()
        approved._md_on_operation_done()
        return result

    # --- the operations (called as superuser, in the NCR's company) ---------

    def _md_execute_scrap(self):
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.product_id.id,
                "product_uom_id": self.uom_id.id,
                "scrap_qty": self.quantity,
                "lot_id": self.lot_id.id,
                "location_id": self.location_id.id,
                "company_id": self.company_id.id,
                "origin": self.ncr_id.name,
                "md_ncr_disposition_id": self.id,
            }
        )
        if not scrap.check_available_qty():
            raise UserError(
                self.env._(
                    "%(location)s does not hold %(quantity)s %(uom)s of %(lot)s to scrap.",
                    location=self.location_id.display_name,
                    quantity=self.quantity,
                    uom=self.uom_id.name,
                    lot=self.lot_id.name or self.product_id.display_name,
                )
            )
        scrap.do_scrap()
        self.scrap_id = scrap
        return scrap

    def _md_receipt(self):
        """The done receipt the material came with, when the NCR names it."""
        picking = self.ncr_id.picking_id
        if (
            picking.picking_type_code == "incoming"
            and picking.state == "done"
            and self.product_id in picking.move_ids.product_id
        ):
            return picking
        return self.env["stock.picking"]

    def _md_execute_return(self):
        receipt = self._md_receipt()
        picking = self._md_return_from_receipt(receipt) if receipt else self._md_outgoing_to_supplier()
        picking.md_ncr_disposition_id = self
        self.picking_id = picking
        return picking

    def _md_return_from_receipt(self, receipt):
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=receipt.id, active_model="stock.picking", active_ids=receipt.ids)
            .create({"picking_id": receipt.id, "md_return_reason": self._md_return_reason()})
        )
        line = wizard.product_return_moves.filtered(lambda r: r.product_id == self.product_id)[:1]
        line.quantity = self.uom_id._compute_quantity(self.quantity, self.product_id.uom_id)
        picking = wizard._create_return()
        picking.do_unreserve()
        picking.write(
            {"location_id": self.location_id.id, "origin": f"{self.ncr_id.name} ({picking.origin})"}
        )
        self._md_reserve_lot(picking.move_ids.filtered(lambda m: m.product_id == self.product_id))
        return picking

    def _md_return_reason(self):
        """The return record's reason (GSP Art. 107): the NCR and what does not conform."""
        return f"{self.ncr_id.name}: {self.ncr_id.description}"[:500]

    def _md_outgoing_to_supplier(self):
        partner = self.ncr_id.partner_id
        if not partner:
            raise UserError(
                self.env._("%s names neither the receipt nor the supplier: return to whom?", self.ncr_id.name)
            )
        picking_type = self.location_id.warehouse_id.out_type_id or self.env["stock.picking.type"].search(
            [("code", "=", "outgoing"), ("company_id", "=", self.company_id.id)], limit=1
        )
        destination = partner.with_company(self.company_id).property_stock_supplier
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "location_id": self.location_id.id,
                "location_dest_id": destination.id,
                "origin": self.ncr_id.name,
                "md_return_reason": self._md_return_reason(),
                "company_id": self.company_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.product_id.display_name,
                            "product_id": self.product_id.id,
                            "product_uom": self.uom_id.id,
                            "product_uom_qty": self.quantity,
                            "location_id": self.location_id.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        self._md_reserve_lot(picking.move_ids)
        return picking

    def _md_reserve_lot(self, moves):
        """Reserve exactly this lot at this location for the move (the MRB names the
        material; Odoo's own reservation could pick another lot)."""
        move = moves[:1]
        move._do_unreserve()
        move.write({"location_id": self.location_id.id})
        self.env["stock.move.line"].create(
            {
                "move_id": move.id,
                "picking_id": move.picking_id.id,
                "product_id": self.product_id.id,
                "product_uom_id": self.uom_id.id,
                "lot_id": self.lot_id.id,
                "quantity": self.quantity,
                "location_id": self.location_id.id,
                "location_dest_id": move.location_dest_id.id,
                "company_id": self.company_id.id,
            }
        )
        move._recompute_state()

    def _md_execute_rework(self):
        production = self.env["mrp.production"].create(
            {
                "product_id": self.product_id.id,
                "product_qty": self.quantity,
                "product_uom_id": self.uom_id.id,
                "bom_id": False,
                "location_src_id": self.location_id.id,
                "location_dest_id": self.location_id.id,
                "origin": self.ncr_id.name,
                "company_id": self.company_id.id,
                "md_ncr_disposition_id": self.id,
            }
        )
        production.move_raw_ids = [
            Command.create(production._get_move_raw_values(self.product_id, self.quantity, self.uom_id))
        ]
        production.action_confirm()
        if self.lot_id:
            production.lot_producing_id = self.lot_id
        self._md_reserve_lot(production.move_raw_ids)
        self.production_id = production
        return production

    def _md_execute_repair(self):
        repair = self.env["repair.order"].create(
            {
                "product_id": self.product_id.id,
                "product_qty": self.quantity,
                "product_uom": self.uom_id.id,
                "lot_id": self.lot_id.id,
                "partner_id": self.ncr_id.partner_id.id,
                "product_location_src_id": self.location_id.id,
                "product_location_dest_id": self.location_id.id,
                "company_id": self.company_id.id,
                "internal_notes": self.ncr_id.description,
                "md_ncr_disposition_id": self.id,
            }
        )
        result = repair.action_validate()
        if isinstance(result, dict):
            raise UserError(
                self.env._(
                    "%(location)s does not hold %(quantity)s %(uom)s of %(lot)s to repair.",
                    location=self.location_id.display_name,
                    quantity=self.quantity,
                    uom=self.uom_id.name,
                    lot=self.lot_id.name or self.product_id.display_name,
                )
            )
        self.repair_id = repair
        return repair

    def action_approve_concession(self):
        """Open the signing dialog for the concession (meaning Approved)."""
        self.ensure_one()
        if self.disposition_type != "concession":
            raise UserError(self.env._("Only a concession is approved by signature."))
        return self.action_md_sign()
