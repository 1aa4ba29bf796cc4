from odoo import api, fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    """A receipt of devices, from a supplier or back from a customer, is validated only after
    its acceptance (验收) on exactly the lines it carries, when the company requires it (GSP,
    NMPA announcement 2023 No. 153, Art. 64-65 and 67); the lots rejected at acceptance are held
    when the receipt is validated (Art. 69)."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    md_acceptance_ids = fields.One2many("md.receipt.acceptance", "picking_id", string="Acceptances")
    md_accepted = fields.Boolean("Accepted", compute="_compute_md_accepted")
    md_acceptance_needed = fields.Boolean("Acceptance Needed", compute="_compute_md_accepted")

    @api.depends("md_acceptance_ids.state", "move_line_ids", "move_ids.product_id")
    def _compute_md_accepted(self):
        for picking in self:
            picking.md_acceptance_needed = picking._md_needs_acceptance()
            picking.md_accepted = bool(picking._md_valid_acceptance())

    def _md_is_receipt(self):
        self.ensure_one()
        return self.picking_type_code == "incoming" and self.location_id.usage in ("supplier", "customer")

    def _md_needs_acceptance(self):
        self.ensure_one()
        return (
            self.company_id.md_acceptance_required
            and self._md_is_receipt()
            and any(move.product_id.md_is_device for move in self.move_ids if move.state != "cancel")
        )

    def _md_receipt_quantities(self):
        """``{(product, lot or serial name): (quantity, expiration date)}`` of the device lines
        received; the lot may not exist yet (it is created when the receipt is validated)."""
        quantities = {}
        for line in self.move_line_ids.filtered(lambda ml: ml.product_id.md_is_device and ml.quantity):
            key = (line.product_id, line.lot_id.name or line.lot_name or "")
            expiry = line.lot_id.expiration_date or line.expiration_date
            quantity = quantities.get(key, (0.0, expiry))[0] + line.quantity_product_uom
            quantities[key] = (quantity, expiry)
        return quantities

    def _md_receipt_fingerprint(self):
        return "\n".join(
            sorted(
                f"{product.id}:{lot_name}:{quantity:g}"
                for (product, lot_name), (quantity, _expiry) in self._md_receipt_quantities().items()
            )
        )

    def _md_valid_acceptance(self):
        self.ensure_one()
        fingerprint = self._md_receipt_fingerprint()
        return self.md_acceptance_ids.filtered(lambda a: a.state == "done" and a.fingerprint == fingerprint)[
            :1
        ]

    def _md_acceptance_gate_enforce(self):
        """What acceptance checks against the regulatory records: each device's registration
        or filing in force in the company's country (GSP Art. 57, 65(2)) and, for a supplier's
        goods, the supplier's and the product's first-time approvals (State Council Order 739,
        Art. 45). A signed override of the receipt lifts a violation, as at every gate."""
        moves = self.move_ids.filtered(lambda m: m.state != "cancel" and m.product_id.md_is_device)
        gate = self.env["md.market.gate"]
        violations = gate._md_registration_violations(
            [
                (move.picking_id, move.product_id, move.company_id.country_id, move.company_id)
                for move in moves
            ]
        )
        violations += self._md_supplier_approval_violations()
        gate._md_raise(gate._md_not_overridden(violations))

    def _md_gate_enforce(self, documents):
        """Every validation path meets the acceptance with the other receipt gates."""
        result = super()._md_gate_enforce(documents)
        documents._md_check_accepted()
        return result

    def _md_check_accepted(self):
        missing = self.filtered(lambda p: p._md_needs_acceptance() and not p._md_valid_acceptance())
        if missing:
            raise UserError(
                self.env._(
                    "Acceptance (验收) missing or no longer matching the lines: %s. The acceptance person "
                    "checks the goods and confirms the acceptance record before the receipt is validated.",
                    ", ".join(missing.mapped("name")),
                )
            )

    def _action_done(self):
        accepted = {
            picking: picking._md_valid_acceptance() for picking in self if picking._md_needs_acceptance()
        }
        result = super()._action_done()
        for acceptance in accepted.values():
            acceptance._md_hold_rejected()
        return result

    def action_md_acceptance(self):
        """Open (or start) this receipt's acceptance for the current user."""
        self.ensure_one()
        acceptance = self.md_acceptance_ids.filtered(
            lambda a: a.state == "draft" and a.inspector_id == self.env.user
        )[:1] or self.env["md.receipt.acceptance"].create({"picking_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Acceptance"),
            "res_model": "md.receipt.acceptance",
            "res_id": acceptance.id,
            "view_mode": "form",
        }
