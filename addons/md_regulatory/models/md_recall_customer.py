from odoo import api, fields, models
from odoo.exceptions import UserError


class MdRecallCustomer(models.Model):
    """One customer and one recalled lot: what they received, the notification sent
    (Order 29 Art. 16, MDR Art. 89(8) field safety notice), their acknowledgement,
    and the units they returned or destroyed/corrected (21 CFR 7.42(b)(3))."""

    _name = "md.recall.customer"
    _description = "Recall Customer"
    _inherit = ["md.workflow.mixin"]
    _order = "recall_id, partner_id, lot_id"

    # A line of its recall: what was delivered comes from the scope, the notification from
    # sending it; the acknowledgement and the units destroyed are entered.
    _md_state_field = None
    _md_parent_field = "recall_id"
    _md_transition_fields = (
        "quantity",
        "delivery_picking_ids",
        "delivery_refs",
        "last_delivery_date",
        "notified_at",
        "notified_by_id",
        "notification_email",
        "ack_recorded_by_id",
    )
    _md_create_only_fields = ("recall_id", "partner_id", "lot_id")

    recall_id = fields.Many2one("md.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    recall_state = fields.Selection(related="recall_id.state")
    is_mock = fields.Boolean(related="recall_id.is_mock")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="restrict", index=True
    )
    lot_id = fields.Many2one("stock.lot", string="Lot/Serial Number", required=True, ondelete="restrict")
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    quantity = fields.Float(
        string="Affected Units",
        digits="Product Unit of Measure",
        readonly=True,
        help="Units of the lot the customer held when the scope was computed, returns of this recall "
        "included.",
    )
    delivery_picking_ids = fields.Many2many(
        "stock.picking",
        "md_recall_customer_picking_rel",
        "customer_line_id",
        "picking_id",
        string="Deliveries",
        readonly=True,
    )
    delivery_refs = fields.Char(
        string="Delivery References",
        readonly=True,
        help="The deliveries and returns of the lot to this customer.",
    )
    last_delivery_date = fields.Datetime(readonly=True)
    notified_at = fields.Datetime(string="Notified On", readonly=True, copy=False)
    notified_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    notification_email = fields.Char(readonly=True, copy=False, help="Address the notification was sent to.")
    ack_date = fields.Date(string="Acknowledged On", copy=False)
    ack_contact = fields.Char(string="Acknowledged By", copy=False, help="Who acknowledged at the customer.")
    ack_recorded_by_id = fields.Many2one("res.users", string="Acknowledgement Recorded By", readonly=True)
    destroyed_qty = fields.Float(
        string="Destroyed/Corrected",
        digits="Product Unit of Measure",
        copy=False,
        help="Units the customer confirmed destroyed or corrected in the field.",
    )
    return_picking_ids = fields.One2many("stock.picking", "md_recall_customer_id", string="Returns")
    return_count = fields.Integer(
        string="Number of Returns", compute="_compute_return_count", compute_sudo=True
    )
    returned_qty = fields.Float(
        string="Returned", digits="Product Unit of Measure", compute="_compute_returned_qty", store=True
    )
    outstanding_qty = fields.Float(
        string="Outstanding", digits="Product Unit of Measure", compute="_compute_outstanding_qty", store=True
    )

    @api.depends("partner_id", "lot_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.partner_id.display_name} · {line.lot_id.name}"

    @api.depends(
        "return_picking_ids.state",
        "return_picking_ids.move_line_ids.quantity",
        "return_picking_ids.move_line_ids.lot_id",
    )
    def _compute_returned_qty(self):
        for line in self:
            done = line.return_picking_ids.filtered(lambda p: p.state == "done")
            move_lines = done.move_line_ids.filtered(lambda ml, lot=line.lot_id: ml.lot_id == lot)
            line.returned_qty = sum(move_lines.mapped("quantity"))

    @api.depends("return_picking_ids")
    def _compute_return_count(self):
        for line in self:
            line.return_count = len(line.return_picking_ids)

    @api.depends("quantity", "returned_qty", "destroyed_qty")
    def _compute_outstanding_qty(self):
        for line in self:
            line.outstanding_qty = max(line.quantity - line.returned_qty - line.destroyed_qty, 0.0)

    @api.constrains("destroyed_qty", "quantity")
    def _check_destroyed_qty(self):
        for line in self:
            if line.destroyed_qty < 0 or line.destroyed_qty > line.quantity:
                raise UserError(
                    self.env._(
                        "%(line)s: destroyed/corrected units must be between 0 and the %(qty)s affected "
                        "units.",
                        line=line.display_name,
                        qty=line.quantity,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_recorded(self):
        if self.filtered(lambda line: line.notified_at or line.ack_date or line.return_picking_ids):
            raise UserError(
                self.env._("Customer lines with a notification, acknowledgement or return are kept.")
            )

    def _md_check_open(self):
        not_open = self.filtered(lambda line: line.recall_state != "open")
        if not_open:
            raise UserError(
                self.env._(
                    "Start the recall first (only recalls in progress notify customers and take returns): %s",
                    ", ".join(not_open.recall_id.mapped("display_name")),
                )
            )

    def _md_letter_groups(self):
        """One recordset per recall and customer, with all of that customer's lines:
        one letter covers every lot the customer received."""
        pairs = list(dict.fromkeys((line.recall_id.id, line.partner_id.id) for line in self))
        lines = self.search(
            [("recall_id", "in", self.recall_id.ids), ("partner_id", "in", self.partner_id.ids)]
        )
        return [
            lines.filtered(
                lambda line, r=recall_id, p=partner_id: line.recall_id.id == r and line.partner_id.id == p
            )
            for recall_id, partner_id in pairs
        ]

    # ------------------------------------------------------------------
    # Notification letters
    # ------------------------------------------------------------------
    def action_print_letter(self):
        return self.env.ref("md_regulatory.action_report_md_recall_letter").report_action(self)

    def action_send_letter(self):
        """Email each customer its letter (PDF attached) and record the notification on
        every line of that customer. Mock recalls never send anything."""
        self.check_access("write")
        self._md_check_open()
        mock = self.filtered("is_mock")
        if mock:
            raise UserError(
                self.env._("%s is a mock recall: no notification is sent.", mock.recall_id[:1].display_name)
            )
        no_email = self.partner_id.filtered(lambda p: not p.email)
        if no_email:
            raise UserError(
                self.env._(
                    "These customers have no email address: %s", ", ".join(no_email.mapped("display_name"))
                )
            )
        template = self.env.ref("md_regulatory.mail_template_md_recall_letter")
        now = fields.Datetime.now()
        for lines in self._md_letter_groups():
            line = lines[0]
            template.send_mail(line.id, force_send=False)
            lines._md_write_transition(
                {
                    "notified_at": now,
                    "notified_by_id": self.env.uid,
                    "notification_email": line.partner_id.email,
                }
            )
            line.recall_id._md_note(
                body=self.env._(
                    "Notification letter sent to %(partner)s (%(email)s) for %(lots)s.",
                    partner=line.partner_id.display_name,
                    email=line.partner_id.email,
                    lots=", ".join(lines.lot_id.mapped("name")),
                )
            )
        return True

    # ------------------------------------------------------------------
    # Acknowledgement and returns
    # ------------------------------------------------------------------
    def action_acknowledge(self):
        self.check_access("write")
        self._md_check_open()
        for line in self:
            line._md_write_transition(
                {
                    "ack_date": line.ack_date or fields.Date.context_today(self),
                    "ack_recorded_by_id": self.env.uid,
                }
            )
        return True

    def _md_last_delivery(self):
        self.ensure_one()
        deliveries = self.sudo().delivery_picking_ids.filtered(
            lambda p, lot=self.lot_id: (
                p.state == "done" and p.location_dest_id.usage == "customer" and lot in p.move_line_ids.lot_id
            )
        )
        if not deliveries:
            raise UserError(
                self.env._(
                    "No done delivery of %(lot)s to %(partner)s to return from.",
                    lot=self.lot_id.display_name,
                    partner=self.partner_id.display_name,
                )
            )
        return deliveries.sorted(lambda p: (p.date_done, p.id))[-1]

    def action_create_return(self):
        """A return of the outstanding units through Odoo's return wizard, from the
        customer's last delivery of the lot, linked to this line."""
        self.ensure_one()
        self.check_access("write")
        self._md_check_open()
        pending = self.sudo().return_picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        if pending:
            raise UserError(self.env._("A return is already open: %s", ", ".join(pending.mapped("name"))))
        if self.outstanding_qty <= 0:
            raise UserError(self.env._("Nothing left to return for %s.", self.display_name))
        return_picking = self._md_create_return_picking(self._md_last_delivery())
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "res_id": return_picking.id,
            "view_mode": "form",
        }

    def _md_create_return_picking(self, delivery):
        # Regulatory Affairs starts the return without inventory rights: the rights checked
        # are write access on this line (action_create_return); the warehouse receives it.
        wizard = (
            self.env["stock.return.picking"]
            .sudo()
            .with_context(active_model="stock.picking", active_id=delivery.id, active_ids=delivery.ids)
            .create({"picking_id": delivery.id})
        )
        remaining = self.outstanding_qty
        for return_line in wizard.product_return_moves:
            lot_qty = sum(
                return_line.move_id.move_line_ids.filtered(lambda ml: ml.lot_id == self.lot_id).mapped(
                    "quantity"
                )
            )
            return_line.quantity = min(lot_qty, remaining)
            remaining -= return_line.quantity
        picking = wizard._create_return()
        picking.md_recall_customer_id = self.id
        self._md_set_return_lot(picking)
        self.recall_id._md_note(
            body=self.env._(
                "Return %(picking)s created for %(line)s.", picking=picking.name, line=self.display_name
            )
        )
        return picking

    def _md_set_return_lot(self, picking):
        """The returned units are this lot: the return's lines name it."""
        for move in picking.move_ids.filtered(lambda m: m.product_id == self.lot_id.product_id):
            if move.move_line_ids:
                move.move_line_ids.write({"lot_id": self.lot_id.id})
            else:
                move.move_line_ids = [
                    (
                        0,
                        0,
                        {
                            "product_id": move.product_id.id,
                            "lot_id": self.lot_id.id,
                            "quantity": move.product_uom_qty,
                            "location_id": move.location_id.id,
                            "location_dest_id": move.location_dest_id.id,
                            "picking_id": picking.id,
                        },
                    )
                ]

    def action_open_returns(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Returns of %s", self.display_name),
            "res_model": "stock.picking",
            "view_mode": "list,form",
            "domain": [("md_recall_customer_id", "=", self.id)],
        }
