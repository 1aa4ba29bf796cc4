"""The acceptance of a receipt (验收, with its record: 进货查验记录), China GSP, NMPA announcement
2023 No. 153:

- Art. 57: no purchase of devices that are not registered or filed, have no certificate of
  conformity, or are expired;
- Art. 60: the receiver checks the goods against the purchase record and the accompanying
  document (随货同行单);
- Art. 64: the acceptance person checks appearance, packaging, labels and the certificates of
  conformity, and keeps the acceptance record;
- Art. 65: the record's content: name, model, specification, quantity; registration or filing
  number; registrant and manufacturer; lot or serial, use-by date, purchase date; supplier;
  conclusion, quantity accepted, acceptance person and date; UDI; for what fails, the
  nonconformity and its disposal;
- Art. 67: for devices kept refrigerated or frozen, the transport's temperature record (the
  cold-chain transport record of md_udi_trace) is checked at acceptance;
- Art. 69: what fails acceptance goes to the nonconforming area (here: its lot is held).

State Council Order 739, Art. 45: the buyer checks the supplier's qualification and the
product's certificate of conformity when buying (进货查验).
"""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

STATES = [("draft", "Accepting"), ("done", "Accepted")]
CONCLUSIONS = [("accepted", "Conforming"), ("partial", "Partly Rejected"), ("rejected", "Rejected")]
DISPOSALS = [
    ("return", "Return to the Supplier"),
    ("destroy", "Destroy"),
    ("quarantine", "Quarantine Pending a Quality Decision"),
]


