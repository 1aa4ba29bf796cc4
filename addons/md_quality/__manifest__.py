{
    "name": "Medical Devices: Quality Management",
    "summary": "Inspections with ISO 2859-1 sampling, nonconformance, CAPA, change control, "
    "batch release with device history records, supplier quality, complaints",
    "version": "18.0.1.0.0",
    "category": "Inventory/Medical Devices",
    "author": "MedDev ERP",
    "website": "https://github.com/meddev-erp/meddev-erp",
    "license": "LGPL-3",
    "depends": ["md_regulatory"],
    "data": [
        "security/md_quality_security.xml",
        "security/ir.model.access.csv",
        "views/md_quality_menus.xml",
        "data/md_quality_audit_data.xml",
    ],
    "demo": [],
    "assets": {
        "web.assets_tests": [],
    },
}
