from odoo.tests import TransactionCase, tagged

from odoo.addons.md_base.tests.migration_common import issues_of, migration_workbook

DEVICES = "Devices 产品"
STOCK = "Opening stock 期初库存"
PARTNERS = "Partners 客户供应商"
NCRS = "Open NCRs 不合格品"
CAPAS = "Open CAPAs 纠正预防措施"
COMPLAINTS = "Open complaints 投诉"


@tagged("post_install", "-at_install")
class TestMigrationQuality(TransactionCase):
    """Go-live migration of open NCRs, CAPAs and complaints (md_quality/models/md_migration.py)."""

    def run_workbook(self, sheets):
        """A dry run of a workbook filled from {sheet title: [{column key: value}]}."""
        migration = self.env["md.migration"].create(
            {"file": migration_workbook(self.env, sheets), "file_name": "quality.xlsx"}
        )
        migration.action_dry_run()
        return migration

    def base_sheets(self):
        return {
            DEVICES: [
                {
                    "default_code": "MIG-Q1",
                    "name": "Migrated infusion set",
                    "tracking": "lot",
                    "shelf_life_days": 1095,
                },
                {"default_code": "MIG-Q2", "name": "Migrated pump", "tracking": "serial"},
            ],
            STOCK: [
                {
                    "default_code": "MIG-Q1",
                    "lot": "MIG-QL1",
                    "location": "WH/Stock",
                    "quantity": 100,
                    "expiry_date": "2030-01-01",
                },
                {"default_code": "MIG-Q2", "lot": "MIG-QS1", "location": "WH/Stock", "quantity": 1},
            ],
            PARTNERS: [{"ref": "MIG-QC", "name": "Migrated hospital", "customer": "yes"}],
        }

    def test_clean_dry_run_then_import(self):
        sheets = {
            **self.base_sheets(),
            NCRS: [
                {
                    "legacy_number": "MIG-NCR-1",
                    "state": "containment",
                    "source": "inspection",
                    "default_code": "MIG-Q1",
                    "lots": "MIG-QL1",
                    "quantity": 20,
                    "description": "Seal leak",
                    "date_detected": "2025-05-20",
                },
                {
                    "legacy_number": "MIG-NCR-2",
                    "default_code": "MIG-Q2",
                    "quantity": 1,
                    "severity": "minor",
                    "description": "Scratched housing",
                    "date_detected": "2025-05-21",
                },
            ],
            CAPAS: [
                {
                    "legacy_number": "MIG-CAPA-1",
                    "state": "investigation",
                    "title": "Seal leaks",
                    "source": "ncr",
                    "source_reference": "MIG-NCR-1",
                    "default_code": "MIG-Q1",
                    "problem_statement": "Seal weak",
                    "date_opened": "2025-05-21",
                    "date_due": "2025-08-31",
                    "severity": "4",
                },
                {
                    "legacy_number": "MIG-CAPA-2",
                    "title": "Audit finding",
                    "problem_statement": "SOP outdated",
                    "date_opened": "2025-06-01",
                },
            ],
            COMPLAINTS: [
                {
                    "legacy_number": "MIG-C-1",
                    "state": "investigation",
                    "title": "Leak during infusion",
                    "channel": "distributor",
                    "partner_ref": "MIG-QC",
                    "default_code": "MIG-Q1",
                    "lot": "MIG-QL1",
                    "description": "Leak at the spike",
                    "event_date": "2025-06-01",
                    "awareness_date": "2025-06-02",
                    "malfunction": "yes",
                },
            ],
        }
        migration = self.run_workbook(sheets)
        self.assertEqual(migration.state, "checked", migration.issue_ids.mapped("message"))
        self.assertFalse(self.env["md.quality.ncr"].search([("legacy_number", "like", "MIG-")]))

        migration.action_import()
        self.assertEqual(migration.state, "done")
        self.assertTrue(migration.reconciled)
        ncrs = self.env["md.quality.ncr"].search(
            [("legacy_number", "like", "MIG-NCR")], order="legacy_number"
        )
        self.assertEqual(ncrs.mapped("state"), ["containment", "open"])
        self.assertNotEqual(ncrs[0].name, "MIG-NCR-1", "Odoo numbers the record; the legacy number is kept")
        lot = ncrs[0].lot_ids
        self.assertEqual(lot.name, "MIG-QL1")
        self.assertIn(
            ncrs[0],
            ncrs[0]
            .hold_ids.filtered(lambda h: h.state == "active")
            .mapped(lambda hold: self.env[hold.res_model].browse(hold.res_id)),
        )
        capas = self.env["md.quality.capa"].search(
            [("legacy_number", "like", "MIG-CAPA")], order="legacy_number"
        )
        self.assertEqual(capas.mapped("state"), ["investigation", "draft"])
        self.assertEqual((capas[0].severity, capas[1].source), ("4", "other"))
        complaint = self.env["md.quality.complaint"].search([("legacy_number", "=", "MIG-C-1")])
        self.assertEqual(
            (complaint.state, complaint.lot_id, complaint.partner_id.ref), ("investigation", lot, "MIG-QC")
        )
        self.assertTrue(complaint.malfunction)
        for record in (*ncrs, *capas, complaint):
            entries = self.env["md.audit.entry"].search(
                [("res_model", "=", record._name), ("res_id", "=", record.id)]
            )
            self.assertTrue(entries)
            self.assertTrue(
                all(entry.reason.startswith(f"Go-live migration {migration.name}") for entry in entries)
            )
        counts = {count.sheet: (count.file_count, count.db_count) for count in migration.count_ids}
        self.assertEqual((counts[NCRS], counts[CAPAS], counts[COMPLAINTS]), ((2, 2), (2, 2), (1, 1)))

    def test_bad_rows_are_reported_and_nothing_is_written(self):
        self.env["md.quality.capa"].create(
            {"title": "Already migrated", "problem_statement": "x", "legacy_number": "MIG-CAPA-OLD"}
        )
        sheets = {
            **self.base_sheets(),
            NCRS: [
                {
                    "legacy_number": "MIG-N3",
                    "default_code": "NOPE",
                    "quantity": 1,
                    "description": "x",
                    "date_detected": "2025-05-20",
                },
                {
                    "legacy_number": "MIG-N4",
                    "default_code": "MIG-Q1",
                    "quantity": 1,
                    "severity": "huge",
                    "description": "x",
                    "date_detected": "2025-05-20",
                },
                # the model refuses: containment without a lot to hold
                {
                    "legacy_number": "MIG-N5",
                    "state": "containment",
                    "default_code": "MIG-Q1",
                    "quantity": 1,
                    "description": "x",
                    "date_detected": "2025-05-20",
                },
                {
                    "legacy_number": "MIG-N6",
                    "default_code": "MIG-Q1",
                    "lots": "MIG-QS1",
                    "quantity": 1,
                    "description": "x",
                    "date_detected": "2025-05-20",
                },  # a lot of another product
                {
                    "legacy_number": "MIG-N5",
                    "default_code": "MIG-Q1",
                    "quantity": 1,
                    "description": "x",
                    "date_detected": "2025-05-20",
                },  # repeat
            ],
            CAPAS: [
                {
                    "legacy_number": "MIG-CA3",
                    "title": "t",
                    "problem_statement": "p",
                    "date_opened": "2025-05-20",
                    "responsible": "nobody@nowhere",
                },
                {
                    "legacy_number": "MIG-CA4",
                    "title": "t",
                    "problem_statement": "p",
                    "date_opened": "2025-05-20",
                    "capa_type": "bad",
                },
                {
                    "legacy_number": "MIG-CAPA-OLD",
                    "title": "t",
                    "problem_statement": "p",
                    "date_opened": "2025-05-20",
                },  # already in Odoo
                {
                    "legacy_number": "MIG-CA6",
                    "title": "t",
                    "problem_statement": "p",
                    "date_opened": "2025-05-20",
                    "date_due": "2025-01-01",
                },
                {
                    "legacy_number": "MIG-CA6",
                    "title": "t",
                    "problem_statement": "p",
                    "date_opened": "2025-05-20",
                },
            ],
            COMPLAINTS: [
                {
                    "legacy_number": "MIG-C3",
                    "title": "t",
                    "partner_ref": "NOPE",
                    "description": "d",
                    "awareness_date": "2025-06-02",
                },
                {
                    "legacy_number": "MIG-C4",
                    "title": "t",
                    "channel": "pigeon",
                    "description": "d",
                    "awareness_date": "2025-06-02",
                },
                # the model refuses: the event cannot follow the awareness
                {
                    "legacy_number": "MIG-C5",
                    "title": "t",
                    "description": "d",
                    "event_date": "2025-07-01",
                    "awareness_date": "2025-06-02",
                },
                {
                    "legacy_number": "MIG-C6",
                    "title": "t",
                    "default_code": "MIG-Q1",
                    "lot": "NOPE",
                    "description": "d",
                    "awareness_date": "2025-06-02",
                },
                {"legacy_number": "MIG-C5", "title": "t", "description": "d", "awareness_date": "2025-06-02"},
            ],
        }
        migration = self.run_workbook(sheets)
        self.assertEqual(migration.state, "failed")
        self.assertEqual(
            issues_of(migration),
            {
                (NCRS, 3, "default_code"),
                (NCRS, 4, "severity"),
                (NCRS, 5, ""),
                (NCRS, 6, "lots"),
                (NCRS, 7, "legacy_number"),
                (CAPAS, 3, "responsible"),
                (CAPAS, 4, "capa_type"),
                (CAPAS, 5, "legacy_number"),
                (CAPAS, 6, "date_due"),
                (CAPAS, 7, "legacy_number"),
                (COMPLAINTS, 3, "partner_ref"),
                (COMPLAINTS, 4, "channel"),
                (COMPLAINTS, 5, ""),
                (COMPLAINTS, 6, "lot"),
                (COMPLAINTS, 7, "legacy_number"),
            },
        )
        self.assertFalse(self.env["md.quality.ncr"].search([("legacy_number", "like", "MIG-")]))
        self.assertFalse(self.env["md.quality.complaint"].search([("legacy_number", "like", "MIG-")]))
        self.assertEqual(self.env["md.quality.capa"].search_count([("legacy_number", "like", "MIG-")]), 1)
        self.assertFalse(self.env["stock.lot"].search([("name", "like", "MIG-Q")]))
