from odoo import models


class StockPicking(models.Model):
    """Validating a delivery to a customer of device products needs a valid
    registration for the delivery address's country and, where that country's law
    requires it, the customer's licence covering each device (md.market.gate), with or
    without a sales order: the licence may have expired or been revoked since the order
    was confirmed (China GSP, NMPA announcement 2023 No. 153, Art. 81-82: a wholesaler
    verifies the buyer's licence or filing and its scope before selling; 医疗器械监督管理条例,
    State Council Order 739, Art. 45: the sales record names the buyer). A signed override
    of the delivery, or of its sales order for the same product and country, lets it pass."""

    _name = "stock.picking"
    _inherit = ["stock.picking", "md.gate.document.mixin"]

    # The state of a picking follows its moves: _action_done is the transition of every
    # validation path, and the gated state refuses a direct write of "done".
    _md_gated_states = ("done",)

    def _action_done(self):
        self._md_gate_enforce(self)
        return super()._action_done()

    def _md_gate_violations(self):
        deliveries = self.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.location_dest_id.usage == "customer"
        )
        moves = deliveries.move_ids.filtered(lambda m: m.state != "cancel" and m.product_id.md_is_device)
        requests = [
            (
                move.picking_id,
                move.product_id,
                move.picking_id.partner_id.country_id,
                move.picking_id.company_id,
            )
            for move in moves
        ]
        licence_requests = [
            (picking, product, picking.partner_id, country, company)
            for picking, product, country, company in requests
        ]
        gate = self.env["md.market.gate"]
        violations = gate._md_registration_violations(requests)
        violations += gate._md_customer_licence_violations(licence_requests)
        violations += self._md_receipt_violations()
        return gate._md_not_overridden(violations, also_covered_by=lambda picking: [picking.sale_id])

    def _md_receipt_violations(self):
        """Receipts from a supplier, with or without a purchase order, where the company checks
        at receipt (进货查验): the supplier's first-time approval with its licences in force
        and each device's first-time product approval, as on the purchase order (State
        Council Order 739, Art. 45: the supplier's qualification is checked when buying; GSP,
        NMPA announcement 2023 No. 153, Art. 60-65: receiving and acceptance)."""
        receipts = self.filtered(lambda p: p.company_id.md_receipt_gate_required)
        return receipts._md_supplier_approval_violations()

    def _md_supplier_approval_violations(self):
        """Of the receipts from a supplier among these pickings: the supplier's approval and the
        devices' first-time approvals."""
        receipts = self.filtered(
            lambda p: p.picking_type_code == "incoming" and p.location_id.usage == "supplier"
        )
        moves = receipts.move_ids.filtered(lambda m: m.state != "cancel" and m.product_id.md_is_device)
        gate = self.env["md.market.gate"]
        violations = gate._md_supplier_violations(
            [
                (move.picking_id, move.product_id, move.picking_id.partner_id, move.picking_id.company_id)
                for move in moves
            ]
        )
        violations += gate._md_product_qualification_violations(
            [(move.picking_id, move.product_id, move.picking_id.company_id) for move in moves]
        )
        return violations
