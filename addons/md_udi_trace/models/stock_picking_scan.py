from odoo import models
from odoo.exceptions import UserError

from odoo.addons.md_base.row_lock import lock_for_change


class StockPicking(models.Model):
    """Scanning UDIs into receipts, deliveries and internal transfers (``md.scan``)."""

    _inherit = "stock.picking"

    def _md_scan_apply(self, item):
        """Add one resolved scan to this transfer; see ``md.scan.scan`` for the contract."""
        line = self._md_scan_apply_batch([item])[0]
        return self.env["md.scan"]._md_added(item, line.lot_id, line)

    def _md_scan_apply_batch(self, items):
        """Add resolved scans to this transfer, all or none; return the move line of each.

        Each rule runs once for the whole list (``md.scan.scan_batch``), so a 10,000-serial
        receipt costs a few queries per rule, not one per serial.
        """
        self.ensure_one()
        lock_for_change(self)  # two scanners on one transfer take turns (same serial: one line)
        scan = self.env["md.scan"]
        moves = {
            product: self._md_scan_move(product) for product in dict.fromkeys(item.product for item in items)
        }
        code = self.picking_type_id.code
        lots = scan._md_lots(items, self.company_id, create=self.picking_type_id.use_create_lots)
        scan._md_check_serials_not_scanned(items, lots, self.move_ids)
        if code == "incoming":
            scan._md_check_serials_not_in_stock(items, lots, self.company_id)
            scan._md_check_serials_not_received_elsewhere(items, lots, self)
        if code == "outgoing":
            scan._md_check_usable(self.env["stock.lot"].union(*lots), self.display_name)
        # Shelf-life minimums apply where goods are accepted or shipped; an internal move of
        # near-expiry stock (e.g. to quarantine) stays possible, an expired lot never.
        customer = self.partner_id.commercial_partner_id if code == "outgoing" else None
        for item, lot in zip(items, lots, strict=True):
            scan._md_check_expiry(
                item, lot, product_minimum=code in ("incoming", "outgoing"), customer=customer
            )
        lines = scan._md_add_to_moves(
            [(moves[item.product], item, lot) for item, lot in zip(items, lots, strict=True)]
        )
        self._md_drop_prefill()
        return lines

    def _md_drop_prefill(self):
        """Remove the quantities Odoo prefilled from the demand once scanning has begun.

        Where no stock is reserved (receipts from suppliers, returns from customers,
        consumables) Odoo fills each move's quantity with its demand in unpicked lines without
        a lot. A scanned transfer counts what was scanned: left in place, those lines make a
        move of 2 serials scanned out of 3 read 3 / 3 and look done. Lines a user gave a lot
        or serial are kept; reservations of stock are kept (they are not a count).
        """
        moves = self.move_ids.filtered(
            lambda move: move.state not in ("done", "cancel") and move._should_bypass_reservation()
        )
        if moves:
            self.env["stock.move.line"].search(
                [
                    ("move_id", "in", moves.ids),
                    ("picked", "=", False),
                    ("lot_id", "=", False),
                    ("lot_name", "=", False),
                ]
            ).unlink()

    def _md_scan_progress(self):
        """Scanned vs expected per move of this transfer (``md.scan.progress``)."""
        self.ensure_one()
        return self.env["md.scan"]._md_moves_progress(self.move_ids)

    def action_md_scan(self):
        """Open this transfer on its form, where the scan entry is (the Receipts menu's button)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": "stock.picking",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _md_scan_move(self, product):
        """The open move of ``product`` in this transfer; scans never add products to a transfer."""
        if self.state in ("done", "cancel"):
            raise UserError(
                self.env._(
                    "%(picking)s is done or cancelled: nothing can be scanned into it.",
                    picking=self.display_name,
                )
            )
        if self.state == "draft":
            self.action_confirm()
        move = self.move_ids.filtered(
            lambda m: m.product_id == product and m.state not in ("done", "cancel")
        )[:1]
        if not move:
            raise UserError(
                self.env._(
                    "%(product)s is not in %(picking)s: only the transfer's products can be scanned into it.",
                    product=product.display_name,
                    picking=self.display_name,
                )
            )
        return move
