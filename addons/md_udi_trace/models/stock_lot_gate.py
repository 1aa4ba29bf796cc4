"""The one lot gate: which lots a move may reserve and move (ISO 13485:2016
7.5.8 status identification; 8.3 nonconforming product is not used or delivered
until its disposition; 8.2.6 product is not released until authorised).

Overridden here once for every flow that moves stock (pickings, manufacturing
orders, repairs, scrap, RPC callers): the reservation domain of stock.quant,
and the move-line checks at creation, change, picking validation and
``_action_done``. The layers above add their rules through two hooks, with
``super()``:

- ``stock.move._md_reservable_lot_domain()``: the lots this move may reserve;
- ``stock.move.line._md_lot_gate_refusals()``: why lines may not move their lots.

The hold rule (this addon): which moves of a lot that is not released
(quarantine, on hold, rejected) are allowed. The gate is on the move line (lot
+ source + destination).

| move of held stock                                 | allowed | why                                  |
|----------------------------------------------------|---------|--------------------------------------|
| receipt from a supplier, return from a customer    | yes     | 7.5.8: returns identified, segregated|
| into a quarantine location, internal relocation    | yes     | 7.5.8 / 8.3: segregation             |
| to a scrap location, inventory loss                | yes     | 8.3: disposition of nonconforming    |
| return to the supplier                             | yes     | 8.3: disposition                     |
| unbuild (disassembly of a held finished lot)       | yes     | 8.3: rework is a disposition         |
| delivery to a customer                             | NO      | 8.3: not delivered until released    |
| consumption in manufacturing or repair             | NO      | 8.3: not used until released         |
| shipment through a transit location                | NO      | leaves the site before release       |
| out of a quarantine location into ordinary stock   | NO      | 7.5.8: stays segregated while held   |

Expired lots (expiry date passed) are neither reserved nor moved to a customer, into
production or through transit, whatever their status (China GSP, NMPA announcement 2023
No. 153, Art. 51(6), 80, 87(3)). Nor is a lot reserved for or delivered to a customer with
less shelf life left than the product's minimum or the customer's (near-expiry control, GSP
Art. 76; the customer's minimum is a contractual requirement, ISO 13485:2016 7.2.1).

Reservation follows the same rule, stricter: held stock is only reserved for
moves into a location that takes it (stock.location._md_takes_held_stock).
"""

from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

BLOCKED_DESTINATION_USAGES = ("customer", "production", "transit")
# Set by stock.move._md_reservation_context from the move itself: a caller's value is replaced.
RESERVABLE_LOTS_KEY = "md_reservable_lots"
GATED_LINE_FIELDS = {"lot_id", "location_id", "location_dest_id"}


class StockQuant(models.Model):
    _inherit = "stock.quant"  # pylint: disable=consider-merging-classes-inherited

    def _md_reservable_lot_domain(self):
        return self.env.context.get(RESERVABLE_LOTS_KEY) or []

    def _get_gather_domain(
        self, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False
    ):
        domain = super()._get_gather_domain(product_id, location_id, lot_id, package_id, owner_id, strict)
        lot_domain = self._md_reservable_lot_domain()
        if lot_domain:
            domain = expression.AND([domain, ["|", ("lot_id", "=", False), ("lot_id", "any", lot_domain)]])
        return domain

    def _gather(
        self, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False, qty=0
    ):
        quants = super()._gather(product_id, location_id, lot_id, package_id, owner_id, strict, qty)
        lot_domain = self._md_reservable_lot_domain()
        if lot_domain and self.env.context.get("quants_cache") is not None:
            # The quants cache of chained reservations bypasses the gather domain.
            allowed = quants.lot_id.filtered_domain(lot_domain)
            quants = quants.filtered(lambda quant: not quant.lot_id or quant.lot_id in allowed)
        return quants


