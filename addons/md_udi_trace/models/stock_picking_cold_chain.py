from odoo import api, fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    """Deliveries and receipts of devices that need a controlled temperature travel with a
    cold-chain transport record (md.env.transport), where the company requires it
    (``md_cold_chain_required``):

    - a delivery to a customer is validated only once its transport record has departed: the
      container pre-cooled, the logger travelling with the goods and the departure time recorded
      (China GSP, NMPA announcement 2023 No. 153, Art. 95, 97);
    - a receipt from a supplier, or a sales return from a customer, is validated only with a
      transport record that has arrived and conforms; with a temperature excursion the goods are
      refused (拒收) and go back (Art. 63, 67).

    The rule runs on the validation transition whatever the path: ``_action_done`` (every
    validation flow) and a direct write of the state ``done`` (RPC)."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    md_transport_ids = fields.One2many(
        "md.env.transport", "picking_id", string="Cold-Chain Transport Records",
        groups="stock.group_stock_user,md_base.group_md_user",
    )  # fmt: skip
    md_transport_count = fields.Integer(
        "Cold-Chain Transport Count",
        compute="_compute_md_transport_count",
        groups="stock.group_stock_user,md_base.group_md_user",
    )
    md_cold_chain_needed = fields.Boolean(
        "Cold Chain Needed", compute="_compute_md_cold_chain_needed",
        help="A delivery to a customer, a receipt from a supplier or a return from a customer of devices "
        "that need a controlled temperature: a cold-chain transport record goes with it.",
    )  # fmt: skip

    @api.depends("md_transport_ids")
    def _compute_md_transport_count(self):
        for picking in self:
            picking.md_transport_count = len(picking.md_transport_ids)

    @api.depends("move_ids.product_id", "move_ids.state", "location_id.usage", "location_dest_id.usage")
    def _compute_md_cold_chain_needed(self):
        for picking in self:
            picking.md_cold_chain_needed = bool(
                picking._md_cold_chain_direction() and picking._md_cold_chain_products()
            )

    # --- helpers (also for the other addons) ------------------------------------------------

    def _md_cold_chain_direction(self):
        """``"outgoing"`` for a delivery to a customer, ``"incoming"`` for a receipt from a
        supplier or a return from a customer, else ``False``."""
        self.ensure_one()
        source, destination = self.location_id.usage, self.location_dest_id.usage
        if destination == "customer" and source not in ("supplier", "customer"):
            return "outgoing"
        if source in ("supplier", "customer") and destination not in ("supplier", "customer"):
            return "incoming"
        return False

    def _md_cold_chain_products(self):
        """The device products of the picking that need a controlled temperature."""
        self.ensure_one()
        return self.move_ids.filtered(lambda m: m.state != "cancel").product_id.filtered(
            lambda p: p.md_is_device and p.md_storage_temp_controlled
        )

    def _md_cold_chain_range(self):
        """``(low, high)``: the storage range shared by the picking's temperature-controlled
        devices (GSP Art. 95(2): packed within the labelled temperature range)."""
        self.ensure_one()
        products = self._md_cold_chain_products()
        if not products:
            raise UserError(
                self.env._(
                    "%s has no device that needs a controlled temperature: no cold-chain transport record "
                    "is made for it.",
                    self.display_name,
                )
            )
        low = max(products.mapped("md_storage_temp_min"))
        high = min(products.mapped("md_storage_temp_max"))
        if low > high:
            raise UserError(
                self.env._(
                    "The storage ranges of the devices of %(picking)s do not overlap, so they cannot travel "
                    "in one container: %(ranges)s. Split the transfer.",
                    picking=self.display_name,
                    ranges="; ".join(
                        f"{p.display_name} {p.md_storage_temp_min:g}–{p.md_storage_temp_max:g} °C"
                        for p in products
                    ),
                )
            )
        return low, high

    def _md_cold_chain_refusals(self):
        """Why these pickings may not be validated under the cold-chain rule: a list of
        messages (empty: the rule is satisfied or does not apply)."""
        refusals = []
        for picking in self.sudo():
            if not picking.company_id.md_cold_chain_required or not picking.md_cold_chain_needed:
                continue
            transports = picking.md_transport_ids
            if picking._md_cold_chain_direction() == "outgoing":
                if not transports.filtered(lambda t: t.state in ("in_transit", "arrived")):
                    refusals.append(
                        self.env._(
                            "%s carries devices that need a controlled temperature: record its cold-chain "
                            "transport (冷链运输记录) with the pre-cooled container, the data logger and the "
                            "departure time, and record the departure, before validating the delivery "
                            "(GSP Art. 95, 97).",
                            picking.display_name,
                        )
                    )
                continue
            arrived = transports.filtered(lambda t: t.state == "arrived")
            excursions = arrived.filtered(lambda t: t.result == "excursion")
            if excursions:
                refusals.append(
                    self.env._(
                        "%(picking)s is refused (拒收, GSP Art. 67): the cold-chain transport record "
                        "%(records)s shows the temperature requirement was not met (%(details)s). Do not "
                        "accept the goods: return them to the sender.",
                        picking=picking.display_name,
                        records=", ".join(excursions.mapped("name")),
                        details=" ".join(excursions.mapped("result_summary")),
                    )
                )
            elif not arrived:
                pending = transports.filtered(lambda t: t.state != "arrived")
                if pending:
                    refusals.append(
                        self.env._(
                            "%(picking)s: record the arrival of the cold-chain transport %(records)s "
                            "(arrival time and temperature) before accepting the goods (GSP Art. 63, 67).",
                            picking=picking.display_name,
                            records=", ".join(pending.mapped("name")),
                        )
                    )
                else:
                    refusals.append(
                        self.env._(
                            "%s carries devices that need a controlled temperature: the cold-chain "
                            "transport record (冷链运输记录) is missing. Record the transport mode, the data "
                            "logger, the departure and arrival times and the arrival temperature before "
                            "accepting the goods (GSP Art. 63, 67).",
                            picking.display_name,
                        )
                    )
        return refusals

    def _md_cold_chain_satisfied(self):
        """Whether the cold-chain rule lets these pickings be validated."""
        return not self._md_cold_chain_refusals()

    def _md_check_cold_chain(self):
        refusals = self._md_cold_chain_refusals()
        if refusals:
            raise UserError("\n\n".join(refusals))

    # --- the validation transition -----------------------------------------------------------

    def button_validate(self):
        # Refuse before any backorder or confirmation wizard opens.
        self.filtered(lambda p: p.state not in ("done", "cancel"))._md_check_cold_chain()
        return super().button_validate()

    def _action_done(self):
        self.filtered(lambda p: p.state != "done")._md_check_cold_chain()
        return super()._action_done()

    def write(self, vals):
        # The state follows the moves; a direct write of "done" (RPC) is a validation too.
        if vals.get("state") == "done":
            self.filtered(lambda p: p.state != "done")._md_check_cold_chain()
        return super().write(vals)

    def action_md_cold_chain_transport(self):
        """Open the picking's cold-chain transport record, or a new one."""
        self.ensure_one()
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Cold-Chain Transport"),
            "res_model": "md.env.transport",
            "context": {"default_picking_id": self.id},
        }
        transports = self.md_transport_ids
        if len(transports) > 1:
            action.update({"view_mode": "list,form", "domain": [("picking_id", "=", self.id)]})
        else:
            action.update({"view_mode": "form", "views": [(False, "form")], "res_id": transports.id})
        return action
