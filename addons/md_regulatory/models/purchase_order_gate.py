from odoo import models


class PurchaseOrder(models.Model):
    """Confirming a purchase order of device products needs the supplier's
    first-time approval with its licences in force and each device's
    first-time product approval (首营企业/首营品种, China GSP; ISO 13485 7.4.1)."""

    _name = "purchase.order"
    _inherit = ["purchase.order", "md.gate.document.mixin"]

    # Confirmed, waiting for the second approval, or locked: every state past the RFQ.
    _md_gated_states = ("to approve", "purchase", "done")

    def _md_gate_violations(self):
        gate = self.env["md.market.gate"]
        lines = self.order_line.filtered(lambda line: not line.display_type and line.product_id.md_is_device)
        violations = gate._md_supplier_violations(
            [
                (line.order_id, line.product_id, line.order_id.partner_id, line.order_id.company_id)
                for line in lines
            ]
        )
        violations += gate._md_product_qualification_violations(
            [(line.order_id, line.product_id, line.order_id.company_id) for line in lines]
        )
        return gate._md_not_overridden(violations)
