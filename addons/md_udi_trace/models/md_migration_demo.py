"""Demo-only go-live story, called once from demo/md_migration_demo.xml: the distribution
centre's legacy stock list, already imported and reconciled, and a second extract whose dry run
catches a DI typed with a wrong check digit."""

import base64
from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.md_base.migration import fill_template

LEGACY_DEVICES = [
    {
        "default_code": "DEMO-SY5",
        "name": "Syringe 5 ml",
        "name_zh": "一次性使用无菌注射器 5 ml",
        "tracking": "lot",
        "udi_di": "06971234500106",
        "shelf_life_days": 1825,
        "risk_class_cn": "III",
        "sterile": "yes",
        "single_use": "yes",
        "registration_number": "国械注准20153150010",
    },
    {
        "default_code": "DEMO-OX1",
        "name": "Pulse oximeter",
        "name_zh": "脉搏血氧仪",
        "tracking": "serial",
        "udi_di": "06971234500113",
        "risk_class_cn": "II",
        "registration_number": "粤械注准20212070001",
    },
]


class MdMigration(models.Model):
    _inherit = "md.migration"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _md_demo_go_live(self):
        """Demo data only: MIG imported (devices and opening stock, reconciled), and a later
        extract with a typo in a DI, waiting for its dry run."""
        today = fields.Date.context_today(self)
        stock = (
            self.env["stock.warehouse"]
            .search([("company_id", "=", self.env.company.id)], limit=1)
            .lot_stock_id
        )
        expiry = (today + timedelta(days=1400)).isoformat()
        imported = self.create(
            {
                "file": self._md_demo_workbook(
                    {
                        "Devices 产品": LEGACY_DEVICES,
                        "Opening stock 期初库存": [
                            {
                                "default_code": "DEMO-SY5",
                                "lot": "SY5-LEGACY-01",
                                "location": stock.complete_name,
                                "quantity": 2000,
                                "expiry_date": expiry,
                                "status": "released",
                            },
                            {
                                "default_code": "DEMO-SY5",
                                "lot": "SY5-LEGACY-02",
                                "location": stock.complete_name,
                                "quantity": 500,
                                "expiry_date": expiry,
                                "status": "quarantine",
                            },
                            {
                                "default_code": "DEMO-OX1",
                                "lot": "OX1-000101",
                                "location": stock.complete_name,
                                "quantity": 1,
                                "status": "released",
                            },
                        ],
                    }
                ),
                "file_name": "legacy-erp-stock.xlsx",
                "note": "Legacy ERP (distribution centre), extracted on the go-live weekend by the IT lead.",
            }
        )
        imported.action_dry_run()
        imported.action_import()
        self.create(
            {
                "file": self._md_demo_workbook(
                    {
                        "Devices 产品": [
                            {
                                "default_code": "DEMO-SY10",
                                "name": "Syringe 10 ml",
                                "tracking": "lot",
                                "udi_di": "06971234500129",
                                "shelf_life_days": 1825,
                                "risk_class_cn": "III",
                            },
                        ]
                    }
                ),
                "file_name": "legacy-erp-late-devices.xlsx",
                "note": "Devices found after the go-live; the DI was typed by hand.",
            }
        )

    @api.model
    def _md_demo_workbook(self, rows_by_title):
        return base64.b64encode(fill_template(self._md_template_bytes(), rows_by_title))
