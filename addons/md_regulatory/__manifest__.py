{
    "name": "Medical Devices: Regulatory Compliance",
    "summary": "Part 11 e-signatures, tamper-evident audit trail, controlled documents and training",
    "version": "18.0.1.0.0",
    "category": "Inventory/Medical Devices",
    "author": "MedDev ERP",
    "website": "https://github.com/meddev-erp/meddev-erp",
    "license": "LGPL-3",
    # Audit trail: our own capture and storage, not OCA auditlog
    # (odoo-addon-auditlog 18.0.2.0.9.5, OCA/server-tools 18.0): it writes one
    # ORM-created log plus lines per record (too slow for 10,000 serials in a
    # receipt), lets its manager group edit and delete logs and deletes old
    # logs by an autovacuum cron, and has neither a reason for change nor a
    # place for a hash chain. Append-only storage and the chain would mean
    # overriding most of it; see README, "### md_regulatory".
    "depends": ["md_udi_trace"],
    "data": [
        "security/md_regulatory_security.xml",
        "security/ir.model.access.csv",
        "data/md_signature_data.xml",
        "views/md_signature_views.xml",
        "views/md_signature_config_views.xml",
        "views/md_signature_security_views.xml",
        "views/md_signature_settings_views.xml",
        "wizard/md_sign_wizard_views.xml",
        "report/md_signature_templates.xml",
        "views/md_audit_entry_views.xml",
        "views/md_audit_rule_views.xml",
        "wizard/md_audit_reason_wizard_views.xml",
        "data/md_audit_data.xml",
        "security/md_document_security.xml",
        "data/md_document_data.xml",
        "views/md_training_views.xml",
        "views/md_document_revision_views.xml",
        "views/md_document_views.xml",
        "views/md_document_menus.xml",
        "report/md_document_report.xml",
        "security/md_qualification_security.xml",
        "data/md_qualification_data.xml",
        "views/md_registration_views.xml",
        "views/md_partner_licence_views.xml",
        "views/md_qualification_views.xml",
        "views/md_qualification_inherit_views.xml",
        "wizard/md_gate_override_wizard_views.xml",
        "views/md_qualification_menus.xml",
        "security/md_recall_security.xml",
        "report/md_recall_reports.xml",
        "data/md_recall_data.xml",
        "views/md_recall_views.xml",
        "wizard/md_recall_wizard_views.xml",
    ],
    "demo": [
        "demo/md_signature_demo.xml",
        "demo/md_document_demo.xml",
        "demo/md_qualification_demo.xml",
        "demo/md_recall_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "md_regulatory/static/tests/tours/md_sign_tour.js",
            "md_regulatory/static/tests/tours/md_document_sign_tour.js",
            "md_regulatory/static/tests/tours/md_recall_tour.js",
        ],
    },
    "uninstall_hook": "uninstall_hook",
}
