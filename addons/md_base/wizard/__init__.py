from . import md_sign_wizard
from . import md_audit_reason_wizard
from . import md_signed_change_mixin
from . import md_audit_rule_change
from . import md_retention_policy_change
