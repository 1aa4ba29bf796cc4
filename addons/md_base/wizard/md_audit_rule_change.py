from odoo import fields, models

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
    _inherit = ["md.signed.change.mixin"]
    _description = "Change Audit Rule"
    _md_target_field = "rule_id"
    _md_changed_fields = RULE_FIELDS

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
