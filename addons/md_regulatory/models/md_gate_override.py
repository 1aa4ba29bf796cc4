from odoo import api, fields, models
from odoo.exceptions import UserError

OVERRIDE = "override"
GATES = [
    ("registration", "Market registration"),
    ("customer_licence", "Customer licence"),
    ("supplier_qualification", "Supplier approval (首营企业)"),
    ("product_qualification", "Product approval (首营品种)"),
]
GATED_MODELS = [
    ("sale.order", "Sales Order"),
    ("stock.picking", "Delivery"),
    ("purchase.order", "Purchase Order"),
]


class MdGateOverride(models.Model):
    """An exception to a regulatory gate for one order or delivery and one
    product, with its reason, e-signed by Regulatory Affairs (meaning
    "override", 21 CFR 11.50). Once signed, the gate lets exactly that
    record and product pass; it is kept for audit and cannot be changed."""

    _name = "md.gate.override"
    _description = "Regulatory Gate Override"
    _inherit = ["mail.thread", "md.signable.mixin", "md.workflow.mixin"]
    _order = "id desc"

    # The override becomes effective by its signature only, and names one document and product.
    _md_create_only_fields = (
        "gate",
        "res_model",
        "res_id",
        "record_name",
        "product_id",
        "partner_id",
        "country_id",
        "message",
        "company_id",
    )
    _md_closed_states = ("signed",)

    _md_signed_fields = ["gate", "res_model", "res_id", "product_id", "partner_id", "country_id", "reason"]
    _md_sign_on_change = "refuse"

    gate = fields.Selection(GATES, required=True, index=True, tracking=True)
    res_model = fields.Selection(GATED_MODELS, string="Document Type", required=True, index=True)
    res_id = fields.Many2oneReference(
        string="Document ID", model_field="res_model", required=True, index=True
    )
    record_name = fields.Char(string="Document", readonly=True)
    product_id = fields.Many2one("product.product", required=True, index=True, ondelete="restrict")
    partner_id = fields.Many2one("res.partner", ondelete="restrict")
    country_id = fields.Many2one("res.country", ondelete="restrict")
    message = fields.Text(string="Refusal", readonly=True, help="The gate's refusal this override lifts.")
    reason = fields.Text(required=True, tracking=True)
    state = fields.Selection(
        [("pending", "Awaiting Signature"), ("signed", "Signed")],
        default="pending",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("gate", "record_name", "product_id")
    def _compute_display_name(self):
        gates = dict(self._fields["gate"]._description_selection(self.env))
        for override in self:
            override.display_name = self.env._(
                "Override %(gate)s: %(record)s, %(product)s",
                gate=gates.get(override.gate, ""),
                record=override.record_name or "",
                product=override.product_id.display_name or "",
            )

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")  # before the document is read as superuser below
        for vals in vals_list:
            if not (vals.get("reason") or "").strip():
                raise UserError(self.env._("Give the reason for the override."))
            # Regulatory Affairs may lack sales or purchase rights: the name is read as superuser.
            record = self.env[vals["res_model"]].sudo().browse(vals["res_id"]).exists()
            if not record:
                raise UserError(self.env._("The document to unblock does not exist."))
            vals["record_name"] = record.display_name
            vals.setdefault("company_id", record.company_id.id)
        return super().create(vals_list)

    def _md_check_signable(self, meaning):
        if meaning == OVERRIDE:
            signed = self.filtered(lambda o: o.state == "signed")
            if signed:
                raise UserError(self.env._("%s is already signed.", ", ".join(signed.mapped("display_name"))))
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        signed = self.browse(signatures.filtered(lambda s: s.meaning == OVERRIDE).mapped("res_id"))
        if signed:
            signed._md_check_required_signature(OVERRIDE)
            signed._md_write_transition({"state": "signed"})
            signed._md_post_on_document()
        return result

    def _md_post_on_document(self):
        """The override shows in the chatter of the order or delivery it unblocks."""
        for override in self:
            record = self.env[override.res_model].browse(override.res_id)
            record.sudo().message_post(
                body=self.env._(
                    "%(override)s signed by %(user)s. Reason: %(reason)s",
                    override=override.display_name,
                    user=self.env.user.name,
                    reason=override.reason,
                )
            )

    @api.model
    def _md_signed_keys(self, records):
        """{(gate, res_id, product_id, country_id)} of the signed overrides of ``records``."""
        overrides = self.sudo().search(
            [("res_model", "=", records._name), ("res_id", "in", records.ids), ("state", "=", "signed")]
        )
        return {(o.gate, o.res_id, o.product_id.id, o.country_id.id) for o in overrides}

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
