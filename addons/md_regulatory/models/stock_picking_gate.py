from odoo import models


class StockPicking(models.Model):
    """Validating a delivery to a customer of device products needs a valid
    registration for the delivery address's country (md.market.gate). A signed
    override of the delivery, or of its sales order for the same product and
    country, lets it pass."""

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
        gate = self.env["md.market.gate"]
        violations = gate._md_registration_violations(requests)
        return gate._md_not_overridden(violations, also_covered_by=lambda picking: [picking.sale_id])
