"""The outbound check (出库复核) of a delivery, by scanning what leaves (China GSP, NMPA
announcement 2023 No. 153, Art. 87: devices are checked before they leave the warehouse, an
outbound check record is kept, and among others expired devices do not leave; Art. 88: the
record's content; ISO 13485:2016 7.5.1 controlled release and delivery). The GSP names no
role: the check is done by a person other than the one who prepared the delivery, so that it
is an independent second check (segregation of duties), which is this addon's rule."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

STATES = [("draft", "Checking"), ("done", "Checked")]


class MdOutboundCheck(models.Model):
    _name = "md.outbound.check"
    _description = "Outbound Check"
    _inherit = ["mail.thread", "md.workflow.mixin"]
    _order = "id desc"

    _md_transition_fields = ("checked_at", "fingerprint")
    _md_create_only_fields = ("picking_id", "checker_id")
    _md_closed_states = ("done",)

    picking_id = fields.Many2one("stock.picking", "Delivery", required=True, index=True, ondelete="restrict")
    company_id = fields.Many2one(related="picking_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="picking_id.partner_id", string="Customer")
    checker_id = fields.Many2one(
        "res.users", "Checked By", required=True, default=lambda self: self.env.user, readonly=True
    )
    state = fields.Selection(STATES, required=True, default="draft", index=True, tracking=True)
    checked_at = fields.Datetime("Checked On", readonly=True)
    line_ids = fields.One2many("md.outbound.check.line", "check_id", string="Lines Checked")
    note = fields.Text("Quality Status and Remarks")
    fingerprint = fields.Text(
        readonly=True, help="The delivery's lines as checked: a later change voids the check."
    )

    @api.depends("picking_id", "checker_id")
    def _compute_display_name(self):
        for check in self:
            check.display_name = f"{check.picking_id.name} · {check.checker_id.name}"

    # --- scanning -----------------------------------------------------------------

    def md_scan(self, raw):
        """One scanned UDI (RPC too): the unit, or its packaging's quantity, is counted against
        the product and lot/serial it carries (``md.scan.scan`` into this check)."""
        self.ensure_one()
        return self.env["md.scan"].scan(self._name, self.id, raw)

    def _md_scan_apply(self, item):
        """Count one resolved scan (``md.scan``); the lot must be one the company knows."""
        self._md_check_state(("draft",), self.env._("Scanning"))
        scan = self.env["md.scan"]
        lot = scan._md_lot(item, self.company_id, create=False)
        line = self.line_ids.filtered(lambda line: line.product_id == item.product and line.lot_id == lot)
        if line:
            line.quantity_checked += item.quantity
        else:
            line = self.env["md.outbound.check.line"].create(
                {
                    "check_id": self.id,
                    "product_id": item.product.id,
                    "lot_id": lot.id,
                    "quantity_checked": item.quantity,
                }
            )
        return scan._md_added(item, lot, line)

    def _md_scan_progress(self):
        """Checked vs carried by the delivery, per product and lot (``md.scan.progress``)."""
        self.ensure_one()
        scan = self.env["md.scan"]
        expected = self.picking_id.sudo()._md_outbound_quantities()
        products = dict.fromkeys(product for product, _lot in expected) | dict.fromkeys(
            self.line_ids.product_id
        )
        progress = []
        for product in products:
            lots = {}
            for line in self.line_ids.filtered(lambda line, p=product: line.product_id == p):
                lots[line.lot_id] = lots.get(line.lot_id, 0.0) + line.quantity_checked
            wanted = sum(quantity for (p, _lot), quantity in expected.items() if p == product)
            progress.append(
                scan._md_progress_line(f"product-{product.id}", product, product.uom_id, wanted, lots)
            )
        return progress

    # --- confirmation ---------------------------------------------------------------

    def action_confirm(self):
        """The check passes when the person is not the picker and what was scanned equals what
        the delivery carries, product by product and lot by lot."""
        self.ensure_one()
        self._md_check_state(("draft",), self.env._("Confirming the check"))
        picking = self.picking_id.sudo()
        pickers = picking._md_pickers()
        if self.checker_id in pickers:
            raise UserError(
                self.env._(
                    "%(user)s prepared %(delivery)s: the outbound check is done by someone else.",
                    user=self.checker_id.name,
                    delivery=picking.name,
                )
            )
        expected = picking._md_outbound_quantities()
        today = fields.Date.context_today(self)  # an expiry date is a calendar date, usable through that day
        expired = [
            lot for _product, lot in expected if lot.expiration_date and lot.expiration_date.date() < today
        ]
        if expired:
            raise UserError(
                self.env._(
                    "Expired devices do not leave the warehouse (GSP Art. 87): %s.",
                    ", ".join(lot.display_name for lot in expired),
                )
            )
        differences = self._md_differences(expected)
        if differences:
            raise UserError(
                self.env._("The check of %s does not match the delivery:", picking.name)
                + "\n"
                + "\n".join(differences)
            )
        self._md_write_transition(
            {
                "state": "done",
                "checked_at": fields.Datetime.now(),
                "fingerprint": picking._md_outbound_fingerprint(),
            }
        )
        return True

    def _md_differences(self, expected):
        """One line per product and lot whose scanned quantity differs from the delivery's."""
        checked = {}
        for line in self.line_ids:
            key = (line.product_id, line.lot_id)
            checked[key] = checked.get(key, 0.0) + line.quantity_checked
        differences = []
        for product, lot in sorted(set(expected) | set(checked), key=lambda key: (key[0].id, key[1].id or 0)):
            wanted, seen = expected.get((product, lot), 0.0), checked.get((product, lot), 0.0)
            if float_compare(wanted, seen, precision_rounding=product.uom_id.rounding):
                differences.append(
                    self.env._(
                        "- %(product)s %(lot)s: delivery %(wanted)s, checked %(seen)s",
                        product=product.display_name,
                        lot=lot.name or "",
                        wanted=wanted,
                        seen=seen,
                    )
                )
        return differences


class MdOutboundCheckLine(models.Model):
    _name = "md.outbound.check.line"
    _description = "Outbound Check Line"
    _inherit = ["md.workflow.mixin"]

    _md_state_field = None
    _md_parent_field = "check_id"

    check_id = fields.Many2one("md.outbound.check", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="check_id.company_id", store=True, index=True)
    picking_id = fields.Many2one(related="check_id.picking_id", string="Delivery")
    partner_id = fields.Many2one(related="check_id.partner_id")
    checker_id = fields.Many2one(related="check_id.checker_id")
    checked_at = fields.Datetime(related="check_id.checked_at")
    product_id = fields.Many2one("product.product", required=True)
    udi_di = fields.Char(related="product_id.md_udi_di", string="UDI-DI")
    model = fields.Char(related="product_id.md_model_version", string="Model")
    manufacturer_id = fields.Many2one(related="product_id.md_manufacturer_id", string="Manufacturer")
    registration = fields.Char("Registration No.", compute="_compute_registration")
    lot_id = fields.Many2one("stock.lot", "Lot/Serial Number")
    expiration_date = fields.Datetime(related="lot_id.expiration_date")
    quantity_checked = fields.Float(digits="Product Unit of Measure", required=True, default=1.0)

    @api.depends("product_id", "picking_id.partner_id")
    def _compute_registration(self):
        """The registration or filing number for the delivery's market (GSP Art. 88)."""
        registrations = self.env["md.market.gate"]._md_registrations_of(self, lambda line: line._md_market())
        for line in self:
            line.registration = registrations[line].number or False

    def _md_market(self):
        return self.picking_id.partner_id.country_id or self.company_id.country_id
