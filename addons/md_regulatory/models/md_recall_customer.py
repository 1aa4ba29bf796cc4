from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.md_base.models.local_time import local_time_label
from odoo.addons.md_base.models.module_data import module_data_uninstalling

EXCEPTION = "recall_exception"  # meaning of the signed exception of a consignee
# 21 CFR 7.49(b): letters, telegrams, telephone calls or other personal contacts (documented);
# Order 29 Art. 15 leaves the means open (通知到 / 告知).
NOTIFICATION_METHODS = [
    ("email", "E-mail"),
    ("phone", "Telephone"),
    ("post", "Post / Letter"),
    ("fax", "Fax"),
    ("in_person", "In Person"),
    ("courier", "Courier"),
    ("other", "Other"),
]


class MdRecallCustomer(models.Model):
    """One consignee and one recalled lot: what they were delivered, the notification (by
    any means: Order 29 Art. 15, 21 CFR 7.49, MDR Art. 89(8) field safety notice), who
    acknowledged it and what they had on hand (21 CFR 7.53(b)(2)), and what became of the
    units: returned, destroyed or corrected in the field, or still in the field
    (21 CFR 7.42(b)(3), 7.53(b)(4)). A consignee that cannot be notified or does not
    acknowledge is settled only by a signed, reasoned exception."""

    _name = "md.recall.customer"
    _description = "Recall Customer"
    _inherit = ["md.workflow.mixin", "md.signable.mixin"]
    _order = "recall_id, partner_id, lot_id"

    # A line of its recall: what was delivered comes from the scope, the notification and the
    # acknowledgement from recording them, the exception from its signature; the units
    # destroyed or corrected in the field and the reason of an exception are entered.
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
        "notification_method",
        "notification_contact",
        "notification_reference",
        "ack_date",
        "ack_contact",
        "ack_method",
        "ack_qty_on_hand",
        "ack_recorded_by_id",
        "exception_approved",
        "exception_approved_by_id",
        "exception_approved_at",
    )
    _md_create_only_fields = ("recall_id", "partner_id", "lot_id")

    _md_signed_fields = ["recall_id", "partner_id", "lot_id", "exception_reason"]
    _md_sign_on_change = "void"

    recall_id = fields.Many2one("md.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    recall_state = fields.Selection(related="recall_id.state")
    is_mock = fields.Boolean(related="recall_id.is_mock")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="restrict", index=True
    )
    country_id = fields.Many2one(related="partner_id.commercial_partner_id.country_id", string="Country")
    lot_id = fields.Many2one("stock.lot", string="Lot/Serial Number", required=True, ondelete="restrict")
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    quantity = fields.Float(
        string="Delivered",
        digits="Product Unit of Measure",
        readonly=True,
        help="Units of the lot delivered to the consignee (returns before the recall deducted; returns "
        "through this recall included: they are counted below).",
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

    # --- notification -----------------------------------------------------
    notified_at = fields.Datetime(string="Notified On", readonly=True, copy=False)
    notified_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    notification_method = fields.Selection(NOTIFICATION_METHODS, readonly=True, copy=False)
    notification_email = fields.Char(readonly=True, copy=False, help="Address the notification was sent to.")
    notification_contact = fields.Char(
        string="Notified Person", readonly=True, copy=False, help="Who was reached at the consignee."
    )
    notification_reference = fields.Char(
        readonly=True, copy=False, help="Call note, registered post or fax number, courier tracking..."
    )

    # --- acknowledgement (21 CFR 7.53(b)(2)) ---------------------------------
    ack_date = fields.Date(string="Acknowledged On", readonly=True, copy=False)
    ack_contact = fields.Char(
        string="Acknowledged By", readonly=True, copy=False, help="Who acknowledged at the consignee."
    )
    ack_method = fields.Selection(
        NOTIFICATION_METHODS, string="Acknowledged Through", readonly=True, copy=False
    )
    ack_qty_on_hand = fields.Float(
        string="On Hand When Received",
        digits="Product Unit of Measure",
        readonly=True,
        copy=False,
        help="Units the consignee had on hand when the recall communication was received "
        "(21 CFR 7.53(b)(2)).",
    )
    ack_recorded_by_id = fields.Many2one("res.users", string="Acknowledgement Recorded By", readonly=True)

    # --- signed exception ------------------------------------------------------
    exception_reason = fields.Text(
        copy=False,
        help="Why this consignee cannot be notified or will not acknowledge (e.g. closed, units "
        "confirmed used up): signed with the meaning Recall Exception, it settles the consignee.",
    )
    exception_approved = fields.Boolean(readonly=True, copy=False, index=True)
    exception_approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    exception_approved_at = fields.Datetime(readonly=True, copy=False)
    settled = fields.Boolean(
        compute="_compute_settled",
        store=True,
        help="Notified and acknowledged, or excepted by a signed reason.",
    )

    # --- what became of the units ---------------------------------------------
    destroyed_qty = fields.Float(
        string="Destroyed in the Field",
        digits="Product Unit of Measure",
        copy=False,
        help="Units the consignee confirmed destroyed.",
    )
    corrected_qty = fields.Float(
        string="Corrected in the Field",
        digits="Product Unit of Measure",
        copy=False,
        help="Units corrected at the consignee (repair, modification, relabelling, software update...).",
    )
    return_picking_ids = fields.One2many("stock.picking", "md_recall_customer_id", string="Returns")
    return_count = fields.Integer(
        string="Number of Returns", compute="_compute_return_count", compute_sudo=True
    )
    returned_qty = fields.Float(
        string="Returned", digits="Product Unit of Measure", compute="_compute_returned_qty", store=True
    )
    outstanding_qty = fields.Float(
        string="Still in the Field",
        digits="Product Unit of Measure",
        compute="_compute_outstanding_qty",
        store=True,
        help="Delivered - returned - destroyed - corrected.",
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

    @api.depends("quantity", "returned_qty", "destroyed_qty", "corrected_qty")
    def _compute_outstanding_qty(self):
        for line in self:
            line.outstanding_qty = max(
                line.quantity - line.returned_qty - line.destroyed_qty - line.corrected_qty, 0.0
            )

    @api.depends("notified_at", "ack_date", "exception_approved")
    def _compute_settled(self):
        for line in self:
            line.settled = bool((line.notified_at and line.ack_date) or line.exception_approved)

    @api.constrains("destroyed_qty", "corrected_qty", "quantity")
    def _check_field_quantities(self):
        for line in self:
            if line.destroyed_qty < 0 or line.corrected_qty < 0:
                raise UserError(
                    self.env._("%s: units destroyed or corrected cannot be negative.", line.display_name)
                )
            accounted = line.returned_qty + line.destroyed_qty + line.corrected_qty
            if accounted > line.quantity + 1e-6:
                raise UserError(
                    self.env._(
                        "%(line)s: returned (%(returned)s), destroyed (%(destroyed)s) and corrected "
                        "(%(corrected)s) units cannot exceed the %(qty)s units delivered.",
                        line=line.display_name,
                        returned=line.returned_qty,
                        destroyed=line.destroyed_qty,
                        corrected=line.corrected_qty,
                        qty=line.quantity,
                    )
                )

    @api.ondelete(at_uninstall=True)
    def _unlink_except_recorded(self):
        if module_data_uninstalling(self):  # Odoo's uninstall flag alone is a context key
            return
        if self.filtered(
            lambda line: line.notified_at or line.ack_date or line.return_picking_ids or line.exception_reason
        ):
            raise UserError(
                self.env._(
                    "Customer lines with a notification, acknowledgement, exception or return are kept."
                )
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

    def _md_status_dict(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "lot_id": self.lot_id.id,
            "quantity": self.quantity,
            "notified": bool(self.notified_at),
            "acknowledged": bool(self.ack_date),
            "returned": self.returned_qty,
            "destroyed": self.destroyed_qty,
            "corrected": self.corrected_qty,
            "in_field": self.outstanding_qty,
            "notification_method": self.notification_method or False,
            "acknowledged_by": self.ack_contact or False,
            "exception": self.exception_approved,
            "settled": self.settled,
        }

    # ------------------------------------------------------------------
    # Notification: letters by email, or recorded by any other means
    # ------------------------------------------------------------------
    def action_print_letter(self):
        return self.env.ref("md_regulatory.action_report_md_recall_letter").report_action(self)

    def _md_check_notifiable(self):
        """The recall is in progress, and an EU field safety notice has its content and, except
        in cases of urgency, went to the competent authority as a draft first (MDR Art. 89(8))."""
        self._md_check_open()
        for recall in self.recall_id.filtered(lambda recall: recall.eu_fsca and not recall.is_mock):
            missing = recall._md_fsn_missing()
            if missing:
                raise UserError(
                    self.env._(
                        "The field safety notice of %(recall)s lacks what EU MDR Art. 89(8) requires: "
                        "%(missing)s.",
                        recall=recall.display_name,
                        missing="; ".join(missing),
                    )
                )
            if not recall.eu_fsn_draft_submitted_date and not recall.eu_fsca_urgent:
                raise UserError(
                    self.env._(
                        "Submit the draft field safety notice of %s to the competent authority for its "
                        "comments before sending it (EU MDR Art. 89(8)), or record the urgency.",
                        recall.display_name,
                    )
                )

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
        self._md_check_notifiable()
        no_email = self.partner_id.filtered(lambda p: not p.email)
        if no_email:
            raise UserError(
                self.env._(
                    "These customers have no email address: %s (record a notification by telephone, post, "
                    "fax or in person instead).",
                    ", ".join(no_email.mapped("display_name")),
                )
            )
        template = self.env.ref("md_regulatory.mail_template_md_recall_letter")
        now = fields.Datetime.now()
        for lines in self._md_letter_groups():
            line = lines[0]
            template.send_mail(line.id, force_send=False)
            lines._md_notified(
                {
                    "notified_at": now,
                    "notification_method": "email",
                    "notification_email": line.partner_id.email,
                    "notification_contact": line.partner_id.email,
                },
                self.env._(
                    "Notification letter sent to %(partner)s (%(email)s) for %(lots)s.",
                    partner=line.partner_id.display_name,
                    email=line.partner_id.email,
                    lots=", ".join(lines.lot_id.mapped("name")),
                ),
            )
        return True

    def md_record_notification(self, method, notified_at=None, contact=None, reference=None):
        """XML-RPC ``md_record_notification(ids, method, notified_at=None, contact=None,
        reference=None)``: record that the consignee of these lines was notified by ``method``
        (telephone, post, fax, in person...), on every line of that consignee (one notice covers
        all its lots). ``notified_at`` defaults to now and cannot be in the future."""
        self.check_access("write")
        if method not in dict(NOTIFICATION_METHODS):
            raise UserError(
                self.env._(
                    "Unknown notification method %(method)s: use one of %(methods)s.",
                    method=method,
                    methods=", ".join(dict(NOTIFICATION_METHODS)),
                )
            )
        if not (contact or "").strip():
            raise UserError(
                self.env._("Record who was notified at the consignee (the person reached, or the address).")
            )
        when = fields.Datetime.to_datetime(notified_at) if notified_at else fields.Datetime.now()
        if when > fields.Datetime.now():
            raise UserError(
                self.env._(
                    "A notification cannot be recorded in the future (%s).", local_time_label(self.env, when)
                )
            )
        self._md_check_notifiable()
        # The decision date is a date of the user's calendar: compare the notification's local date.
        local_day = fields.Datetime.context_timestamp(self, when).date()
        for lines in self._md_letter_groups():
            decided = lines.recall_id.decision_date
            if decided and local_day < decided:
                raise UserError(
                    self.env._(
                        "%(partner)s cannot be notified (%(when)s) before the recall was decided "
                        "(%(decided)s).",
                        partner=lines[0].partner_id.display_name,
                        when=local_time_label(self.env, when),
                        decided=decided,
                    )
                )
            lines._md_notified(
                {
                    "notified_at": when,
                    "notification_method": method,
                    "notification_contact": contact.strip(),
                    "notification_reference": (reference or "").strip() or False,
                },
                self.env._(
                    "Notification recorded for %(partner)s (%(method)s, %(contact)s) covering %(lots)s.",
                    partner=lines[0].partner_id.display_name,
                    method=dict(self._fields["notification_method"]._description_selection(self.env))[method],
                    contact=contact.strip(),
                    lots=", ".join(lines.lot_id.mapped("name")),
                ),
            )
        return True

    def _md_notified(self, vals, note):
        """Record the notification on these lines (one consignee) and its consequences: the
        notification activity is done once every consignee is notified or excepted."""
        self._md_write_transition(dict(vals, notified_by_id=self.env.uid))
        recall = self.recall_id
        recall._md_note(body=note)
        if not recall.customer_line_ids.filtered(
            lambda line: not line.notified_at and not line.exception_approved
        ):
            recall._md_activity_done(
                "md_regulatory.mail_activity_recall_notify", self.env._("Every consignee notified")
            )

    def action_record_notification(self):
        return self._md_contact_wizard("notification")

    # ------------------------------------------------------------------
    # Acknowledgement and returns
    # ------------------------------------------------------------------
    def action_acknowledge(self):
        """The Acknowledge button opens the dialog recording who acknowledged, when and how."""
        return self._md_contact_wizard("acknowledgement")

    def _md_contact_wizard(self, kind):
        self.check_access("write")
        self._md_check_open()
        titles = {
            "notification": self.env._("Record a Notification"),
            "acknowledgement": self.env._("Record an Acknowledgement"),
        }
        return {
            "type": "ir.actions.act_window",
            "name": titles[kind],
            "res_model": "md.recall.contact.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_kind": kind, "default_customer_line_ids": self.ids},
        }

    def md_record_acknowledgement(self, contact, ack_date=None, method=None, qty_on_hand=None):
        """XML-RPC ``md_record_acknowledgement(ids, contact, ack_date=None, method=None,
        qty_on_hand=None)``: the consignee acknowledged the notice: who (required), when (default
        today, not before the notification nor in the future), through which means, and the units
        it had on hand when the notice was received (21 CFR 7.53(b)(2))."""
        self.check_access("write")
        self._md_check_open()
        if not (contact or "").strip():
            raise UserError(self.env._("Record who acknowledged the notice at the consignee."))
        if method and method not in dict(NOTIFICATION_METHODS):
            raise UserError(self.env._("Unknown acknowledgement method %s.", method))
        if qty_on_hand is not None and qty_on_hand is not False and qty_on_hand < 0:
            raise UserError(self.env._("The quantity on hand cannot be negative."))
        today = fields.Date.context_today(self)
        day = fields.Date.to_date(ack_date) if ack_date else today
        if day > today:
            raise UserError(self.env._("An acknowledgement cannot be recorded in the future (%s).", day))
        not_notified = self.filtered(lambda line: not line.notified_at)
        if not_notified:
            raise UserError(
                self.env._(
                    "Record the notification first: %s was not notified.",
                    ", ".join(not_notified.mapped("display_name")),
                )
            )
        early = self.filtered(lambda line: day < line.notified_at.date())
        if early:
            raise UserError(
                self.env._(
                    "%(lines)s cannot be acknowledged (%(day)s) before the notification (%(notified)s).",
                    lines=", ".join(early.mapped("display_name")),
                    day=day,
                    notified=early[0].notified_at.date(),
                )
            )
        for line in self:
            vals = {
                "ack_date": day,
                "ack_contact": contact.strip(),
                "ack_method": method or line.notification_method,
                "ack_recorded_by_id": self.env.uid,
            }
            if qty_on_hand is not None and qty_on_hand is not False:
                vals["ack_qty_on_hand"] = qty_on_hand
            line._md_write_transition(vals)
            line.recall_id._md_note(
                body=self.env._(
                    "Acknowledgement of %(line)s recorded: %(contact)s on %(day)s.",
                    line=line.display_name,
                    contact=contact.strip(),
                    day=day,
                )
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
        """A return of the units still in the field through Odoo's return wizard, from the
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
            .create(
                {
                    "picking_id": delivery.id,
                    "md_return_reason": self.env._("Recall %s", self.recall_id.name),
                }
            )
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

    # ------------------------------------------------------------------
    # Signed exception
    # ------------------------------------------------------------------
    def action_sign_exception(self):
        self.ensure_one()
        if not (self.exception_reason or "").strip():
            raise UserError(self.env._("Write the reason of the exception first, then sign it."))
        return self.action_md_sign()

    def _md_check_signable(self, meaning):
        if meaning == EXCEPTION:
            self._md_check_open()
            no_reason = self.filtered(lambda line: not (line.exception_reason or "").strip())
            if no_reason:
                raise UserError(
                    self.env._(
                        "Give the reason of the exception before signing it: %s",
                        ", ".join(no_reason.mapped("display_name")),
                    )
                )
            settled = self.filtered(lambda line: line.notified_at and line.ack_date)
            if settled:
                raise UserError(
                    self.env._(
                        "%s is notified and acknowledged: no exception is needed.",
                        ", ".join(settled.mapped("display_name")),
                    )
                )
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        excepted = self.browse(signatures.filtered(lambda s: s.meaning == EXCEPTION).mapped("res_id"))
        for line in excepted:
            line._md_write_transition(
                {
                    "exception_approved": True,
                    "exception_approved_by_id": self.env.uid,
                    "exception_approved_at": fields.Datetime.now(),
                }
            )
            line.recall_id._md_note(
                body=self.env._(
                    "Exception signed for %(line)s: %(reason)s",
                    line=line.display_name,
                    reason=line.exception_reason,
                )
            )
            recall = line.recall_id
            if not recall.customer_line_ids.filtered(
                lambda other: not other.notified_at and not other.exception_approved
            ):
                recall._md_activity_done(
                    "md_regulatory.mail_activity_recall_notify",
                    self.env._("Every consignee notified or excepted"),
                )
        return result

    def _md_check_signed_content(self):
        """A changed reason voids the exception's signature: the consignee is no longer excepted."""
        result = super()._md_check_signed_content()
        signed_ids = set(self._md_valid_signatures(EXCEPTION).mapped("res_id"))
        voided = self.filtered(lambda line: line.exception_approved and line.id not in signed_ids)
        if voided:
            voided._md_write_transition(
                {
                    "exception_approved": False,
                    "exception_approved_by_id": False,
                    "exception_approved_at": False,
                }
            )
        return result
