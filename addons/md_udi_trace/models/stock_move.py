from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"  # pylint: disable=consider-merging-classes-inherited

    def _md_reservation_context(self):
        """Reservation skips lots that are not released, unless this move takes held stock
        into segregation or disposition (see stock_move_line_hold.py for the matrix)."""
        self.ensure_one()
        return self.with_context(md_exclude_held_lots=not self.location_dest_id._md_takes_held_stock())

    def _get_available_quantity(
        self, location_id, lot_id=None, package_id=None, owner_id=None, strict=False, allow_negative=False
    ):
        return super(StockMove, self._md_reservation_context())._get_available_quantity(
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
            allow_negative=allow_negative,
        )

    def _update_reserved_quantity_vals(
        self, need, location_id, lot_id=None, package_id=None, owner_id=None, strict=True
    ):
        return super(StockMove, self._md_reservation_context())._update_reserved_quantity_vals(
            need, location_id, lot_id=lot_id, package_id=package_id, owner_id=owner_id, strict=strict
        )

    def _action_done(self, cancel_backorder=False):
        # Validation gate for every flow (pickings, MOs, repairs, scrap): ISO 13485 8.3.
        to_do = self.filtered(lambda m: m.state not in ("done", "cancel"))
        to_do.move_line_ids.filtered(lambda ml: ml.picked and ml.quantity)._md_check_hold_gate()
        return super()._action_done(cancel_backorder=cancel_backorder)
