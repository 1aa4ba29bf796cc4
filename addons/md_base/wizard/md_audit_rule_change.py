from odoo import api, fields, models

# What the dialog changes on the rule, with the rule's field of the same name.
RULE_FIELDS = (
    "active",
    "log_create",
    "log_write",
    "log_unlink",
    "reason_required",
    "field_ids",
    "record_domain",
)


class MdAuditRuleChange(models.TransientModel):
    """'Change Audit Rule': a Security Manager's signed change of what the audit
    trail records (21 CFR 11.10(e), 11.10(k); EU GMP Annex 11 §9, §10): the new
    configuration, the reason and the signer's credentials in one step."""

    _name = "md.audit.rule.change"
    _description = "Change Audit Rule"

    rule_id = fields.Many2one("md.audit.rule", required=True, readonly=True, ondelete="cascade")
    model_id = fields.Many2one(related="rule_id.model_id")
    model_name = fields.Char(related="rule_id.model_name")
    active = fields.Boolean(string="Audited")
    log_create = fields.Boolean(string="Record Creation")
    log_write = fields.Boolean(string="Record Changes")
    log_unlink = fields.Boolean(string="Record Deletion")
    reason_required = fields.Boolean(string="Reason for Change Required")
    field_ids = fields.Many2many(
        "ir.model.fields", string="Audited Fields", domain="[('model_id', '=', model_id)]"
    )
    record_domain = fields.Char(string="Only Records Matching")
    reason = fields.Text(string="Reason for the Change", required=True)
    login_required = fields.Boolean(readonly=True)
    login = fields.Char()
    password = fields.Char()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        values["login_required"] = self.env["md.signature"]._md_login_required()
        return {**self._md_rule_values(values.get("rule_id")), **values}

    @api.model_create_multi
    def create(self, vals_list):
        # What the change does not name stays as the rule has it.
        return super().create([{**self._md_rule_values(vals.get("rule_id")), **vals} for vals in vals_list])

    @api.model
    def _md_rule_values(self, rule_id):
        rule = self.env["md.audit.rule"].browse(rule_id).exists()
        if not rule:
            return {}
        return {
            name: [fields.Command.set(rule.field_ids.ids)] if name == "field_ids" else rule[name]
            for name in RULE_FIELDS
        }

    def action_apply(self):
        self.ensure_one()
        vals = {name: self[name] for name in RULE_FIELDS if name != "field_ids"}
        vals["field_ids"] = [fields.Command.set(self.field_ids.ids)]
        login = (self.login or "").strip() or None
        password, self.password = self.password, False
        self.rule_id._md_change_signed(vals, password, self.reason, login=login)
        return {"type": "ir.actions.act_window_close"}
