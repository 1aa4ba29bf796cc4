from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .md_registration import STATES


class MdPartnerLicence(models.Model):
    """A licence, filing or certificate held by a supplier or a customer:
    生产许可证, 经营许可证/备案凭证, 医疗机构执业许可证, ISO 13485 certificate, FDA
    establishment registration (types in md.partner.licence.type). Its scope
    is the NMPA device classes and/or product categories it covers (条例
    Art. 30-32, 41-42: class II distribution is filed, class III licensed);
    no scope given means it covers every device.

    Copies are kept (China GSP; ISO 13485 7.4.1 records of supplier
    evaluation) and expiry is alerted like registrations."""

    _name = "md.partner.licence"
    _description = "Partner Licence"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.workflow.mixin", "md.expiry.alert.mixin"]
    _order = "partner_id, expiry_date, id"
    _rec_name = "number"

    # The status follows the expiry date and the Revoke button.
    _md_transition_fields = ("withdrawn_on",)
    _md_closed_states = ("withdrawn",)
    _md_editable_fields = ("active",)

    partner_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_company", "=", True)],
        ondelete="restrict",
    )
    licence_type_id = fields.Many2one(
        "md.partner.licence.type", string="Type", required=True, tracking=True, ondelete="restrict"
    )
    number = fields.Char(required=True, tracking=True)
    issuer = fields.Char(string="Issuing Authority", tracking=True)
    issue_date = fields.Date(tracking=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Empty: the licence is shared by all companies.",
    )
    active = fields.Boolean(default=True, tracking=True)
    covers_class_i = fields.Boolean(string="Class I", tracking=True)
    covers_class_ii = fields.Boolean(string="Class II", tracking=True)
    covers_class_iii = fields.Boolean(string="Class III", tracking=True)
    categ_ids = fields.Many2many(
        "product.category",
        "md_partner_licence_product_category_rel",
        "licence_id",
        "category_id",
        string="Product Categories",
        help="The licence covers these categories and their subcategories, besides the classes ticked.",
    )
    scope_text = fields.Text(string="Scope as Printed", help="经营范围/生产范围 as printed on the licence.")
    file = fields.Binary(string="Licence Copy", attachment=True, copy=False)
    file_name = fields.Char(copy=False)
    state = fields.Selection(
        [s for s in STATES if s[0] != "draft"],
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
        string="Status",
    )
    withdrawn_on = fields.Datetime(string="Revoked On", readonly=True, copy=False, tracking=True)
    withdrawal_reason = fields.Text(string="Revocation Reason", tracking=True, copy=False)

    _sql_constraints = [
        (
            "number_unique",
            "unique(partner_id, licence_type_id, number)",
            "This licence is already recorded for the partner.",
        ),
    ]

    @api.depends("licence_type_id", "number", "partner_id")
    def _compute_display_name(self):
        for licence in self:
            licence.display_name = f"{licence.licence_type_id.name or ''} {licence.number or ''}".strip()

    @api.depends("withdrawn_on", "expiry_date")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for licence in self:
            if licence.withdrawn_on:
                licence.state = "withdrawn"
            elif licence.expiry_date and licence.expiry_date < today:
                licence.state = "expired"
            else:
                licence.state = "valid"

    @api.constrains("issue_date", "expiry_date")
    def _check_dates(self):
        for licence in self:
            if licence.issue_date and licence.expiry_date and licence.expiry_date < licence.issue_date:
                raise ValidationError(self.env._("Licence %s expires before it was issued.", licence.number))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = (
                    self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
                )
        return super().create(vals_list)

    def action_withdraw(self):
        """The authority revoked or cancelled the licence."""
        self.check_access("write")
        missing = self.filtered(lambda r: not (r.withdrawal_reason or "").strip())
        if missing:
            raise UserError(
                self.env._("Give the reason for revoking %s.", ", ".join(missing.mapped("display_name")))
            )
        self.filtered(lambda r: not r.withdrawn_on)._md_write_transition(
            {"withdrawn_on": fields.Datetime.now()}
        )
        return True

    @api.model
    def _md_alert_domain(self):
        return [("state", "=", "valid")]
