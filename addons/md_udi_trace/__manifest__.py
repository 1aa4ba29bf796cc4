{
    "name": "Medical Devices: UDI and Traceability",
    "summary": "UDI device identifiers, UDI scanning, lot/serial genealogy, recall scope, UDI labels",
    "version": "18.0.1.0.0",
    "category": "Inventory/Medical Devices",
    "author": "MedDev ERP",
    "website": "https://github.com/meddev-erp/meddev-erp",
    "license": "LGPL-3",
    "depends": [
        "stock",
        "mrp",
        "purchase_stock",
        "sale_stock",
        "product_expiry",
        "repair",
    ],
    "external_dependencies": {"python": []},
    "data": [
        "security/md_security.xml",
        "security/ir.model.access.csv",
        "views/md_menus.xml",
    ],
    "application": True,
}
