from odoo import models
from odoo.exceptions import UserError


# Kept apart from mrp_production.py (genealogy) on purpose: scanning is its own feature.
class MrpProduction(models.Model):  # pylint: disable=consider-merging-classes-inherited
    """Scanning UDIs into manufacturing orders: components consumed and the finished product."""

    _inherit = "mrp.production"

    def _md_scan_apply(self, item):
        """Add one resolved scan to this order; see ``md.scan.scan`` for the contract."""
        self.ensure_one()
        if self.state in ("done", "cancel"):
            raise UserError(
                self.env._(
                    "%(mo)s is done or cancelled: nothing can be scanned into it.", mo=self.display_name
                )
            )
        if self.state == "draft":
            self.action_confirm()
        if item.product == self.product_id:
            return self._md_scan_finished(item)
        return self._md_scan_component(item)

    def _md_scan_component(self, item):
        scan = self.env["md.scan"]
        move = self.move_raw_ids.filtered(
            lambda m: m.product_id == item.product and m.state not in ("done", "cancel")
        )[:1]
        if not move:
            raise UserError(
                self.env._(
                    "%(product)s is neither a component nor the product of %(mo)s.",
                    product=item.product.display_name,
                    mo=self.display_name,
                )
            )
        lot = self.env["stock.lot"]
        if item.product.tracking != "none":
            lot = scan._md_lot(item, self.company_id, create=self.picking_type_id.use_create_components_lots)
            scan._md_check_serial_not_scanned(item, lot, self.move_raw_ids)
            scan._md_check_usable(lot, self.display_name)
        scan._md_check_expiry(item, lot, product_minimum=False)
        line = scan._md_add_to_move(move, item, lot)
        # The scanned quantity is the actual consumption: keep Odoo from recomputing it
        # from the quantity producing.
        move.manual_consumption = True
        return scan._md_added(item, lot, line)

    def _md_scan_finished(self, item):
        """The finished product's lot or serial becomes the order's ``lot_producing_id``.

        Odoo produces one serial number per order (several serials go through its Mass
        Produce, which splits the order), so a second serial is refused; a lot-tracked order
        produces one lot and each scan adds its quantity to the quantity producing.
        """
        scan = self.env["md.scan"]
        if item.product.tracking == "none":
            self.qty_producing += item.quantity
            self._set_qty_producing(False)
            return scan._md_added(item, self.env["stock.lot"], None)
        lot = scan._md_lot(item, self.company_id, create=True)
        if self.lot_producing_id and self.lot_producing_id != lot:
            raise UserError(
                self.env._(
                    "%(mo)s already produces %(current)s: one lot or serial number per manufacturing "
                    "order (split the order to produce %(lot)s).",
                    mo=self.display_name,
                    current=self.lot_producing_id.name,
                    lot=lot.name,
                )
            )
        if item.product.tracking == "serial" and self.lot_producing_id == lot:
            raise UserError(
                self.env._(
                    "Serial number %(serial)s was already scanned into %(mo)s.",
                    serial=lot.name,
                    mo=self.display_name,
                )
            )
        scan._md_check_serial_not_in_stock(item, lot, self.company_id)
        scan._md_check_expiry(item, lot, product_minimum=False)
        producing = 1.0 if item.product.tracking == "serial" else self.qty_producing + item.quantity
        self.write({"lot_producing_id": lot.id, "qty_producing": producing})
        self._set_qty_producing(False)
        return scan._md_added(item, lot, None)

    def _md_scan_progress(self):
        """Scanned vs expected of this order (``md.scan.progress``): its components, then the
        finished product (the quantity producing of its lot or serial)."""
        self.ensure_one()
        scan = self.env["md.scan"]
        lines = scan._md_moves_progress(self.move_raw_ids)
        producing = {self.lot_producing_id: self.qty_producing} if self.qty_producing else {}
        lines.append(
            scan._md_progress_line(
                f"production-{self.id}", self.product_id, self.product_uom_id, self.product_qty, producing
            )
        )
        return lines
