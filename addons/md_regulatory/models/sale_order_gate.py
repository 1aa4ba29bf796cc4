from odoo import models


class SaleOrder(models.Model):
    """Confirming a sales order of device products needs a valid registration
    for the delivery country and, where that country's law requires it, a
    customer licence covering each device's class (md.market.gate); checked on
    the write of the confirmed state, so every path meets it."""

    _name = "sale.order"
    _inherit = ["sale.order", "md.gate.document.mixin"]

    _md_gated_states = ("sale",)

    def _md_delivery_country(self):
        """The country the goods go to: the delivery address's, else the customer's."""
        self.ensure_one()
        return self.partner_shipping_id.country_id or self.partner_id.country_id

    def _md_gate_violations(self):
        gate = self.env["md.market.gate"]
        lines = self.order_line.filtered(lambda line: not line.display_type and line.product_id.md_is_device)
        registration_requests = [
            (
                line.order_id,
                line.product_id,
                line.order_id.partner_shipping_id.country_id,
                line.order_id.company_id,
            )
            for line in lines
        ]
        licence_requests = [
            (
                line.order_id,
                line.product_id,
                line.order_id.partner_id,
                line.order_id._md_delivery_country(),
                line.order_id.company_id,
            )
            for line in lines
        ]
        violations = gate._md_registration_violations(registration_requests)
        violations += gate._md_customer_licence_violations(licence_requests)
        return gate._md_not_overridden(violations)
