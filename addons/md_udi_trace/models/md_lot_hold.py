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

# Set when the hold is placed; never changed afterwards.
IMMUTABLE_FIELDS = {"lot_id", "hold_type", "res_model", "res_id", "placed_by_id", "placed_at"}
# Written only by the release itself (state -> released).
RELEASE_FIELDS = {"released_by_id", "released_at", "release_reason"}


class MdLotHold(models.Model):
    """A status hold on one lot/serial (ISO 13485 7.5.8 status identification,
    8.3 nonconforming product: identify and segregate until disposition).

    The one mechanism every layer uses: recalls (md_regulatory) and quarantine /
    NCR containment (md_quality) place holds naming their source record. Holds
    are regulated records: never deleted, and read-only once released.
    """

    _name = "md.lot.hold"
    _description = "Lot/Serial Hold"
    _inherit = ["mail.thread"]
    _order = "placed_at desc, id desc"

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

    def write(self, vals):
        business_fields = set(vals) & set(self._md_business_fields())
        if business_fields:
            if self.filtered(lambda h: h.state == "released"):
                raise UserError(self.env._("A released hold is a closed record and cannot be changed."))
            changed_immutable = business_fields & IMMUTABLE_FIELDS
            if changed_immutable:
                raise UserError(
                    self.env._(
                        "The lot, type, source and author of a hold cannot be changed "
                        "(release it and place a new one): %s",
                        ", ".join(sorted(changed_immutable)),
                    )
                )
            if business_fields & RELEASE_FIELDS and vals.get("state") != "released":
                raise UserError(self.env._("The release fields are only set by releasing the hold."))
        return super().write(vals)

    def _md_business_fields(self):
        """Fields of the hold record itself (everything but the chatter's fields)."""
        mail_fields = set(self.env["mail.thread"]._fields)
        return [name for name, field in self._fields.items() if field.store and name not in mail_fields]

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        # Regulated record (ISO 13485 4.2.5): a hold ends by release, never by deletion.
        raise UserError(self.env._("Holds cannot be deleted; release them instead."))

    def _md_release(self, reason):
        """Release active holds in one write. Access rights decide who may (write on md.lot.hold)."""
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
        self.write(
            {
                "state": "released",
                "released_by_id": self.env.user.id,
                "released_at": fields.Datetime.now(),
                "release_reason": reason,
            }
        )
        return True

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
