from urllib.parse import urlparse

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MdEventEndpoint(models.Model):
    """A system that hears about regulated events (an MES, a WMS, a hospital's system): its URL,
    the secret that signs each delivery (HMAC-SHA256) and the event types it takes."""

    _name = "md.event.endpoint"
    _description = "Event Endpoint"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, tracking=True)
    url = fields.Char("URL", required=True, tracking=True, help="Events are POSTed here as JSON.")
    secret = fields.Char(
        required=True,
        groups="base.group_system",
        help="Signs each delivery: the X-MedDev-Signature header is sha256=HMAC-SHA256(secret, body).",
    )
    event_types = fields.Char(
        tracking=True,
        help="Comma-separated event types or prefixes this endpoint takes (for example lot.hold, "
        "batch.released); empty: every event.",
    )
    company_id = fields.Many2one("res.company", index=True, help="Empty: the events of every company.")
    max_attempts = fields.Integer("Attempts Before Dead Letter", default=8, required=True, tracking=True)
    timeout = fields.Integer("Timeout (s)", default=10, required=True)
    active = fields.Boolean(default=True, tracking=True)
    event_ids = fields.One2many("md.event", "endpoint_id", string="Events")

    @api.constrains("url")
    def _check_url(self):
        for endpoint in self:
            parsed = urlparse(endpoint.url or "")
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValidationError(
                    self.env._("%(name)s: the URL must start with http:// or https://.", name=endpoint.name)
                )

    @api.constrains("max_attempts", "timeout")
    def _check_limits(self):
        for endpoint in self:
            if endpoint.max_attempts < 1 or endpoint.timeout < 1:
                raise ValidationError(
                    self.env._("%s: the attempts and the timeout are at least 1.", endpoint.name)
                )

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("md_base.action_md_event")
        action["domain"] = [("endpoint_id", "=", self.id)]
        return action

    def _md_takes(self, event_type, company):
        """Whether this endpoint takes an event of ``event_type`` of ``company``."""
        self.ensure_one()
        if self.company_id and company and self.company_id != company:
            return False
        prefixes = [prefix.strip() for prefix in (self.event_types or "").split(",") if prefix.strip()]
        return not prefixes or any(
            event_type == prefix or event_type.startswith(prefix + ".") for prefix in prefixes
        )
