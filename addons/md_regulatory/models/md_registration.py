from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .md_legacy_approval_mixin import LEGACY_APPROVAL_FIELDS

APPROVED = "approved"

REGISTRATION_TYPES = [
    ("nmpa_registration", "NMPA Registration Certificate (注册证)"),
    ("nmpa_filing", "NMPA Filing Certificate (备案凭证)"),
    ("fda_510k", "FDA 510(k) Clearance"),
    ("fda_pma", "FDA PMA Approval"),
    ("fda_de_novo", "FDA De Novo Classification"),
    ("eu_mdr", "EU MDR Certificate (Notified Body)"),
    ("other", "Other"),
]
US_TYPES = ("fda_510k", "fda_pma", "fda_de_novo")
CN_TYPES = ("nmpa_registration", "nmpa_filing")
STATES = [("draft", "Draft"), ("valid", "Valid"), ("expired", "Expired"), ("withdrawn", "Withdrawn")]


class MdRegistration(models.Model):
    """A marketing authorisation of a device or device family in a market:
    NMPA 注册证/备案凭证 (条例 Art. 13-15), FDA 510(k)/PMA/De Novo number (21 CFR
    807/814, listed in GUDID, 830.310), EU MDR certificate of a notified body
    (MDR Art. 56). Valid once approved by e-signature (21 CFR 11.50) and while
    not expired nor withdrawn. Sales and deliveries of device products to a
    country need a valid registration covering it (md.market.gate)."""

    _name = "md.registration"
    _description = "Device Registration Certificate"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "md.signable.mixin",
        "md.workflow.mixin",
        "md.expiry.alert.mixin",
        "md.legacy.approval.mixin",
    ]
    _order = "expiry_date, id desc"
    _rec_name = "number"

    # The status follows the approval signature, the Withdraw button and the expiry date.
    _md_transition_fields = ("approved_on", "withdrawn_on", *LEGACY_APPROVAL_FIELDS)
    _md_closed_states = ("withdrawn",)
    _md_editable_fields = ("active", "notes")

    _md_signed_fields = [
        "registration_type",
        "number",
        "country_id",
        "country_group_id",
        "holder_id",
        "notified_body_id",
        "product_tmpl_ids",
        "categ_ids",
        "models_text",
        "issue_date",
        "expiry_date",
        "file",
    ]
    _md_sign_on_change = "void"

    registration_type = fields.Selection(REGISTRATION_TYPES, string="Type", required=True, tracking=True)
    number = fields.Char(required=True, tracking=True, help="The certificate, filing, 510(k) or PMA number.")
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    country_id = fields.Many2one("res.country", tracking=True)
    country_group_id = fields.Many2one(
        "res.country.group",
        string="Market (Country Group)",
        tracking=True,
        help="A certificate valid in several countries, e.g. an EU MDR certificate in the EU/EEA "
        "member states.",
    )
    covered_country_ids = fields.Many2many(
        "res.country",
        "md_registration_country_rel",
        "registration_id",
        "country_id",
        string="Countries Covered",
        compute="_compute_covered_country_ids",
        store=True,
    )
    holder_id = fields.Many2one(
        "res.partner",
        required=True,
        tracking=True,
        help="Registrant (注册人/备案人), 510(k)/PMA holder or the manufacturer named on the certificate.",
    )
    notified_body_id = fields.Many2one("res.partner", tracking=True)
    notified_body_number = fields.Char(tracking=True, help="The four-digit NANDO number (MDR Art. 43).")
    product_tmpl_ids = fields.Many2many(
        "product.template",
        "md_registration_product_template_rel",
        "registration_id",
        "product_template_id",
        string="Products",
        domain=[("md_is_device", "=", True)],
    )
    categ_ids = fields.Many2many(
        "product.category",
        "md_registration_product_category_rel",
        "registration_id",
        "category_id",
        string="Product Categories",
        help="The certificate covers every product of these categories and their subcategories.",
    )
    models_text = fields.Text(
        string="Models / Specifications", tracking=True, help="型号规格 as printed on the certificate."
    )
    issue_date = fields.Date(tracking=True)
    file = fields.Binary(string="Certificate File", attachment=True, copy=False)
    file_name = fields.Char(copy=False)
    state = fields.Selection(
        STATES, compute="_compute_state", store=True, index=True, tracking=True, string="Status"
    )
    approved_on = fields.Datetime(readonly=True, copy=False, tracking=True)
    withdrawn_on = fields.Datetime(readonly=True, copy=False, tracking=True)
    withdrawal_reason = fields.Text(tracking=True, copy=False)
    notes = fields.Text()

    _sql_constraints = [
        (
            "number_unique",
            "unique(company_id, registration_type, number)",
            "A certificate of this type with this number is already recorded.",
        ),
    ]

    @api.depends("registration_type", "number", "country_id", "country_group_id")
    def _compute_display_name(self):
        types = dict(self._fields["registration_type"]._description_selection(self.env))
        for registration in self:
            market = registration.country_group_id.name or registration.country_id.name or ""
            label = types.get(registration.registration_type, "")
            registration.display_name = " ".join(filter(None, [label, registration.number, f"({market})"]))

    @api.depends("country_id", "country_group_id.country_ids")
    def _compute_covered_country_ids(self):
        for registration in self:
            registration.covered_country_ids = (
                registration.country_id | registration.country_group_id.country_ids
            )

    @api.depends("approved_on", "withdrawn_on", "expiry_date")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for registration in self:
            if registration.withdrawn_on:
                registration.state = "withdrawn"
            elif not registration.approved_on:
                registration.state = "draft"
            elif registration.expiry_date and registration.expiry_date < today:
                registration.state = "expired"
            else:
                registration.state = "valid"

    @api.onchange("registration_type")
    def _onchange_registration_type(self):
        if self.registration_type in US_TYPES:
            self.country_id = self.env.ref("base.us")
        elif self.registration_type in CN_TYPES:
            self.country_id = self.env.ref("base.cn")
        elif self.registration_type == "eu_mdr":
            self.country_id = False
            self.country_group_id = self.env.ref("md_regulatory.country_group_eu_eea_mdr")

    @api.constrains("country_id", "country_group_id")
    def _check_market(self):
        for registration in self:
            if not (registration.country_id or registration.country_group_id):
                raise ValidationError(
                    self.env._("Give the country or country group where %s is valid.", registration.number)
                )

    @api.constrains("product_tmpl_ids", "categ_ids")
    def _check_scope(self):
        for registration in self:
            if not (registration.product_tmpl_ids or registration.categ_ids):
                raise ValidationError(
                    self.env._("Give the products or product categories that %s covers.", registration.number)
                )

    @api.constrains("registration_type", "notified_body_id")
    def _check_notified_body(self):
        for registration in self:
            if registration.registration_type == "eu_mdr" and not registration.notified_body_id:
                raise ValidationError(
                    self.env._(
                        "The EU MDR certificate %s needs its notified body (MDR Art. 56).",
                        registration.number,
                    )
                )

    @api.constrains("issue_date", "expiry_date")
    def _check_dates(self):
        for registration in self:
            dates = registration.issue_date, registration.expiry_date
            if all(dates) and dates[1] < dates[0]:
                raise ValidationError(self.env._("%s expires before it was issued.", registration.number))

    # --- a changed certificate loses its approval -----------------------------

    def write(self, vals):
        result = super().write(vals)
        if set(vals) & set(self._md_signed_fields):
            self._md_drop_void_approvals()
        return result

    def _md_drop_void_approvals(self):
        """A changed certificate loses its approval with its voided signature."""
        still_signed = set(self._md_valid_signatures(APPROVED).mapped("res_id"))
        unapproved = self.filtered(lambda r: r.approved_on and r.id not in still_signed)
        if unapproved:
            unapproved._md_write_transition({"approved_on": False})

    # --- signature: approval -------------------------------------------------

    def _md_check_signable(self, meaning):
        if meaning == APPROVED:
            closed = self.filtered(lambda r: r.withdrawn_on or r.approved_on)
            if closed:
                raise UserError(
                    self.env._(
                        "%s is already approved or withdrawn.", ", ".join(closed.mapped("display_name"))
                    )
                )
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        approved = self.browse(signatures.filtered(lambda s: s.meaning == APPROVED).mapped("res_id"))
        if approved:
            approved._md_approve()
        return result

    def _md_approve(self):
        self._md_check_required_signature(APPROVED)
        self._md_write_transition({"approved_on": fields.Datetime.now()})

    def action_withdraw(self):
        """The certificate is withdrawn, cancelled or not renewed: it no longer
        covers any sale, whatever its expiry date."""
        self.check_access("write")
        missing = self.filtered(lambda r: not (r.withdrawal_reason or "").strip())
        if missing:
            raise UserError(
                self.env._("Give the reason for withdrawing %s.", ", ".join(missing.mapped("display_name")))
            )
        self.filtered(lambda r: not r.withdrawn_on)._md_write_transition(
            {"withdrawn_on": fields.Datetime.now()}
        )
        return True

    @api.model
    def _md_alert_domain(self):
        return [("state", "=", "valid")]
