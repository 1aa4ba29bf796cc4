from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    """A delivery of devices to a customer is validated only after its outbound check, by
    someone other than the picker, on exactly the lines it carries (GSP, NMPA announcement
    2023 No. 153, Art. 87), when the company requires it."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    md_outbound_check_ids = fields.One2many("md.outbound.check", "picking_id", string="Outbound Checks")
    md_outbound_checked = fields.Boolean("Outbound Checked", compute="_compute_md_outbound_checked")
    md_outbound_check_needed = fields.Boolean("Outbound Check Needed", compute="_compute_md_outbound_checked")

    @api.depends("md_outbound_check_ids.state", "move_line_ids", "move_ids.product_id")
    def _compute_md_outbound_checked(self):
        for picking in self:
            picking.md_outbound_check_needed = picking._md_needs_outbound_check()
            picking.md_outbound_checked = bool(picking._md_valid_outbound_check())

    def _md_needs_outbound_check(self):
        self.ensure_one()
        return (
            self.company_id.md_outbound_check_required
            and self.picking_type_code == "outgoing"
            and self.location_dest_id.usage == "customer"
            and any(move.product_id.md_is_device for move in self.move_ids if move.state != "cancel")
        )

    def _md_pickers(self):
        """Who prepared the delivery: its responsible and whoever recorded its lines."""
        users = self.user_id | self.move_line_ids.create_uid | self.move_line_ids.write_uid
        return users.filtered(lambda user: user.id != SUPERUSER_ID)

    def _md_outbound_quantities(self):
        """``{(product, lot): quantity}`` of the device lines the delivery carries."""
        quantities = {}
        for line in self.move_line_ids.filtered(lambda ml: ml.product_id.md_is_device and ml.quantity):
            key = (line.product_id, line.lot_id)
            quantities[key] = quantities.get(key, 0.0) + line.quantity_product_uom
        return quantities

    def _md_outbound_fingerprint(self):
        return "\n".join(
            sorted(
                f"{product.id}:{lot.id or 0}:{quantity:g}"
                for (product, lot), quantity in self._md_outbound_quantities().items()
            )
        )

    def _md_valid_outbound_check(self):
        self.ensure_one()
        fingerprint = self._md_outbound_fingerprint()
        return self.md_outbound_check_ids.filtered(
            lambda c: c.state == "done" and c.fingerprint == fingerprint
        )[:1]

    def _md_gate_enforce(self, documents):
        """Every validation path (``_action_done`` and a direct write of "done") meets the
        outbound check with the other delivery gates; a gate override does not replace it."""
        result = super()._md_gate_enforce(documents)
        documents._md_check_outbound_checked()
        return result

    def _md_check_outbound_checked(self):
        missing = self.filtered(lambda p: p._md_needs_outbound_check() and not p._md_valid_outbound_check())
        if missing:
            raise UserError(
                self.env._(
                    "Outbound check (出库复核) missing or no longer matching the lines: %s. A second person "
                    "checks the delivery by scanning before it is validated.",
                    ", ".join(missing.mapped("name")),
                )
            )

    def action_md_outbound_check(self):
        """Open (or start) this delivery's outbound check for the current user."""
        self.ensure_one()
        check = self.md_outbound_check_ids.filtered(
            lambda c: c.state == "draft" and c.checker_id == self.env.user
        )[:1] or self.env["md.outbound.check"].create({"picking_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Outbound Check"),
            "res_model": "md.outbound.check",
            "res_id": check.id,
            "view_mode": "form",
        }
