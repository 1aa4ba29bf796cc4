from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare


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
    md_not_fully_received = fields.Boolean(
        "Not Fully Received",
        compute="_compute_md_not_fully_received",
        search="_search_md_not_fully_received",
    )

    @api.depends("product_id", "company_id")
    def _compute_md_gsp_registration(self):
        registrations = self.env["md.market.gate"]._md_registrations_of(
            self, lambda line: line.company_id.country_id
        )
        for line in self:
            registration = registrations[line]
            line.md_registration_number = registration.number or False
            line.md_registrant = registration.holder_id.name or False

    @api.depends("qty_received", "product_qty", "product_uom")
    def _compute_md_not_fully_received(self):
        for line in self:
            rounding = line.product_uom.rounding or 0.01
            line.md_not_fully_received = (
                float_compare(line.qty_received, line.product_qty, precision_rounding=rounding) < 0
            )

    def _search_md_not_fully_received(self, operator, value):
        """Lines whose received quantity is below the ordered one (both in the line's unit), for
        the purchase records' filter: a domain cannot compare two fields."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Filter “Not Fully Received” with = or != and a yes/no value."))
        self.flush_model(["qty_received", "product_qty", "product_uom"])
        # the compute's float_compare: short by at least half the unit's rounding
        short = SQL(
            """(SELECT line.id FROM purchase_order_line line
                  LEFT JOIN uom_uom uom ON uom.id = line.product_uom
                 WHERE line.product_qty - line.qty_received >= COALESCE(uom.rounding, 0.01) / 2)"""
        )
        return [("id", "in" if (operator == "=") == value else "not in", short)]
