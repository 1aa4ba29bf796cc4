from markupsafe import Markup

from odoo import models

# Not a regulatory gate: no Regulatory Affairs override lifts it (the supplier is approved instead).
APPROVED_SUPPLIER_GATE = "approved_supplier"


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    def button_confirm(self):
        to_confirm = self.filtered(lambda order: order.state in ("draft", "sent"))
        _missing, conditional = to_confirm._md_approved_supplier_lookup()
        result = super().button_confirm()
        to_confirm._md_post_conditional_warnings(conditional)
        return result

    def _md_gate_violations(self):
        """The approved supplier list joins the regulatory gates, so that a refusal names every
        reason at once, on every path into a confirmed state."""
        return super()._md_gate_violations() + self._md_approved_supplier_violations()

    def _md_approved_supplier_violations(self):
        gate = self.env["md.market.gate"]
        missing, _conditional = self._md_approved_supplier_lookup()
        return [
            gate._md_violation(
                APPROVED_SUPPLIER_GATE,
                order,
                product,
                partner=supplier,
                message=self.env._(
                    "%(order)s: supplier %(supplier)s is not approved for %(product)s (ISO 13485 7.4.1: "
                    "no approved or conditional entry valid today on the approved supplier list).",
                    order=order.display_name,
                    supplier=supplier.display_name,
                    product=product.display_name,
                ),
            )
            for order, supplier, product in missing
        ]

    def _md_approved_supplier_lookup(self):
        """ISO 13485 7.4.1: regulated products (devices, quality-controlled purchases) are bought
        only from suppliers approved for them, valid today.

        Returns ``(missing, conditional)``: the (order, supplier, product) without a valid
        approval, and ``{order: approvals}`` of the conditional approvals relied on.
        """
        lines = self.order_line.filtered(
            lambda line: line.product_id and line.product_id.product_tmpl_id._md_requires_approved_supplier()
        )
        if not lines:
            return [], {}
        approvals = self.env["md.quality.supplier.approval"]._md_valid_approvals(
            lines.order_id.partner_id, lines.order_id.company_id
        )
        missing, conditional = [], {}
        no_approval = approvals.browse()
        for line in lines:
            order = line.order_id
            supplier = order.partner_id.commercial_partner_id
            matches = approvals.filtered(
                lambda a, supplier=supplier, line=line: (
                    a.partner_id == supplier
                    and a.company_id == line.order_id.company_id
                    and a._md_covers(line.product_id)
                )
            )
            if not matches:
                missing.append((order, supplier, line.product_id))
            elif all(match.state == "conditional" for match in matches):
                conditional[order] = conditional.get(order, no_approval) | matches[:1]
        return missing, conditional

    def _md_post_conditional_warnings(self, conditional):
        for order, approvals in conditional.items():
            items = Markup("").join(
                Markup("<li>%s: %s</li>") % (approval.display_name, approval.scope_notes or "")
                for approval in approvals
            )
            order.message_post(
                body=Markup("%s<ul>%s</ul>")
                % (
                    self.env._("Confirmed on a conditional supplier approval (ISO 13485 7.4.1):"),
                    items,
                )
            )
