from odoo import api, fields, models


class PurchaseOrderLine(models.Model):
    """The columns of the purchase record (采购记录, GSP, NMPA announcement 2023 No. 153, Art. 58:
    name, model, specification, registrant, registration or filing number, unit, quantity, unit
    price, amount, supplier and purchase date), the registration read for a page at once."""

    _inherit = "purchase.order.line"

    md_is_device = fields.Boolean(related="product_id.md_is_device", string="Medical Device")
    md_model = fields.Char(related="product_id.md_model_version", string="Model")
    md_udi_di = fields.Char(related="product_id.md_udi_di", string="UDI-DI")
    md_registration_number = fields.Char("Registration No.", compute="_compute_md_gsp_registration")
    md_registrant = fields.Char("Registrant", compute="_compute_md_gsp_registration")

    @api.depends("product_id", "company_id")
    def _compute_md_gsp_registration(self):
        registrations = self.env["md.market.gate"]._md_registrations_of(
            self, lambda line: line.company_id.country_id
        )
        for line in self:
            registration = registrations[line]
            line.md_registration_number = registration.number or False
            line.md_registrant = registration.holder_id.name or False
