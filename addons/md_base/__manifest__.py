{
    "name": "Medical Devices: Compliance Base",
    "summary": "Part 11 e-signatures, hash-chained audit trail and the regulated-record lifecycle guard, "
    "adopted by any model with one _inherit",
    "version": "18.0.2.1.0",
    "category": "Inventory/Medical Devices",
    "author": "MedDev ERP",
    "website": "https://github.com/meddev-erp/meddev-erp",
    "license": "LGPL-3",
    # Audit trail: our own capture and storage, not OCA auditlog (odoo-addon-auditlog
    # 18.0.2.0.9.5, OCA/server-tools 18.0): it writes one ORM-created log plus lines per record
    # (too slow for 10,000 serials in a receipt), lets its manager group edit and delete logs,
    # deletes old logs by an autovacuum cron, and has neither a reason for change nor a place for
    # a hash chain. Approvals: not OCA base_tier_validation (server-ux), whose reviews re-enter
    # no credentials and bind no meaning or content hash (21 CFR 11.50, 11.70, 11.200); its
    # adoption pattern (one _inherit and a few declarations) is kept. See readme/DESCRIPTION.md.
    "depends": ["mail", "resource"],
    # The event outbox posts with requests; migration workbooks are written with xlsxwriter and
    # read with openpyxl (all three are also Odoo's own requirements).
    "external_dependencies": {"python": ["requests", "openpyxl", "xlsxwriter"]},
    "data": [
        "security/md_base_security.xml",
        "security/ir.model.access.csv",
        "security/md_signature_security.xml",
        "security/md_audit_security.xml",
        "security/md_retention_security.xml",
        "security/md_event_security.xml",
        "security/md_migration_security.xml",
        "data/md_signature_data.xml",
        "data/md_expiry_alert_data.xml",
        "views/md_menus.xml",
        "views/md_event_views.xml",
        "views/md_signature_views.xml",
        "views/md_signature_config_views.xml",
        "views/md_signature_security_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/md_sign_wizard_views.xml",
        "report/md_signature_templates.xml",
        "views/md_audit_entry_views.xml",
        "views/md_audit_checkpoint_views.xml",
        "views/md_audit_rule_views.xml",
        "wizard/md_audit_reason_wizard_views.xml",
        "wizard/md_audit_rule_change_views.xml",
        "data/md_retention_data.xml",
        "views/md_retention_policy_views.xml",
        "wizard/md_retention_policy_change_views.xml",
        "data/md_audit_data.xml",
        "data/md_migration_data.xml",
        "views/md_migration_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "md_base/static/tests/tours/md_tour_utils.js",
        ],
    },
    "uninstall_hook": "uninstall_hook",
}