class StockMove(models.Model):
    _inherit = "stock.move"  # pylint: disable=consider-merging-classes-inherited

    def _md_reservable_lot_domain(self):
        """Domain of the lots this move may reserve (hook). Held lots only for moves that take
        held stock into segregation or disposition; expired lots never for a delivery or a
        consumption (GSP, NMPA announcement 2023 No. 153, Art. 51(6): expired devices are
        locked automatically; Art. 80, 87(3): they are not sold nor shipped)."""
        self.ensure_one()
        if self.location_dest_id._md_takes_held_stock():
            return []
        domain = [("md_status", "=", "released")]
        if self.location_dest_id.usage in BLOCKED_DESTINATION_USAGES:
            # An expiry date is a calendar date: the lot is usable through that day.
            last_day = fields.Date.context_today(self) + timedelta(days=self._md_min_shelf_life_days())
            domain += [
                "|",
                ("expiration_date", "=", False),
                ("expiration_date", ">=", datetime.combine(last_day, time.min)),
            ]
        return domain

    def _md_min_shelf_life_days(self):
        """The days of shelf life a lot this move delivers to a customer keeps at least."""
        self.ensure_one()
        return self.env["stock.move.line"]._md_min_shelf_life_days_for(
            self.product_id, self.location_dest_id, self.picking_id
        )

    def _md_reservation_context(self):
        self.ensure_one()
        return self.with_context(**{RESERVABLE_LOTS_KEY: self._md_reservable_lot_domain()})

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
        to_do = self.filtered(lambda m: m.state not in ("done", "cancel"))
        to_do.move_line_ids.filtered(lambda ml: ml.picked and ml.quantity)._md_check_lot_gate()
        return super()._action_done(cancel_backorder=cancel_backorder)


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"  # pylint: disable=consider-merging-classes-inherited

    def _md_hold_blocked_operation(self):
        """Label of the operation a hold forbids for this line, or False when allowed."""
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

    def _md_lot_gate_refusals(self):
        """Why the lines of self may not move their lots: a list of messages (hook)."""
        lots_by_operation = {}
        for line in self.filtered(lambda ml: ml.lot_id and ml.lot_id.md_status != "released"):
            operation = line._md_hold_blocked_operation()
            if operation:
                lots_by_operation.setdefault(operation, self.env["stock.lot"])
                lots_by_operation[operation] |= line.lot_id
        refusals = [lots._md_unusable_message(operation) for operation, lots in lots_by_operation.items()]
        for line in self._md_short_dated_lines():
            refusals.append(
                self.env._(
                    "%(lot)s expires on %(expiry)s: %(remaining)s days of shelf life left, under the "
                    "minimum of %(days)s days for %(customer)s (GSP Art. 76).",
                    lot=line.lot_id.display_name,
                    expiry=fields.Date.to_string(line.lot_id.expiration_date.date()),
                    remaining=(line.lot_id.expiration_date.date() - fields.Date.context_today(self)).days,
                    days=line._md_min_shelf_life_days(),
                    customer=line.picking_id.partner_id.commercial_partner_id.name or "",
                )
            )
        expired = self._md_expired_lines().lot_id
        if expired:
            refusals.append(
                self.env._(
                    "Expired devices are not delivered nor used (GSP Art. 80, 87): %s.",
                    ", ".join(
                        f"{lot.display_name} ({fields.Date.to_string(lot.expiration_date.date())})"
                        for lot in expired
                    ),
                )
            )
        return refusals

    @api.model
    def _md_min_shelf_life_days_for(self, product, destination, picking):
        """The product's or the customer's minimum shelf life at delivery, the larger, for a
        delivery to a customer; 0 otherwise."""
        if destination.usage != "customer":
            return 0
        customer = picking.partner_id.commercial_partner_id
        return max(product.md_min_shelf_life_days, customer.md_min_shelf_life_days)

    def _md_min_shelf_life_days(self):
        self.ensure_one()
        return self._md_min_shelf_life_days_for(self.product_id, self.location_dest_id, self.picking_id)

    def _md_short_dated_lines(self):
        """Lines delivering a lot that is not expired but has less shelf life left than the
        minimum (the expired ones are refused as such)."""
        today = fields.Date.context_today(self)
        return self.filtered(
            lambda line: (
                line.lot_id.expiration_date
                and 0 <= (line.lot_id.expiration_date.date() - today).days < line._md_min_shelf_life_days()
            )
        )

    def _md_expired_lines(self):
        """Lines delivering or consuming a lot whose expiry date (a calendar date) has passed."""
        today = fields.Date.context_today(self)
        return self.filtered(
            lambda line: (
                line.lot_id.expiration_date
                and line.lot_id.expiration_date.date() < today
                and line.location_dest_id.usage in BLOCKED_DESTINATION_USAGES
                and not (line.location_dest_id.usage == "production" and line.move_id.unbuild_id)
            )
        )

    def _md_check_lot_gate(self):
        refusals = [message for message in self._md_lot_gate_refusals() if message]
        if refusals:
            raise UserError("\n\n".join(refusals))

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # A user picking a held lot by hand on a delivery or an MO component.
        lines._md_check_lot_gate()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if GATED_LINE_FIELDS & set(vals):
            self._md_check_lot_gate()
        return result


class StockPicking(models.Model):
    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    def button_validate(self):
        # Refuse before any backorder or confirmation wizard opens; stock.move._action_done
        # repeats the check for every other flow.
        moves = self.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        moves.move_line_ids.filtered("quantity")._md_check_lot_gate()
        return super().button_validate()
