from odoo import api, fields, models

# What the dialog changes on the policy, with the policy's field of the same name.
POLICY_FIELDS = (
    "active",
    "record_domain",
    "start_field",
    "years_after_start",
    "years_without_start",
    "life_years_field",
    "permanent_domain",
)


class MdRetentionPolicyChange(models.TransientModel):
    """'Change Retention Policy': a Security Manager's signed change that shortens or switches off a
    records retention policy (ISO 13485:2016 4.2.5; 21 CFR 11.10(e), 11.10(k); EU GMP Annex 11 §10):
    the new configuration, the reason and the signer's credentials in one step."""

    _name = "md.retention.policy.change"
    _description = "Change Retention Policy"

    policy_id = fields.Many2one("md.retention.policy", required=True, readonly=True, ondelete="cascade")
    model_name = fields.Char(related="policy_id.model_name")
    active = fields.Boolean(string="In Force")
    record_domain = fields.Char(string="Applies To")
    start_field = fields.Char(string="Period Starts From")
    years_after_start = fields.Integer()
    years_without_start = fields.Integer(string="Years Without a Start Date")
    life_years_field = fields.Char(string="Expected Life (Years) From")
    permanent_domain = fields.Char(string="Kept Permanently When")
    reason = fields.Text(string="Reason for the Change", required=True)
    login_required = fields.Boolean(readonly=True)
    login = fields.Char()
    password = fields.Char()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        values["login_required"] = self.env["md.signature"]._md_login_required()
        return {**self._md_policy_values(values.get("policy_id")), **values}

    @api.model_create_multi
    def create(self, vals_list):
        # What the change does not name stays as the policy has it.
        return super().create(
            [{**self._md_policy_values(vals.get("policy_id")), **vals} for vals in vals_list]
        )

    @api.model
    def _md_policy_values(self, policy_id):
        policy = self.env["md.retention.policy"].browse(policy_id).exists()
        return {name: policy[name] for name in POLICY_FIELDS} if policy else {}

    def action_apply(self):
        self.ensure_one()
        vals = {name: self[name] for name in POLICY_FIELDS}
        login = (self.login or "").strip() or None
        password, self.password = self.password, False
        self.policy_id._md_change_signed(vals, password, self.reason, login=login)
        return {"type": "ir.actions.act_window_close"}
