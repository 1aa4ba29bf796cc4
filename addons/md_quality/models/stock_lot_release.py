from odoo import api, fields, models
from odoo.exceptions import UserError

RELEASE_STATES = [
    ("not_required", "Not Required"),
    ("pending", "Pending Release"),
    ("released", "Released"),
    ("rejected", "Rejected"),
]


class StockLot(models.Model):
    """Batch release state of a lot/serial (ISO 13485 8.2.6, 21 CFR 820.80(d) /
    QMSR: product is not delivered until its release is authorised).

    Only lots of device products made by a manufacturing order have a device
    history record and need this release; purchased devices are released by
    their receipt inspection (and holds) instead, so they are "not required"
    here. A lot made by several orders is released once every order's DHR is.
    """

    _inherit = "stock.lot"  # pylint: disable=consider-merging-classes-inherited

    md_dhr_ids = fields.One2many(
        "md.quality.dhr", "lot_id", string="Device History Records", groups="md_base.group_md_user"
    )
    md_dhr_count = fields.Integer(
        string="DHRs", compute="_compute_md_dhr_count", groups="md_base.group_md_user"
    )
    md_release_state = fields.Selection(
        RELEASE_STATES,
        string="Batch Release",
        compute="_compute_md_release_state",
        store=True,
        index=True,
        tracking=True,
        help="Not Required: not manufactured here as a device (purchased, or not a device). Pending: "
        "manufactured, waiting for the QA release signature; it cannot be delivered to customers.",
    )

    @api.depends("md_dhr_ids.state")
    def _compute_md_release_state(self):
        for lot in self:
            states = set(lot.sudo().md_dhr_ids.mapped("state"))
            if not states:
                lot.md_release_state = "not_required"
            elif "rejected" in states:
                lot.md_release_state = "rejected"
            elif states == {"released"}:
                lot.md_release_state = "released"
            else:
                lot.md_release_state = "pending"

    def _compute_md_dhr_count(self):
        counts = dict(
            self.env["md.quality.dhr"]._read_group([("lot_id", "in", self.ids)], ["lot_id"], ["__count"])
        )
        for lot in self:
            lot.md_dhr_count = counts.get(lot, 0)

    def _md_check_certifiable(self):
        """Only lots released by their release signature, and not held since, get a certificate
        of conformity (report md_certificate_of_conformity)."""
        refused = self.filtered(lambda lot: lot.md_release_state != "released" or lot.md_status != "released")
        if refused:
            raise UserError(
                self.env._(
                    "A certificate of conformity is issued only for lots released by their release "
                    "signature and not on hold: %s.",
                    ", ".join(refused.mapped("display_name")),
                )
            )

    def _md_release_blockers(self):
        blockers = super()._md_release_blockers()
        for lot_id, messages in self._md_hold_blockers().items():
            blockers[lot_id].extend(messages)
        for lot_id, messages in self._md_open_production_blockers().items():
            blockers[lot_id].extend(messages)
        return blockers

    def _md_hold_blockers(self):
        """Active holds (ISO 13485 8.3: held product is not released), one query."""
        holds = (
            self.env["md.lot.hold"]
            .sudo()
            .search([("lot_id", "in", self.ids), ("state", "=", "active")], order="placed_at, id")
        )
        type_labels = dict(holds._fields["hold_type"]._description_selection(self.env))
        result = {}
        for hold in holds:
            result.setdefault(hold.lot_id.id, []).append(
                self.env._(
                    "Active hold (%(type)s): %(reason)s",
                    type=type_labels.get(hold.hold_type, hold.hold_type),
                    reason=hold.reason,
                )
            )
        return result

    def _md_open_production_blockers(self):
        """Manufacturing orders still producing the lot (not done, not cancelled)."""
        lines = (
            self.env["stock.move.line"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", self.ids),
                    ("move_id.production_id", "!=", False),
                    ("state", "not in", ("done", "cancel")),
                ]
            )
        )
        orders = (
            self.env["mrp.production"]
            .sudo()
            .search([("lot_producing_id", "in", self.ids), ("state", "not in", ("done", "cancel"))])
        )
        by_lot = {}
        for line in lines:
            by_lot.setdefault(line.lot_id.id, set()).add(line.move_id.production_id)
        for order in orders:
            by_lot.setdefault(order.lot_producing_id.id, set()).add(order)
        return {
            lot_id: [
                self.env._("Manufacturing order %s is not done.", order.name)
                for order in sorted(productions, key=lambda p: p.id)
            ]
            for lot_id, productions in by_lot.items()
        }

    def action_md_open_dhrs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("md_quality.action_md_quality_dhr")
        action["domain"] = [("lot_id", "=", self.id)]
        if self.md_dhr_count == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=self.md_dhr_ids.id)
        return action

    def _md_release_gate_message(self):
        """One line per lot of self that may not be delivered: its release state and why."""
        blocked = self.filtered(lambda lot: lot.md_release_state in ("pending", "rejected"))
        if not blocked:
            return ""
        blockers = blocked._md_release_blockers()
        lines = []
        for lot in blocked:
            dhrs = lot.sudo().md_dhr_ids
            if lot.md_release_state == "rejected":
                reason = self.env._(
                    "rejected at batch release (%s)",
                    ", ".join(dhrs.filtered(lambda d: d.state == "rejected").mapped("name")),
                )
            else:
                reason = self.env._(
                    "awaiting batch release (%s)",
                    ", ".join(dhrs.filtered(lambda d: d.state == "pending").mapped("name")),
                )
                if blockers.get(lot.id):
                    reason += "; " + "; ".join(blockers[lot.id])
            lines.append(
                self.env._(
                    "- %(lot)s (%(product)s): %(reason)s",
                    lot=lot.name,
                    product=lot.product_id.display_name,
                    reason=reason,
                )
            )
        return "\n".join(lines)
