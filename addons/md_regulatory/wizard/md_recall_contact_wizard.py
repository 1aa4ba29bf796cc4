from odoo import api, fields, models

from ..models.md_recall_customer import NOTIFICATION_METHODS


class MdRecallContactWizard(models.TransientModel):
    """Record a consignee's notification or acknowledgement by any means (telephone, post,
    fax, in person...), with who was reached or who acknowledged (21 CFR 7.49(b): personal
    contacts are documented; 7.53(b)(1)-(2)). The rules live on md.recall.customer
    (md_record_notification, md_record_acknowledgement): this dialog only collects the facts."""

    _name = "md.recall.contact.wizard"
    _description = "Record a Recall Notification or Acknowledgement"

    kind = fields.Selection(
        [("notification", "Notification"), ("acknowledgement", "Acknowledgement")], required=True
    )
    customer_line_ids = fields.Many2many("md.recall.customer", string="Consignee Lines", required=True)
    partner_names = fields.Char(string="Consignees", compute="_compute_partner_names")
    method = fields.Selection(NOTIFICATION_METHODS, required=True, default="phone")
    contact = fields.Char(
        required=True,
        help="Notification: the person reached or the address; acknowledgement: who acknowledged.",
    )
    notified_at = fields.Datetime(string="Notified On", default=fields.Datetime.now)
    reference = fields.Char(help="Call note, registered post or fax number, courier tracking...")
    ack_date = fields.Date(string="Acknowledged On", default=fields.Date.context_today)
    qty_on_hand = fields.Float(
        string="On Hand When Received",
        digits="Product Unit of Measure",
        help="Units the consignee had on hand when it received the notice (21 CFR 7.53(b)(2)).",
    )

    @api.depends("customer_line_ids")
    def _compute_partner_names(self):
        for wizard in self:
            wizard.partner_names = ", ".join(wizard.customer_line_ids.partner_id.mapped("display_name"))

    def action_record(self):
        self.ensure_one()
        lines = self.customer_line_ids
        if self.kind == "notification":
            lines.md_record_notification(
                self.method,
                notified_at=fields.Datetime.to_string(self.notified_at) if self.notified_at else None,
                contact=self.contact,
                reference=self.reference,
            )
        else:
            lines.md_record_acknowledgement(
                self.contact,
                ack_date=fields.Date.to_string(self.ack_date) if self.ack_date else None,
                method=self.method,
                qty_on_hand=self.qty_on_hand,
            )
        return {"type": "ir.actions.act_window_close"}
