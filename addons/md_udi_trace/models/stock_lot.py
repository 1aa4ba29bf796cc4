from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import create_index

# Worst status wins when a lot has several active holds (ISO 13485 7.5.8: one
# status per lot, the most restrictive one).
STATUS_PRECEDENCE = {"released": 0, "quarantine": 1, "on_hold": 2, "rejected": 3}


class StockLot(models.Model):
    _inherit = "stock.lot"  # pylint: disable=consider-merging-classes-inherited

    md_production_date = fields.Date(
        string="Production Date",
        tracking=True,
        help="Date of manufacture, GS1 Application Identifier (11) of the UDI production identifier.",
    )
    md_hold_ids = fields.One2many("md.lot.hold", "lot_id", string="Holds")
    md_hold_count = fields.Integer(string="Active Holds", compute="_compute_md_hold_count")
    md_status = fields.Selection(
        [
            ("released", "Released"),
            ("quarantine", "Quarantine"),
            ("on_hold", "On Hold"),
            ("rejected", "Rejected"),
        ],
        string="Status",
        compute="_compute_md_status",
        store=True,
        index=True,
        tracking=True,
        help="Status identification (ISO 13485 7.5.8) from the lot's active holds. Anything but "
        "Released cannot be reserved, consumed in manufacturing or delivered.",
    )

    def init(self):
        res = super().init()
        # Exact lookups by product and name: md.scan's batch lookup of the scanned serials and
        # Odoo's unique-lot check. Odoo indexes the name with a trigram index only, which
        # PostgreSQL used for 1,000 exact names: 4.3 s at 100,000 lots, 1 ms with this one
        # (tests/benchmarks/bench_five_years.py, scan_batch).
        create_index(self.env.cr, "md_stock_lot_product_name_idx", self._table, ["product_id", "name"])
        return res

    def _md_active_hold_types(self):
        """{lot id: [hold types of its active holds]} in one query, whoever reads."""
        groups = (
            self.env["md.lot.hold"]
            .sudo()
            ._read_group(
                [("lot_id", "in", self.ids), ("state", "=", "active")],
                ["lot_id", "hold_type"],
            )
        )
        types_by_lot = {}
        for lot, hold_type in groups:
            types_by_lot.setdefault(lot.id, []).append(hold_type)
        return types_by_lot

    @api.depends("md_hold_ids.state", "md_hold_ids.hold_type")
    def _compute_md_status(self):
        status_by_type = self.env["md.lot.hold"]._md_status_by_hold_type()
        types_by_lot = self._md_active_hold_types() if self.ids else {}
        for lot in self:
            statuses = [status_by_type.get(t, "on_hold") for t in types_by_lot.get(lot.id, [])]
            lot.md_status = max(statuses, key=STATUS_PRECEDENCE.get, default="released")

    @api.depends("md_hold_ids.state")
    def _compute_md_hold_count(self):
        types_by_lot = self._md_active_hold_types() if self.ids else {}
        for lot in self:
            lot.md_hold_count = len(types_by_lot.get(lot.id, []))

    # ------------------------------------------------------------------
    # Service methods for the modules above (recall, quarantine, NCR)
    # ------------------------------------------------------------------
    def _md_place_hold(self, hold_type, reason, source=None, sales_return=False):
        """Place one active hold per lot in self, in one create call.

        :param source: the record placing the hold (a recall, an NCR...), or None
        :param sales_return: the lots came back from a customer (released on a signature only)
        :return: the new md.lot.hold records
        """
        if not self:
            return self.env["md.lot.hold"]
        if not (reason or "").strip():
            raise UserError(self.env._("Give a reason for the hold."))
        if source is not None:
            source.ensure_one()
        source_vals = {"res_model": source._name, "res_id": source.id} if source is not None else {}
        holds = self.env["md.lot.hold"].create(
            [
                {
                    "lot_id": lot.id,
                    "hold_type": hold_type,
                    "reason": reason,
                    "sales_return": sales_return,
                    **source_vals,
                }
                for lot in self
            ]
        )
        self._md_drop_reservations()
        return holds

    def _md_drop_reservations(self):
        """Take back the reservations of these lots for moves that may not take held stock and
        reserve those moves again from released stock. Lines already picked stay: the
        validation gate refuses them (stock_move_line_hold.py)."""
        lines = (
            self.env["stock.move.line"]
            .sudo()
            .search(
                [("lot_id", "in", self.ids), ("state", "not in", ("done", "cancel")), ("picked", "=", False)]
            )
            .filtered(lambda ml: ml.move_id and not ml.move_id.location_dest_id._md_takes_held_stock())
        )
        if lines:
            moves = lines.move_id
            lines.unlink()
            moves._action_assign()

    def _md_blocked_lots_message(self):
        """One line per lot that is not released: lot, product, status and every active hold reason."""
        blocked = self.filtered(lambda lot: lot.md_status != "released")
        if not blocked:
            return ""
        holds = (
            self.env["md.lot.hold"]
            .sudo()
            .search([("lot_id", "in", blocked.ids), ("state", "=", "active")], order="lot_id, placed_at, id")
        )
        status_labels = dict(self._fields["md_status"]._description_selection(self.env))
        type_labels = dict(holds._fields["hold_type"]._description_selection(self.env))
        reasons_by_lot = {}
        for hold in holds:
            reasons_by_lot.setdefault(hold.lot_id.id, []).append(
                f"{type_labels.get(hold.hold_type, hold.hold_type)}: {hold.reason}"
            )
        lines = []
        for lot in blocked:
            reasons = "; ".join(reasons_by_lot.get(lot.id, []))
            lines.append(
                self.env._(
                    "- %(lot)s (%(product)s) is %(status)s: %(reasons)s",
                    lot=lot.name,
                    product=lot.product_id.display_name,
                    status=status_labels[lot.md_status],
                    reasons=reasons,
                )
            )
        return "\n".join(lines)

    def _md_unusable_message(self, operation_label):
        """Why ``operation_label`` may not use the lots of self that are not released, or ""."""
        message = self._md_blocked_lots_message()
        if not message:
            return ""
        return self.env._(
            "%(operation)s is not allowed for lots/serials that are not released "
            "(ISO 13485 7.5.8, 8.3):\n%(lots)s",
            operation=operation_label,
            lots=message,
        )

    def _md_check_usable(self, operation_label):
        """Raise a UserError naming every lot of self that is not released, with its holds."""
        message = self._md_unusable_message(operation_label)
        if message:
            raise UserError(message)

    # ------------------------------------------------------------------
    # UI actions
    # ------------------------------------------------------------------
    def action_md_open_holds(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("md_udi_trace.action_md_lot_hold")
        action["domain"] = [("lot_id", "in", self.ids)]
        action["context"] = {"default_lot_id": self.id if len(self) == 1 else False}
        return action

    def _md_hold_wizard_action(self, mode):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Place Hold") if mode == "place" else self.env._("Release Holds"),
            "res_model": "md.lot.hold.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_mode": mode, "default_lot_ids": self.ids},
        }

    def action_md_place_hold(self):
        return self._md_hold_wizard_action("place")

    def action_md_release_holds(self):
        return self._md_hold_wizard_action("release")
