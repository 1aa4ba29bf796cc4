"""Periodic checks of devices in storage (在库检查, storage maintenance), China GSP, NMPA
announcement 2023 No. 153:

- Art. 73: the company checks the devices in storage periodically, according to the storage
  conditions, the external environment and the shelf life, and keeps a storage check record;
- Art. 74: the record covers (1) reasonable storage and operations, (2) storage conditions,
  protection and hygiene, (3) the temperature and humidity monitoring system and the cold
  store alarms, checked and maintained, and (5) the appearance, packaging and expiry of the
  stock; a device whose quality is in doubt is isolated at once, kept from being sold, and
  the quality unit is told.
"""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

STATES = [("draft", "To Check"), ("done", "Check Recorded")]
CHECKLIST = ("storage_checked", "conditions_checked", "monitoring_checked", "stock_checked")


class MdStorageCheck(models.Model):
    _name = "md.storage.check"
    _description = "Storage Check"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.workflow.mixin"]
    _order = "date_planned desc, id desc"

    _md_transition_fields = ("checked_at", "checked_by_id")
    _md_create_only_fields = ("plan_id", "location_id", "date_planned")
    _md_closed_states = ("done",)

    name = fields.Char(compute="_compute_name", store=True)
    plan_id = fields.Many2one("md.storage.check.plan", index=True, ondelete="restrict")
    location_id = fields.Many2one("stock.location", "Storage Area", required=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one("res.users", "Responsible", default=lambda self: self.env.user, tracking=True)
    date_planned = fields.Date("Planned For", required=True, default=fields.Date.context_today)
    state = fields.Selection(STATES, required=True, default="draft", index=True, tracking=True)
    checked_at = fields.Datetime("Date of Check", readonly=True)
    checked_by_id = fields.Many2one("res.users", "Storage Checker", readonly=True)
    storage_checked = fields.Boolean("Storage and Operations Reasonable", help="GSP Art. 74(1).")
    conditions_checked = fields.Boolean("Conditions, Protection and Hygiene Checked", help="GSP Art. 74(2).")
    monitoring_checked = fields.Boolean(
        "Monitoring System and Alarms Checked",
        help="Temperature and humidity monitoring and alarms, GSP Art. 74(3).",
    )
    stock_checked = fields.Boolean(
        "Appearance, Packaging and Expiry of the Stock Checked", help="GSP Art. 74(5)."
    )
    line_ids = fields.One2many("md.storage.check.line", "check_id", string="Stock Checked")
    doubt_count = fields.Integer("Lots in Doubt", compute="_compute_doubt_count", store=True)
    note = fields.Text("Findings and Improvements")

    @api.depends("location_id", "date_planned")
    def _compute_name(self):
        for check in self:
            check.name = f"{check.location_id.display_name or ''} · {check.date_planned or ''}"

    @api.depends("line_ids.result")
    def _compute_doubt_count(self):
        for check in self:
            check.doubt_count = len(check.line_ids.filtered(lambda line: line.result == "doubt"))

    @api.model_create_multi
    def create(self, vals_list):
        """A new check lists the device lots stored in its area, read in one query."""
        checks = super().create(vals_list)
        for check in checks.filtered(lambda c: not c.line_ids):
            check.line_ids = [Command.create(values) for values in check._md_stock_lines()]
        return checks

    def _md_stock_lines(self):
        self.ensure_one()
        groups = self.env["stock.quant"]._read_group(
            [
                ("location_id", "child_of", self.location_id.id),
                ("product_id.md_is_device", "=", True),
                ("quantity", ">", 0),
                ("company_id", "=", self.company_id.id),
            ],
            ["product_id", "lot_id"],
            ["quantity:sum"],
        )
        return [
            {"product_id": product.id, "lot_id": lot.id, "quantity": quantity}
            for product, lot, quantity in groups
        ]

    def action_confirm(self):
        """The check is recorded; the lots in doubt are held at once and the quality unit is told
        (GSP Art. 74, last paragraph)."""
        self._md_check_state(("draft",), self.env._("Confirming the storage check"))
        for check in self:
            check._md_check_complete()
        self._md_write_transition(
            {"state": "done", "checked_at": fields.Datetime.now(), "checked_by_id": self.env.uid}
        )
        for check in self:
            check._md_hold_doubtful()
            check.activity_ids.action_feedback(feedback=self.env._("Storage check confirmed."))
        return True

    def _md_check_complete(self):
        missing = [
            self._fields[name].get_description(self.env)["string"] for name in CHECKLIST if not self[name]
        ]
        if missing:
            raise UserError(
                self.env._(
                    "%(check)s: check %(items)s (GSP Art. 74).", check=self.name, items=", ".join(missing)
                )
            )
        unexplained = self.line_ids.filtered(
            lambda line: line.result == "doubt" and not (line.finding or "").strip()
        )
        if unexplained:
            raise UserError(
                self.env._(
                    "Describe the quality doubt of %s.",
                    ", ".join(
                        unexplained.mapped(lambda line: line.lot_id.name or line.product_id.display_name)
                    ),
                )
            )

    def _md_hold_doubtful(self):
        doubtful = self.line_ids.filtered(lambda line: line.result == "doubt")
        for line in doubtful.filtered("lot_id"):
            line.lot_id.sudo()._md_place_hold(
                "hold",
                self.env._(
                    "Quality in doubt at the storage check %(check)s: %(finding)s",
                    check=self.name,
                    finding=line.finding,
                ),
                source=self,
            )
        if doubtful:
            self._md_notify_quality(doubtful)

    def _md_notify_quality(self, doubtful):
        """A task for each quality manager: the held lots wait for a quality decision. Scheduled
        by the system, so that a storekeeper without an email address can confirm the check."""
        for manager in self.company_id._md_quality_managers():
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=manager.id,
                summary=self.env._("Decide on %s lot(s) in doubt", len(doubtful)),
            )