class MdReceiptAcceptance(models.Model):
    _name = "md.receipt.acceptance"
    _description = "Receipt Acceptance"
    _inherit = ["mail.thread", "md.workflow.mixin"]
    _order = "id desc"

    _md_transition_fields = ("accepted_at", "fingerprint")
    _md_create_only_fields = ("picking_id", "inspector_id")
    _md_closed_states = ("done",)

    picking_id = fields.Many2one("stock.picking", "Receipt", required=True, index=True, ondelete="restrict")
    company_id = fields.Many2one(related="picking_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="picking_id.partner_id", string="Supplier")
    purchase_date = fields.Datetime(related="picking_id.scheduled_date", string="Purchase Date")
    inspector_id = fields.Many2one(
        "res.users", "Accepted By", required=True, default=lambda self: self.env.user, readonly=True
    )
    state = fields.Selection(STATES, required=True, default="draft", index=True, tracking=True)
    accepted_at = fields.Datetime("Accepted On", readonly=True)
    accompanying_document_checked = fields.Boolean(
        help="The goods match the accompanying document (随货同行单) and the purchase record (GSP Art. 60).",
    )
    packaging_checked = fields.Boolean("Appearance, Packaging and Labels Checked", help="GSP Art. 64.")
    certificates_checked = fields.Boolean(
        "Certificates of Conformity Checked",
        help="Each lot comes with its certificate of conformity (合格证明文件, GSP Art. 57 and 64).",
    )
    line_ids = fields.One2many("md.receipt.acceptance.line", "acceptance_id", string="Lines Accepted")
    conclusion = fields.Selection(CONCLUSIONS, compute="_compute_conclusion", store=True)
    note = fields.Text("Remarks")
    fingerprint = fields.Text(
        readonly=True, help="The receipt's lines as accepted: a later change voids the acceptance."
    )

    @api.depends("picking_id", "inspector_id")
    def _compute_display_name(self):
        for acceptance in self:
            acceptance.display_name = f"{acceptance.picking_id.name} · {acceptance.inspector_id.name}"

    @api.depends("line_ids.quantity_accepted", "line_ids.quantity_received")
    def _compute_conclusion(self):
        for acceptance in self:
            lines = acceptance.line_ids
            if not lines or all(line.quantity_rejected <= 0 for line in lines):
                acceptance.conclusion = "accepted"
            elif all(line.quantity_accepted <= 0 for line in lines):
                acceptance.conclusion = "rejected"
            else:
                acceptance.conclusion = "partial"

    @api.model_create_multi
    def create(self, vals_list):
        """A new acceptance starts from what the receipt carries, all accepted."""
        for vals in vals_list:
            if "line_ids" not in vals and vals.get("picking_id"):
                picking = self.env["stock.picking"].browse(vals["picking_id"])
                vals["line_ids"] = [
                    Command.create(
                        {
                            "product_id": product.id,
                            "lot_name": lot_name,
                            "expiration_date": expiry,
                            "quantity_received": quantity,
                            "quantity_accepted": quantity,
                        }
                    )
                    for (product, lot_name), (quantity, expiry) in picking._md_receipt_quantities().items()
                ]
        return super().create(vals_list)

    # --- confirmation ---------------------------------------------------------------

    def action_confirm(self):
        """The acceptance person confirms what was checked: the record is then fixed, and the
        receipt can be validated while its lines stay as accepted."""
        self.ensure_one()
        self._md_check_state(("draft",), self.env._("Confirming the acceptance"))
        if self.inspector_id != self.env.user:
            raise UserError(
                self.env._(
                    "Only %s, who accepts this receipt, can confirm the acceptance.", self.inspector_id.name
                )
            )
        picking = self.picking_id.sudo()
        self._md_check_checklist()
        self._md_check_matches(picking)
        self.line_ids._md_check_lines()
        picking._md_check_cold_chain()  # Art. 67: the transport's temperature record first
        picking._md_acceptance_gate_enforce()
        self._md_write_transition(
            {
                "state": "done",
                "accepted_at": fields.Datetime.now(),
                "fingerprint": picking._md_receipt_fingerprint(),
            }
        )
        return True

    def _md_check_checklist(self):
        missing = [
            self._fields[name].get_description(self.env)["string"]
            for name in ("accompanying_document_checked", "packaging_checked", "certificates_checked")
            if not self[name]
        ]
        if missing:
            raise UserError(
                self.env._(
                    "Before confirming the acceptance, check: %s (GSP Art. 60, 64).", ", ".join(missing)
                )
            )

    def _md_check_matches(self, picking):
        accepted = {(line.product_id, line.lot_name or ""): line.quantity_received for line in self.line_ids}
        received = {key: quantity for key, (quantity, _expiry) in picking._md_receipt_quantities().items()}
        if accepted.keys() != received.keys() or any(
            float_compare(accepted[key], received[key], precision_rounding=key[0].uom_id.rounding)
            for key in received
        ):
            raise UserError(
                self.env._(
                    "The lines of %s changed since this acceptance was started: start a new acceptance.",
                    picking.name,
                )
            )

    # --- after the receipt ------------------------------------------------------------

    def _md_hold_rejected(self):
        """Lots with rejected units are held whole, with the acceptance as the source, until the
        quality unit decides (GSP Art. 69: what fails acceptance goes to the nonconforming area)."""
        for acceptance in self:
            rejected = acceptance.line_ids.filtered(lambda line: line.quantity_rejected > 0 and line.lot_name)
            lots = rejected._md_received_lots()
            for line in rejected:
                lot = lots.get((line.product_id, line.lot_name))
                if lot:
                    lot.sudo()._md_place_hold(
                        "rejected",
                        self.env._(
                            "Rejected at acceptance of %(receipt)s: %(reason)s",
                            receipt=acceptance.picking_id.name,
                            reason=line.rejection_reason,
                        ),
                        source=acceptance,
                    )


class MdReceiptAcceptanceLine(models.Model):
    _name = "md.receipt.acceptance.line"
    _description = "Receipt Acceptance Line"
    _inherit = ["md.workflow.mixin"]

    _md_state_field = None
    _md_parent_field = "acceptance_id"
    _md_create_only_fields = ("product_id", "lot_name", "expiration_date", "quantity_received")

    acceptance_id = fields.Many2one("md.receipt.acceptance", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="acceptance_id.company_id", store=True, index=True)
    picking_id = fields.Many2one(related="acceptance_id.picking_id", string="Receipt")
    partner_id = fields.Many2one(related="acceptance_id.partner_id", string="Supplier")
    inspector_id = fields.Many2one(related="acceptance_id.inspector_id")
    accepted_at = fields.Datetime(related="acceptance_id.accepted_at")
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    udi_di = fields.Char(related="product_id.md_udi_di", string="UDI-DI")
    model = fields.Char(related="product_id.md_model_version", string="Model")
    manufacturer_id = fields.Many2one(related="product_id.md_manufacturer_id", string="Manufacturer")
    registration = fields.Char("Registration No.", compute="_compute_registration")
    lot_name = fields.Char("Lot/Serial Number", readonly=True)
    expiration_date = fields.Datetime(readonly=True)
    uom_id = fields.Many2one(related="product_id.uom_id")
    quantity_received = fields.Float(digits="Product Unit of Measure", readonly=True)
    quantity_accepted = fields.Float(digits="Product Unit of Measure")
    quantity_rejected = fields.Float(
        digits="Product Unit of Measure", compute="_compute_quantity_rejected", store=True
    )
    rejection_reason = fields.Char("Nonconformity")
    disposal = fields.Selection(DISPOSALS)

    @api.depends("quantity_received", "quantity_accepted")
    def _compute_quantity_rejected(self):
        for line in self:
            line.quantity_rejected = line.quantity_received - line.quantity_accepted

    @api.depends("product_id", "company_id")
    def _compute_registration(self):
        """The registration or filing number in force in the company's country (Art. 65(2)),
        read for all lines in one query."""
        registrations = self.env["md.market.gate"]._md_registrations_of(
            self, lambda line: line.company_id.country_id
        )
        for line in self:
            line.registration = registrations[line].number or False

    def _md_check_lines(self):
        today = fields.Date.context_today(self)
        problems = []
        for line in self:
            label = f"{line.product_id.display_name} {line.lot_name or ''}".strip()
            rounding = line.product_id.uom_id.rounding
            if (
                float_compare(line.quantity_accepted, 0, precision_rounding=rounding) < 0
                or float_compare(line.quantity_accepted, line.quantity_received, precision_rounding=rounding)
                > 0
            ):
                problems.append(
                    self.env._("%s: the quantity accepted is between 0 and the quantity received.", label)
                )
            if line.product_id.tracking != "none" and not line.lot_name:
                problems.append(
                    self.env._("%s: the lot or serial number is missing (GSP Art. 65(4)).", label)
                )
            if line.product_id.use_expiration_date and not line.expiration_date:
                problems.append(self.env._("%s: the expiration date is missing (GSP Art. 65(4)).", label))
            expired = line.expiration_date and line.expiration_date.date() < today
            if expired and not float_is_zero(line.quantity_accepted, precision_rounding=rounding):
                problems.append(self.env._("%s: expired devices are not accepted (GSP Art. 57).", label))
            if line.quantity_rejected > 0 and not (line.rejection_reason and line.disposal):
                problems.append(
                    self.env._(
                        "%s: give the nonconformity and its disposal for the rejected units (GSP Art. 65).",
                        label,
                    )
                )
        if problems:
            raise UserError("\n".join(problems))

    def _md_received_lots(self):
        """``{(product, lot name): lot}`` of these lines' lots, created when the receipt was
        validated; one query."""
        lots = (
            self.env["stock.lot"]
            .sudo()
            .search(
                [
                    ("product_id", "in", self.product_id.ids),
                    ("name", "in", [name for name in self.mapped("lot_name") if name]),
                    ("company_id", "in", [*self.company_id.ids, False]),
                ]
            )
        )
        return {(lot.product_id, lot.name): lot for lot in lots}
