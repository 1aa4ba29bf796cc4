from odoo import api, fields, models
from odoo.exceptions import UserError


class MdPartnerQualification(models.Model):
    """First-time supplier approval (首营企业审核, China GSP; ISO 13485 7.4.1):
    the supplier's licences, verified and kept, and the salesperson's
    authorisation, approved by e-signature before the first purchase order of a
    device product. A purchase order is refused while the supplier has no
    approval, or while a licence its approval relied on is expired or revoked."""

    _name = "md.partner.qualification"
    _description = "First-time Supplier Approval"
    _inherit = ["md.qualification.mixin"]
    _order = "partner_id, id desc"

    _md_signed_fields = ["partner_id", "licence_ids", "sales_rep_name", "sales_rep_authorisation", "notes"]

    partner_id = fields.Many2one(
        "res.partner",
        string="Supplier",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_company", "=", True)],
        ondelete="restrict",
    )
    licence_ids = fields.Many2many(
        "md.partner.licence",
        "md_partner_qualification_licence_rel",
        "qualification_id",
        "licence_id",
        string="Licences Verified",
        domain="[('partner_id', '=', partner_id)]",
        help="The supplier's licences checked for this approval; each must stay valid for purchases.",
    )
    sales_rep_name = fields.Char(
        string="Authorised Salesperson",
        help="China GSP: the supplier's salesperson, with authorisation and ID.",
    )
    sales_rep_authorisation = fields.Binary(string="Salesperson Authorisation", attachment=True, copy=False)
    sales_rep_authorisation_name = fields.Char(copy=False)

    @api.model
    def _md_subject_field(self):
        return "partner_id"

    @api.depends("partner_id")
    def _compute_display_name(self):
        for qualification in self:
            qualification.display_name = self.env._(
                "Supplier approval %s", qualification.partner_id.display_name or ""
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = (
                    self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
                )
        return super().create(vals_list)

    def _md_check_approvable(self):
        for qualification in self:
            if not qualification.licence_ids:
                raise UserError(
                    self.env._(
                        "Attach the licences of %s verified for this approval (China GSP 首营企业).",
                        qualification.partner_id.display_name,
                    )
                )
            invalid = qualification.licence_ids.filtered(lambda licence: licence.state != "valid")
            if invalid:
                raise UserError(
                    self.env._(
                        "%(partner)s cannot be approved: licence %(licences)s is not valid.",
                        partner=qualification.partner_id.display_name,
                        licences=", ".join(invalid.mapped("display_name")),
                    )
                )
