from odoo import api, models

# Which moves of a lot that is not released (quarantine, on hold, rejected) are
# allowed. The gate is on the move line (lot + source + destination), so every
# flow that moves stock meets it: pickings, manufacturing orders, repairs, scrap.
#
# | move of held stock                                 | allowed | why                                  |
# |----------------------------------------------------|---------|--------------------------------------|
# | receipt from a supplier, return from a customer    | yes     | 7.5.8: returns identified, segregated|
# | into a quarantine location, internal relocation    | yes     | 7.5.8 / 8.3: segregation             |
# | to a scrap location, inventory loss                | yes     | 8.3: disposition of nonconforming    |
# | return to the supplier                             | yes     | 8.3: disposition                     |
# | unbuild (disassembly of a held finished lot)       | yes     | 8.3: rework is a disposition         |
# | delivery to a customer                             | NO      | 8.3: not delivered until released    |
# | consumption in manufacturing or repair             | NO      | 8.3: not used until released         |
# | shipment through a transit location                | NO      | leaves the site before release       |
# | out of a quarantine location into ordinary stock   | NO      | 7.5.8: stays segregated while held   |
#
# Reservation follows the same rule, stricter: held stock is only reserved for
# moves into a location that takes it (stock.location._md_takes_held_stock).
BLOCKED_DESTINATION_USAGES = ("customer", "production", "transit")


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"  # pylint: disable=consider-merging-classes-inherited

    def _md_hold_blocked_operation(self):
        """Label of the operation the hold forbids for this line, or False when allowed."""
        self.ensure_one()
        source, destination = self.location_id, self.location_dest_id
        if destination.usage in BLOCKED_DESTINATION_USAGES:
            if destination.usage == "production" and self.move_id.unbuild_id:
                return False
            return {
                "customer": self.env._("Delivery to a customer"),
                "production": self.env._("Consumption in manufacturing or repair"),
                "transit": self.env._("Shipment through a transit location"),
            }[destination.usage]
        if source.md_is_quarantine and destination.usage == "internal" and not destination.md_is_quarantine:
            return self.env._("Moving stock out of quarantine")
        return False

    def _md_check_hold_gate(self):
        """Refuse the lines of self that move a non-released lot where the hold forbids it."""
        lines = self.filtered(lambda ml: ml.lot_id and ml.lot_id.md_status != "released")
        lots_by_operation = {}
        for line in lines:
            operation = line._md_hold_blocked_operation()
            if operation:
                lots_by_operation.setdefault(operation, self.env["stock.lot"])
                lots_by_operation[operation] |= line.lot_id
        for operation, lots in lots_by_operation.items():
            lots._md_check_usable(operation)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # A user picking a held lot by hand on a delivery or an MO component.
        lines._md_check_hold_gate()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if {"lot_id", "location_id", "location_dest_id"} & set(vals):
            self._md_check_hold_gate()
        return res
