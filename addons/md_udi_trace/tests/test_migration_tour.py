from odoo.tests import HttpCase, tagged

from odoo.addons.md_base.tests.migration_common import migration_workbook

DEVICES = "Devices 产品"
STOCK = "Opening stock 期初库存"


@tagged("post_install", "-at_install")
class TestMigrationTour(HttpCase):
    def test_migration_tour(self):
        """Go-live Migration: a dry run names the refused row; a clean extract is imported."""
        admin = self.env.ref("base.user_admin")
        stock = (
            self.env["stock.warehouse"]
            .search([("company_id", "=", admin.company_id.id)], limit=1)
            .lot_stock_id
        )
        device = {
            "default_code": "TOUR-MIG-1",
            "name": "Tour device",
            "tracking": "lot",
            "shelf_life_days": 365,
        }
        typo = {**device, "default_code": "TOUR-MIG-2", "udi_di": "06971234500129"}
        clean_stock = {
            "default_code": "TOUR-MIG-1",
            "lot": "TOUR-MIG-L1",
            "location": stock.complete_name,
            "quantity": 12,
            "expiry_date": "2029-12-31",
        }
        Migration = self.env["md.migration"].with_user(admin)
        Migration.create(
            {"file": migration_workbook(self.env, {DEVICES: [typo]}), "file_name": "tour-typo.xlsx"}
        )
        clean = Migration.create(
            {
                "file": migration_workbook(self.env, {DEVICES: [device], STOCK: [clean_stock]}),
                "file_name": "tour-clean.xlsx",
            }
        )
        self.start_tour(
            "/odoo/action-md_base.action_md_migration", "md_udi_trace_migration_tour", login="admin"
        )
        self.assertEqual(clean.state, "done")
        self.assertEqual(self.env["stock.lot"].search([("name", "=", "TOUR-MIG-L1")]).product_qty, 12)
