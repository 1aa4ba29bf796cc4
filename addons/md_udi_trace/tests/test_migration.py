from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.md_base.tests.migration_common import issues_of, migration_workbook

DEVICES = "Devices 产品"
PACKAGING = "Packaging 包装"
STOCK = "Opening stock 期初库存"


@tagged("post_install", "-at_install")
class TestMigrationDevicesAndStock(TransactionCase):
    """Go-live migration of devices, packaging levels and opening stock: a dry run that writes
    nothing, an import that writes all or nothing with the migration as audit reason, and a
    reconciliation (21 CFR 11.10(a), ISO 13485:2016 4.1.6 and 7.5.8)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env,
            "md_mig_admin",
            groups="base.group_system,md_base.group_md_quality_manager,stock.group_stock_manager",
        )
        cls.stock = (
            cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1).lot_stock_id
        )
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Shelf M1", "location_id": cls.stock.id, "barcode": "MIG-SHELF-1"}
        )
        cls.Migration = cls.env["md.migration"].with_user(cls.admin)

    def _devices(self):
        return [
            {
                "default_code": "MIG-IS200",
                "name": "Infusion set",
                "name_zh": "一次性使用输液器",
                "tracking": "lot",
                "udi_di": "06971234500014",
                "shelf_life_days": 1095,
                "risk_class_cn": "III",
                "registration_number": "国械注准20193140001",
            },
            {"default_code": "MIG-PM1", "name": "Pacemaker", "tracking": "serial", "risk_class_cn": "III"},
        ]

    def _stock(self):
        return [
            {
                "default_code": "MIG-IS200",
                "lot": "L-01",
                "location": self.stock.complete_name,
                "quantity": 100,
                "expiry_date": "2029-01-31",
                "production_date": "2026-01-31",
                "status": "released",
            },
            {
                "default_code": "MIG-IS200",
                "lot": "L-01",
                "location": "MIG-SHELF-1",
                "quantity": 20,
                "expiry_date": "2029-01-31",
                "production_date": "2026-01-31",
                "status": "released",
            },
            {
                "default_code": "MIG-IS200",
                "lot": "L-02",
                "location": self.stock.complete_name,
                "quantity": 30,
                "expiry_date": "2029-02-28",
                "status": "quarantine",
            },
            {"default_code": "MIG-PM1", "lot": "SN-1", "location": self.stock.complete_name, "quantity": 1},
            {
                "default_code": "MIG-PM1",
                "lot": "SN-2",
                "location": "MIG-SHELF-1",
                "quantity": 1,
                "status": "rejected",
            },
        ]

    def _migration(self, rows_by_title):
        return self.Migration.create(
            {"file": migration_workbook(self.env, rows_by_title), "file_name": "legacy.xlsx"}
        )

    def _clean(self):
        return self._migration(
            {
                DEVICES: self._devices(),
                PACKAGING: [
                    {
                        "default_code": "MIG-IS200",
                        "name": "Box of 25",
                        "quantity": 25,
                        "level": "box",
                        "udi_di": "16971234500011",
                    }
                ],
                STOCK: self._stock(),
            }
        )

    def _written(self):
        return (
            self.env["product.template"].search_count([("default_code", "like", "MIG-")]),
            self.env["stock.lot"].search_count([("product_id.default_code", "like", "MIG-")]),
            self.env["md.audit.entry"].sudo().search_count([("reason", "like", "Go-live migration")]),
        )

    def test_template_explains_every_column(self):
        """The template has one sheet per kind of data, keys in row 1, and a columns sheet with
        each column's meaning in English and in Chinese."""
        import io

        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(self.env["md.migration"]._md_template_bytes()))
        self.assertEqual(book.sheetnames[0], "Columns 列说明")
        for title in (DEVICES, PACKAGING, STOCK):
            self.assertIn(title, book.sheetnames)
        explained = {
            (row[0], row[1]) for row in book["Columns 列说明"].iter_rows(min_row=2, values_only=True)
        }
        keys = [cell.value for cell in book[STOCK][1]]
        self.assertEqual(keys[:3], ["default_code", "lot", "location"])
        for key in keys:
            self.assertIn((STOCK, key), explained)
        header = [cell.value for cell in book["Columns 列说明"][1]]
        self.assertEqual(header[-2:], ["English", "中文"])

    def test_dry_run_checks_everything_and_writes_nothing(self):
        before = self._written()
        migration = self._clean()
        migration.action_dry_run()
        self.assertEqual(migration.state, "checked", migration.issue_ids.mapped("message"))
        self.assertEqual(self._written(), before)
        self.assertTrue(migration.reconciled)
        stock_lines = migration.count_ids.filtered(lambda c: c.sheet == STOCK)
        self.assertEqual(sum(stock_lines.mapped("file_quantity")), 152)
        self.assertEqual(sum(stock_lines.mapped("db_quantity")), 152)

    def test_import_writes_everything_with_migration_reason(self):
        migration = self._clean()
        migration.action_dry_run()
        migration.action_import()
        self.assertEqual(migration.state, "done")
        self.assertTrue(migration.reconciled)
        device = self.env["product.template"].search([("default_code", "=", "MIG-IS200")])
        self.assertEqual(
            (device.tracking, device.use_expiration_date, device.expiration_time), ("lot", True, 1095)
        )
        self.assertEqual(device.with_context(lang="zh_CN").product_variant_id.md_udi_di, "06971234500014")
        self.assertEqual(device.packaging_ids.md_udi_di, "16971234500011")
        lots = self.env["stock.lot"].search([("product_id.default_code", "like", "MIG-")])
        status = {lot.name: lot.md_status for lot in lots}
        self.assertEqual(
            status, {"L-01": "released", "L-02": "quarantine", "SN-1": "released", "SN-2": "rejected"}
        )
        l01 = lots.filtered(lambda lot: lot.name == "L-01")
        self.assertEqual(l01.product_qty, 120)
        self.assertEqual(str(l01.expiration_date.date()), "2029-01-31")
        holds = self.env["md.lot.hold"].search([("lot_id", "in", lots.ids)])
        self.assertEqual(set(holds.mapped("res_model")), {"md.migration"})
        reasons = set(
            self.env["md.audit.entry"]
            .sudo()
            .search([("res_model", "=", "stock.lot"), ("res_id", "in", lots.ids)])
            .mapped("reason")
        )
        self.assertEqual(reasons, {f"Go-live migration {migration.name} (legacy.xlsx)"})
        moves = self.env["stock.move"].search([("move_line_ids.lot_id", "in", lots.ids)])
        self.assertTrue(all(moves.mapped("is_inventory")))

    def test_each_bad_row_is_named_and_nothing_is_written(self):
        before = self._written()
        devices = [
            *self._devices(),
            {
                "default_code": "MIG-BAD-DI",
                "name": "Wrong check digit",
                "tracking": "lot",
                "udi_di": "06971234500019",
            },
            {"default_code": "MIG-PM1", "name": "Repeated", "tracking": "serial"},
            {"default_code": "MIG-X", "name": "Unknown tracking", "tracking": "batch"},
        ]
        stock = [
            *self._stock(),
            {"default_code": "MIG-NONE", "lot": "L-9", "location": self.stock.complete_name, "quantity": 1},
            {
                "default_code": "MIG-IS200",
                "lot": "L-9",
                "location": "Nowhere",
                "quantity": 1,
                "expiry_date": "2029-01-01",
            },
            {"default_code": "MIG-PM1", "lot": "SN-3", "location": self.stock.complete_name, "quantity": 2},
            {"default_code": "MIG-IS200", "lot": "L-10", "location": self.stock.complete_name, "quantity": 5},
            {
                "default_code": "MIG-IS200",
                "lot": "L-01",
                "location": self.stock.complete_name,
                "quantity": 5,
                "expiry_date": "2029-01-31",
            },
            {
                "default_code": "MIG-IS200",
                "lot": "L-11",
                "location": self.stock.complete_name,
                "quantity": "many",
            },
        ]
        migration = self._migration({DEVICES: devices, STOCK: stock})
        migration.action_dry_run()
        self.assertEqual(migration.state, "failed")
        self.assertEqual(
            issues_of(migration),
            {
                (DEVICES, 5, ""),  # the model's GS1 check-digit rule
                (DEVICES, 6, "default_code"),
                (DEVICES, 7, "tracking"),
                (STOCK, 8, "default_code"),
                (STOCK, 9, "location"),
                (STOCK, 10, "quantity"),
                (STOCK, 11, "expiry_date"),
                (STOCK, 12, "lot"),
                (STOCK, 13, "quantity"),
            },
        )
        self.assertIn("check digit", migration.issue_ids.filtered(lambda i: i.row == 5).message)
        self.assertEqual(self._written(), before)

    def test_import_is_all_or_nothing(self):
        """A rule that refuses a row at import time (the lot was created meanwhile) leaves the
        database untouched, the devices of the earlier sheet included."""
        migration = self._clean()
        migration.action_dry_run()
        self.assertEqual(migration.state, "checked")
        other = self.env["product.product"].create({"name": "Other", "default_code": "OTHER-1"})
        before = self._written()
        # the devices' reference is taken between the dry run and the import
        other.default_code = "MIG-PM1"
        migration.action_import()
        self.assertEqual(migration.state, "failed")
        self.assertIn((DEVICES, 4, "default_code"), issues_of(migration))
        self.assertEqual(self._written()[1:], before[1:])
        self.assertFalse(self.env["product.template"].search([("default_code", "=", "MIG-IS200")]))

    def test_import_needs_a_passed_dry_run_of_the_same_workbook(self):
        migration = self._clean()
        with self.assertRaisesRegex(UserError, "Importing is not possible"):
            migration.action_import()
        migration.action_dry_run()
        migration.file = migration_workbook(self.env, {DEVICES: self._devices()})
        self.assertEqual(migration.state, "draft")
        with self.assertRaisesRegex(UserError, "Importing is not possible"):
            migration.action_import()

    def test_only_administrators_run_a_migration(self):
        manager = new_test_user(self.env, "md_mig_qm", groups="md_base.group_md_quality_manager")
        migration = self._clean()
        with self.assertRaises(AccessError):
            migration.with_user(manager).action_dry_run()
        with self.assertRaises(AccessError):
            self.env["md.migration"].with_user(manager).create({"file_name": "x.xlsx"})

    def test_state_moves_only_by_the_run(self):
        """A caller cannot write the state or the run's outcome (workflow guard), nor change or
        delete an imported migration."""
        migration = self._clean()
        for vals in ({"state": "checked"}, {"state": "done"}, {"imported_by_id": self.admin.id}):
            with self.assertRaises(UserError):
                migration.write(vals)
        with self.assertRaises(UserError):
            self.Migration.create({"file_name": "x.xlsx", "state": "done"})
        migration.action_dry_run()
        migration.action_import()
        with self.assertRaises(UserError):
            migration.note = "changed afterwards"
        with self.assertRaises(UserError):
            migration.unlink()

    def test_unreadable_file_is_refused_clearly(self):
        migration = self.Migration.create({"file": b"bm90IGFuIHhsc3g=", "file_name": "notes.txt"})
        with self.assertRaisesRegex(UserError, "not a readable .xlsx workbook"):
            migration.action_dry_run()
