from odoo import fields, models


class MdPartnerLicenceType(models.Model):
    """Kinds of partner licences and certificates checked when qualifying a
    supplier or a customer (ISO 13485 7.4.1; China GSP: 首营企业 checks of
    production and distribution licences, customer checks before sale)."""

    _name = "md.partner.licence.type"
    _description = "Partner Licence Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    country_id = fields.Many2one(
        "res.country",
        help="The country whose authority issues this licence. A customer licence of a type with a country "
        "counts for deliveries to that country only.",
    )
    for_supplier = fields.Boolean(
        string="Supplier Licence", help="Accepted as a licence of a supplier in its first-time approval."
    )
    for_customer = fields.Boolean(
        string="Customer Licence",
        help="Authorises the holder to buy devices: a sales order of a device product delivered to a country "
        "requiring customer licences (Settings) needs a valid licence of such a type covering the device's "
        "class.",
    )
    description = fields.Text()

    _sql_constraints = [("code_unique", "unique(code)", "A licence type with this code already exists.")]
