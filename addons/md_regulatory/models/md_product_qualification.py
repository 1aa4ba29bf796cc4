from odoo import api, fields, models
from odoo.exceptions import UserError


class MdProductQualification(models.Model):
    """First-time product approval (首营品种审核, China GSP): before a device
    product is purchased the first time, its registration certificate is
    checked and the approval is e-signed. A purchase order of a device product
    without an approved first-time product approval is refused."""

    _name = "md.product.qualification"
    _description = "First-time Product Approval"
    _inherit = ["md.qualification.mixin"]
    _order = "product_tmpl_id, id desc"

    _md_signed_fields = ["product_tmpl_id", "registration_id", "supplier_id", "notes"]

    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Product",
        required=True,
        index=True,
        tracking=True,
        domain=[("md_is_device", "=", True)],
        ondelete="restrict",
    )
    registration_id = fields.Many2one(
        "md.registration",
        string="Registration Certificate",
        tracking=True,
        domain="[('product_tmpl_ids', 'in', [product_tmpl_id])]",
        help="The certificate (注册证/备案凭证 or another market's) checked for this approval.",
    )
    supplier_id = fields.Many2one(
        "res.partner", string="First Supplier", tracking=True, domain=[("is_company", "=", True)]
    )

    @api.model
    def _md_subject_field(self):
        return "product_tmpl_id"

    @api.depends("product_tmpl_id")
    def _compute_display_name(self):
        for qualification in self:
            qualification.display_name = self.env._(
                "Product approval %s", qualification.product_tmpl_id.display_name or ""
            )

    def _md_check_approvable(self):
        for qualification in self:
            if qualification.registration_id.state != "valid":
                raise UserError(
                    self.env._(
                        "%s needs a valid registration certificate for its first-time approval "
                        "(China GSP 首营品种).",
                        qualification.product_tmpl_id.display_name,
                    )
                )
