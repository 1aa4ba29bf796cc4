from odoo import fields, models

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
    _inherit = ["md.signed.change.mixin"]
    _description = "Change Retention Policy"
    _md_target_field = "policy_id"
    _md_changed_fields = POLICY_FIELDS

    policy_id = fields.Many2one("md.retention.policy", required=True, readonly=True, ondelete="cascade")
    model_name = fields.Char(related="policy_id.model_name")
    active = fields.Boolean(string="In Force")
    record_domain = fields.Char(string="Applies To")
    start_field = fields.Char(string="Period Starts From")
    years_after_start = fields.Integer()
    years_without_start = fields.Integer(string="Years Without a Start Date")
    life_years_field = fields.Char(string="Expected Life (Years) From")
    permanent_domain = fields.Char(string="Kept Permanently When")
