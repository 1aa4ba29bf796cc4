from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Status a hold type puts its lot in. Modules adding hold types with
# `selection_add` extend this mapping through `_md_status_by_hold_type()`;
# an unmapped type counts as "on hold" so a new type never releases stock.
HOLD_TYPE_STATUS = {
    "quarantine": "quarantine",
    "hold": "on_hold",
    "rejected": "rejected",
}

# The signature meaning that releases a hold.
RELEASED = "released"


class MdLotHold(models.Model):
    """A status hold on one lot/serial (ISO 13485 7.5.8 status identification,
    8.3 nonconforming product: identify and segregate until disposition).

    The one mechanism every layer uses: recalls (md_regulatory) and quarantine /
    NCR containment (md_quality) place holds naming their source record. Holds
    are regulated records: never deleted, and read-only once released.

    Releasing a hold is a regulated decision (ISO 13485 8.3, 8.2.6: who
    authorised release): it can be signed electronically with the meaning
    "released", and the signature performs the release with its reason. The
    rule (md.lot.hold, released) decides who may sign it and, when "required"
    is set, refuses any release without that signature, whatever the path.
    """

    _name = "md.lot.hold"
    _description = "Lot/Serial Hold"
    _inherit = ["mail.thread", "md.signable.mixin", "md.workflow.mixin"]
    _order = "placed_at desc, id desc"

    # Who placed it and when are the system's record of the act; the release is the transition.
    _md_transition_fields = ("placed_by_id", "placed_at", "released_by_id", "released_at", "release_reason")
    _md_create_only_fields = ("lot_id", "hold_type", "res_model", "res_id", "sales_return")
    _md_closed_states = ("released",)
    _md_deletable_states = ()
    _md_signed_fields = ["lot_id", "hold_type", "reason", "res_model", "res_id"]
    _md_sign_on_change = "refuse"
    _md_author_field = "placed_by_id"

    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True, index=True)
    company_id = fields.Many2one(related="lot_id.company_id", store=True, index=True)
    hold_type = fields.Selection(
        [("quarantine", "Quarantine"), ("hold", "On Hold"), ("rejected", "Rejected")],
        string="Type",
        required=True,
        default="hold",
        tracking=True,
    )
    reason = fields.Text(required=True, tracking=True)
    res_model = fields.Char(
        string="Source Model", index=True, help="Model of the record that placed the hold (recall, NCR...)."
    )
    res_id = fields.Many2oneReference(string="Source Record ID", model_field="res_model", index=True)
    source_display = fields.Char(string="Source", compute="_compute_source_display")
    sales_return = fields.Boolean(
        readonly=True,
        help="Placed on a lot returned by a customer: restocked only on a signed release after inspection.",
    )
    state = fields.Selection(
        [("active", "Active"), ("released", "Released")],
        required=True,
        default="active",
        index=True,
        tracking=True,
    )
    placed_by_id = fields.Many2one(
        "res.users", required=True, default=lambda self: self.env.user, readonly=True
    )
    placed_at = fields.Datetime(string="Placed On", required=True, default=fields.Datetime.now, readonly=True)
    released_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    released_at = fields.Datetime(string="Released On", readonly=True, tracking=True)
    release_reason = fields.Text(readonly=True, tracking=True)

    @api.depends("lot_id", "hold_type")
    def _compute_display_name(self):
        type_labels = dict(self._fields["hold_type"]._description_selection(self.env))
        for hold in self:
            hold.display_name = f"{hold.lot_id.name} · {type_labels.get(hold.hold_type, '')}"

    @api.depends("res_model", "res_id")
    def _compute_source_display(self):
        for hold in self:
            source = hold._md_source_record()
            hold.source_display = source.display_name if source else False

    def _md_source_record(self):
        self.ensure_one()
        if not self.res_model or not self.res_id or self.res_model not in self.env:
            return None
        source = self.env[self.res_model].browse(self.res_id).exists()
        return source.sudo() if source else None

    @api.model_create_multi
    def create(self, vals_list):
        holds = super().create(vals_list)
        self.env["md.event"]._md_emit("lot.hold.placed", holds, lambda hold: hold._md_event_data())
        return holds

    def _md_event_data(self):
        """What integrators hear of a hold (md_base's event outbox)."""
        return {
            "hold_id": self.id,
            "lot_id": self.lot_id.id,
            "lot": self.lot_id.name,
            "product_id": self.product_id.id,
            "udi_di": self.product_id.md_udi_di or None,
            "hold_type": self.hold_type,
            "reason": self.reason,
            "source": {"model": self.res_model, "id": self.res_id} if self.res_model else None,
            "release_reason": self.release_reason or None,
        }

    @api.model
    def _md_status_by_hold_type(self):
        return dict(HOLD_TYPE_STATUS)

    @api.constrains("state", "release_reason", "released_by_id", "released_at")
    def _check_release_record(self):
        # 21 CFR 820 / ISO 13485 4.2.5: a release is a record: who, when, why.
        for hold in self.filtered(lambda h: h.state == "released"):
            if not (hold.release_reason or "").strip() or not hold.released_by_id or not hold.released_at:
                raise ValidationError(
                    self.env._(
                        "Releasing the hold on %(lot)s needs a reason, the releasing user and the date.",
                        lot=hold.lot_id.display_name,
                    )
                )

    @api.constrains("reason")
    def _check_reason(self):
        for hold in self:
            if not (hold.reason or "").strip():
                raise ValidationError(self.env._("A hold on %s needs a reason.", hold.lot_id.display_name))

    def _md_check_signable(self, meaning):
        if meaning == RELEASED:
            self._md_check_state(["active"], self.env._("Releasing"))
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        for signature in signatures.filtered(lambda s: s.meaning == RELEASED):
            hold = self.browse(signature.res_id)
            if hold.state == "active":
                hold._md_release(signature.reason)
        return result

    def _md_release(self, reason):
        """Release active holds in one write. Access rights decide who may (write on md.lot.hold);
        the signature rule, whether a signature must come first."""
        self.check_access("write")
        if not (reason or "").strip():
            raise UserError(self.env._("Give a reason for releasing the hold."))
        not_active = self.filtered(lambda h: h.state != "active")
        if not_active:
            raise UserError(
                self.env._(
                    "These holds are already released: %s",
                    ", ".join(not_active.mapped("display_name")),
                )
            )
        self._md_check_required_signature(RELEASED)
        self._md_check_return_signed()
        self._md_write_transition(
            {
                "state": "released",
                "released_by_id": self.env.user.id,
                "released_at": fields.Datetime.now(),
                "release_reason": reason,
            }
        )
        self.env["md.event"]._md_emit("lot.hold.released", self, lambda hold: hold._md_event_data())
        return True

    def _md_check_return_signed(self):
        """Returned devices are checked by the acceptance staff before they go back to saleable
        stock, and the decision is recorded (China GSP, NMPA announcement 2023 No. 153, Art. 106-107;
        ISO 13485:2016 7.5.8): a sales return's hold is released only by a "released" signature."""
        signed = set(self._md_valid_signatures(RELEASED).mapped("res_id"))
        unsigned = self.filtered(lambda hold: hold.sales_return and hold.id not in signed)
        if unsigned:
            raise UserError(
                self.env._(
                    "Returned devices go back to stock only after their inspection is signed: sign the hold "
                    "of %s as released.",
                    ", ".join(unsigned.lot_id.mapped("display_name")),
                )
            )

    def action_open_source(self):
        self.ensure_one()
        source = self._md_source_record()
        if not source:
            raise UserError(self.env._("The record that placed this hold no longer exists."))
        return {
            "type": "ir.actions.act_window",
            "res_model": source._name,
            "res_id": source.id,
            "view_mode": "form",
        }

    def action_release_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Release Holds"),
            "res_model": "md.lot.hold.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_mode": "release",
                "default_lot_ids": self.lot_id.ids,
                "default_hold_ids": self.filtered(lambda h: h.state == "active").ids,
            },
        }
