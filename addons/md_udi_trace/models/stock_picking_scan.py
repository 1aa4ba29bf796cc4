from odoo import models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    """Scanning UDIs into receipts, deliveries and internal transfers (``md.scan``)."""

    _inherit = "stock.picking"

    def _md_scan_apply(self, item):
        """Add one resolved scan to this transfer; see ``md.scan.scan`` for the contract."""
        self.ensure_one()
        scan = self.env["md.scan"]
        move = self._md_scan_move(item.product)
        code = self.picking_type_id.code
        lot = self.env["stock.lot"]
        if item.product.tracking != "none":
            lot = scan._md_lot(item, self.company_id, create=self.picking_type_id.use_create_lots)
            scan._md_check_serial_not_scanned(item, lot, self.move_ids)
            if code == "incoming":
                scan._md_check_serial_not_in_stock(item, lot, self.company_id)
            if code == "outgoing":
                scan._md_check_usable(lot, self.display_name)
        # Shelf-life minimums apply where goods are accepted or shipped; an internal move of
        # near-expiry stock (e.g. to quarantine) stays possible, an expired lot never.
        customer = self.partner_id.commercial_partner_id if code == "outgoing" else None
        scan._md_check_expiry(item, lot, product_minimum=code in ("incoming", "outgoing"), customer=customer)
        line = scan._md_add_to_move(move, item, lot)
        return scan._md_added(item, lot, line)

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
