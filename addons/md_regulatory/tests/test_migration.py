from datetime import date, timedelta

from odoo.tests import TransactionCase, tagged

from odoo.addons.md_base.tests.migration_common import issues_of, migration_workbook

DEVICES = "Devices 产品"
PARTNERS = "Partners 客户供应商"
LICENCES = "Licences 资质证照"
SUPPLIER_APPROVALS = "Supplier approvals 首营企业"
REGISTRATIONS = "Registrations 注册证"
PRODUCT_APPROVALS = "Product approvals 首营品种"
FUTURE = (date.today() + timedelta(days=700)).isoformat()
PAST = (date.today() - timedelta(days=30)).isoformat()


@tagged("post_install", "-at_install")
class TestMigrationRegulatory(TransactionCase):
    """Go-live migration of partners, licences, first-time approvals and registrations
    (md_regulatory/models/md_migration.py)."""

    def run_workbook(self, sheets, name="regulatory.xlsx"):
        """A dry run of a workbook filled from {sheet title: [{column key: value}]}."""
        migration = self.env["md.migration"].create(
            {"file": migration_workbook(self.env, sheets), "file_name": name}
        )
        migration.action_dry_run()
        return migration

    def issues(self, migration):
        return issues_of(migration)

    def clean_sheets(self):
        return {
            DEVICES: [
                {
                    "default_code": "MIG-R1",
                    "name": "Migrated catheter",
                    "tracking": "lot",
                    "risk_class_cn": "III",
                },
                {
                    "default_code": "MIG-R2",
                    "name": "Migrated stent",
                    "tracking": "serial",
                    "risk_class_cn": "III",
                },
            ],
            PARTNERS: [
                {"ref": "MIG-SUP", "name": "Suzhou Supplier", "country_code": "cn", "supplier": "yes"},
                {"ref": "MIG-CUS", "name": "Hangzhou Hospital", "country_code": "CN", "customer": "是"},
                {"ref": "MIG-NB", "name": "Notified Body", "country_code": "DE", "supplier": "1"},
            ],
            LICENCES: [
                {
                    "partner_ref": "MIG-SUP",
                    "licence_type": "CN-DIST",
                    "number": "MIG-L1",
                    "issue_date": "2021-01-01",
                    "expiry_date": FUTURE,
                    "classes": "II, III",
                },
                {"partner_ref": "MIG-CUS", "licence_type": "CN-HOSP", "number": "MIG-H1"},
            ],
            SUPPLIER_APPROVALS: [
                {
                    "partner_ref": "MIG-SUP",
                    "licence_numbers": "MIG-L1",
                    "status": "approved",
                    "approved_on": "2024-03-15",
                    "approved_by": "Wang Li",
                    "approval_ref": "SQ-2024-015",
                },
            ],
            REGISTRATIONS: [
                {
                    "registration_type": "nmpa_registration",
                    "number": "MIG-REG-1",
                    "market": "CN",
                    "default_codes": "MIG-R1",
                    "issue_date": "2020-01-01",
                    "expiry_date": FUTURE,
                    "status": "approved",
                    "approved_on": "2020-01-10",
                    "approved_by": "Li Na",
                },
                {
                    "registration_type": "eu_mdr",
                    "number": "MIG-REG-2",
                    "market": "EU",
                    "default_codes": "MIG-R2",
                    "notified_body_ref": "MIG-NB",
                    "notified_body_number": "0123",
                    "status": "draft",
                },
            ],
            PRODUCT_APPROVALS: [
                {
                    "default_code": "MIG-R1",
                    "registration_number": "MIG-REG-1",
                    "supplier_ref": "MIG-SUP",
                    "status": "approved",
                    "approved_on": "2024-04-01",
                    "approved_by": "Wang Li",
                    "approval_ref": "PQ-2024-031",
                },
                {"default_code": "MIG-R2", "registration_number": "MIG-REG-2", "status": "draft"},
            ],
        }

    def test_clean_dry_run_then_import(self):
        migration = self.run_workbook(self.clean_sheets())
        self.assertEqual(migration.state, "checked", migration.issue_ids.mapped("message"))
        self.assertFalse(
            self.env["res.partner"].search([("ref", "like", "MIG-")]), "a dry run writes nothing"
        )
        self.assertFalse(self.env["md.registration"].search([("number", "like", "MIG-REG")]))

        migration.action_import()
        self.assertEqual(migration.state, "done")
        self.assertTrue(
            migration.reconciled, migration.count_ids.mapped(lambda c: (c.label, c.file_count, c.db_count))
        )
        partners = self.env["res.partner"].search([("ref", "like", "MIG-")])
        self.assertEqual(len(partners), 3)
        supplier = partners.filtered(lambda p: p.ref == "MIG-SUP")
        self.assertEqual(
            (supplier.country_id.code, supplier.supplier_rank, supplier.is_company), ("CN", 1, True)
        )
        licence = supplier.md_licence_ids
        self.assertEqual(
            (licence.number, licence.state, licence.covers_class_ii, licence.covers_class_i),
            ("MIG-L1", "valid", True, False),
        )

        approval = self.env["md.partner.qualification"].search([("partner_id", "=", supplier.id)])
        self.assertEqual(
            (approval.state, approval.legacy_approved_by, approval.legacy_approval_ref),
            ("approved", "Wang Li", "SQ-2024-015"),
        )
        self.assertEqual(approval.approved_on.date(), date(2024, 3, 15))
        self.assertEqual(approval.migration_id, migration)
        # a migrated approval is never shown as an Odoo signature (21 CFR 11.50, 11.70)
        self.assertFalse(approval.md_signature_ids)
        self.assertEqual(approval.md_signature_state, "unsigned")
        self.assertEqual(supplier.md_qualification_state, "approved")

        registrations = self.env["md.registration"].search([("number", "like", "MIG-REG")], order="number")
        self.assertEqual(registrations.mapped("state"), ["valid", "draft"])
        self.assertEqual(registrations[0].holder_id, self.env.company.partner_id)
        self.assertEqual(
            registrations[1].country_group_id, self.env.ref("md_regulatory.country_group_eu_eea_mdr")
        )
        product_approvals = self.env["md.product.qualification"].search(
            [("product_tmpl_id.default_code", "like", "MIG-R")], order="id"
        )
        self.assertEqual(product_approvals.mapped("state"), ["approved", "draft"])
        self.assertEqual(product_approvals[0].registration_id, registrations[0])

        entries = self.env["md.audit.entry"].search(
            [("res_model", "=", "md.partner.qualification"), ("res_id", "=", approval.id)]
        )
        self.assertTrue(entries)
        self.assertTrue(
            all(entry.reason.startswith(f"Go-live migration {migration.name}") for entry in entries)
        )

    def test_bad_rows_are_reported_and_nothing_is_written(self):
        sheets = {
            DEVICES: [
                {"default_code": "MIG-R1", "name": "Migrated catheter", "tracking": "lot"},
                {"default_code": "MIG-R2", "name": "Migrated stent", "tracking": "serial"},
            ],
            PARTNERS: [
                {"ref": "MIG-B", "name": "Supplier B", "supplier": "yes"},  # row 3: valid
                {"ref": "MIG-B", "name": "Supplier B again"},  # repeat
                {"ref": "MIG-C", "name": "Supplier C", "country_code": "XX"},  # unknown country
                {"ref": "MIG-D", "name": "Supplier D", "company_type": "firm"},  # invalid value
            ],
            LICENCES: [
                {"partner_ref": "NOPE", "licence_type": "CN-DIST", "number": "MIG-L0"},
                {"partner_ref": "MIG-B", "licence_type": "BAD", "number": "MIG-L0"},
                {
                    "partner_ref": "MIG-B",
                    "licence_type": "CN-DIST",
                    "number": "MIG-L9",
                    "issue_date": "2020-01-01",
                    "expiry_date": PAST,
                },  # row 5: valid, expired
                {"partner_ref": "MIG-B", "licence_type": "CN-DIST", "number": "MIG-L9"},  # repeat
                {
                    "partner_ref": "MIG-B",
                    "licence_type": "ISO13485",
                    "number": "MIG-L8",
                    "issue_date": "2022-01-01",
                    "expiry_date": "2021-01-01",
                },  # the model refuses: expires before issue
            ],
            SUPPLIER_APPROVALS: [
                {"partner_ref": "NOPE", "licence_numbers": "MIG-L9", "status": "draft"},
                # the model refuses: the licence verified has expired
                {
                    "partner_ref": "MIG-B",
                    "licence_numbers": "MIG-L9",
                    "status": "approved",
                    "approved_on": "2024-01-01",
                    "approved_by": "Wang Li",
                },
                {"partner_ref": "MIG-B", "licence_numbers": "MIG-L9", "status": "draft"},  # repeat
                {"partner_ref": "MIG-B", "licence_numbers": "MIG-L9", "status": "maybe"},  # invalid value
            ],
            REGISTRATIONS: [
                {"registration_type": "bogus", "number": "MIG-R0", "market": "CN", "default_codes": "MIG-R1"},
                {"registration_type": "other", "number": "MIG-R0", "market": "ZZ", "default_codes": "MIG-R1"},
                # the model refuses: an EU MDR certificate names its notified body
                {
                    "registration_type": "eu_mdr",
                    "number": "MIG-R8",
                    "market": "EU",
                    "default_codes": "MIG-R1",
                    "status": "draft",
                },
                {"registration_type": "other", "number": "MIG-R7", "market": "CN", "default_codes": "NOPE"},
                {
                    "registration_type": "nmpa_registration",
                    "number": "MIG-R9",
                    "market": "CN",
                    "default_codes": "MIG-R1",
                    "status": "draft",
                },  # row 7: valid
                {
                    "registration_type": "nmpa_registration",
                    "number": "MIG-R9",
                    "market": "CN",
                    "default_codes": "MIG-R1",
                    "status": "draft",
                },  # repeat
                {
                    "registration_type": "other",
                    "number": "MIG-R6",
                    "market": "CN",
                    "default_codes": "MIG-R1",
                    "status": "approved",
                    "approved_on": FUTURE,
                    "approved_by": "Li Na",
                },  # a future approval
            ],
            PRODUCT_APPROVALS: [
                {"default_code": "NOPE", "status": "draft"},
                # the model refuses: the certificate is not approved
                {
                    "default_code": "MIG-R1",
                    "registration_number": "MIG-R9",
                    "status": "approved",
                    "approved_on": "2024-01-01",
                    "approved_by": "Wang Li",
                },
                {"default_code": "MIG-R1", "status": "draft"},  # repeat
                {"default_code": "MIG-R2", "status": "approved", "approved_on": "2024-01-01"},  # no approver
            ],
        }
        migration = self.run_workbook(sheets)
        self.assertEqual(migration.state, "failed")
        self.assertEqual(
            self.issues(migration),
            {
                (PARTNERS, 4, "ref"),
                (PARTNERS, 5, "country_code"),
                (PARTNERS, 6, "company_type"),
                (LICENCES, 3, "partner_ref"),
                (LICENCES, 4, "licence_type"),
                (LICENCES, 6, "number"),
                (LICENCES, 7, ""),
                (SUPPLIER_APPROVALS, 3, "partner_ref"),
                (SUPPLIER_APPROVALS, 4, ""),
                (SUPPLIER_APPROVALS, 5, "partner_ref"),
                (SUPPLIER_APPROVALS, 6, "status"),
                (REGISTRATIONS, 3, "registration_type"),
                (REGISTRATIONS, 4, "market"),
                (REGISTRATIONS, 5, ""),
                (REGISTRATIONS, 6, "default_codes"),
                (REGISTRATIONS, 8, "number"),
                (REGISTRATIONS, 9, "approved_on"),
                (PRODUCT_APPROVALS, 3, "default_code"),
                (PRODUCT_APPROVALS, 4, ""),
                (PRODUCT_APPROVALS, 5, "default_code"),
                (PRODUCT_APPROVALS, 6, "approved_by"),
            },
        )
        refused = migration.issue_ids.filtered(lambda i: i.sheet == SUPPLIER_APPROVALS and i.row == 4)
        self.assertIn("is not valid", refused.message)
        self.assertFalse(self.env["res.partner"].search([("ref", "like", "MIG-")]))
        self.assertFalse(self.env["md.partner.licence"].search([("number", "like", "MIG-L")]))
        self.assertFalse(self.env["md.registration"].search([("number", "like", "MIG-R")]))

    def test_existing_records_are_refused(self):
        """A supplier already approved in Odoo is not approved again by the file (no silent supersede)."""
        self.assertEqual(self.run_workbook(self.clean_sheets()).state, "checked")
        migration = self.run_workbook(self.clean_sheets())
        migration.action_import()
        again = self.run_workbook(self.clean_sheets(), name="again.xlsx")
        self.assertEqual(again.state, "failed")
        self.assertIn((PARTNERS, 3, "ref"), self.issues(again))
        self.assertIn((LICENCES, 3, "number"), self.issues(again))
        self.assertIn((SUPPLIER_APPROVALS, 3, "partner_ref"), self.issues(again))
        self.assertIn((REGISTRATIONS, 3, "number"), self.issues(again))
        self.assertIn((PRODUCT_APPROVALS, 3, "default_code"), self.issues(again))
