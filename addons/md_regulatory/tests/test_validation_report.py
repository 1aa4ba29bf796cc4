import base64
import os
from pathlib import Path

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .validation_report_common import MdValidationReportCase


@tagged("post_install", "-at_install")
class TestValidationReportImport(MdValidationReportCase):
    """The validation report as a controlled document (ISO 13485:2016 4.1.6,
    7.5.6; 21 CFR 11.10(a); GAMP 5): only the report of a passing run of the
    installed versions is imported, reviewed and approved by e-signature."""

    def test_import_creates_a_draft_revision_with_the_run_figures(self):
        revision = self.import_report()
        self.assertEqual(revision.document_id, self.csv_document)
        self.assertEqual(
            (revision.state, revision.name, revision.file_name), ("draft", "1", "validation-report.html")
        )
        self.assertEqual(len(revision.checksum), 64)
        self.assertEqual(revision.validation_commit, "5b5bdb9a0c1d2e3f40516273849a0b1c2d3e4f50")
        self.assertEqual(str(revision.validation_generated_at), "2026-03-02 08:15:00")
        self.assertEqual(
            (revision.validation_result, revision.validation_oq_result, revision.validation_pq_result),
            ("passed", "passed", "passed"),
        )
        self.assertEqual(
            (revision.validation_requirements_passed, revision.validation_requirements), (108, 108)
        )
        self.assertEqual((revision.validation_tests, revision.validation_tests_failed), (1450, 0))
        self.assertIn("108 of 108 requirements verified", revision.change_description)
        self.assertEqual(self.import_report().name, "2")

    def test_failed_run_refused_at_import(self):
        with self.assertRaisesRegex(
            UserError, "2 requirements failed, 1 untested.*import the report of a passing"
        ):
            self.import_report(self.metadata("failed"))
        self.assertFalse(self.csv_document.revision_ids)

    def test_file_that_is_not_a_report_refused(self):
        wizard = (
            self.env["md.validation.report.import"]
            .with_user(self.author)
            .create(
                {
                    "document_id": self.csv_document.id,
                    "file": base64.b64encode(b"<html><body>Test summary: all green</body></html>"),
                    "file_name": "summary.html",
                }
            )
        )
        self.assertFalse(wizard.result)
        with self.assertRaisesRegex(UserError, "summary.html is not a validation report"):
            wizard.action_import()

    def test_report_of_other_versions_refused(self):
        metadata = self.metadata()
        metadata["addons"]["md_regulatory"]["version"] = "18.0.0.9.0"
        with self.assertRaisesRegex(UserError, r"md_regulatory 18\.0\.0\.9\.0 \(installed: 18\.0\."):
            self.import_report(metadata)

    def test_only_into_a_validation_document(self):
        self.csv_document = self.sop
        with self.assertRaisesRegex(UserError, "SOP-T-001.*is not a document of type Computerised System"):
            self.import_report()

    def test_failed_report_uploaded_by_hand_cannot_go_to_review(self):
        """The rule holds whatever the path: a failed report attached to a
        revision directly is refused at submission, so it is never approved."""
        revision = self.new_revision(
            self.csv_document,
            file=base64.b64encode(self.report_html(self.metadata("failed"))),
            file_name="validation-report.html",
        )
        self.assertEqual(revision.validation_oq_result, "failed")
        with self.assertRaisesRegex(UserError, "A failed run is a deviation"):
            revision.action_submit()
        self.assertEqual(revision.state, "draft")
        other = self.new_revision(self.csv_document, code="B")
        with self.assertRaisesRegex(UserError, "is not a validation report"):
            other.action_submit()

    def test_reviewed_and_approved_by_signature(self):
        revision = self.import_report()
        revision.action_submit()
        self.sign(revision, self.reviewer, "reviewed")
        self.assertEqual(revision.state, "review")
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            self.sign(revision, self.author, "approved")
        self.sign(revision, self.approver, "approved")
        self.assertEqual(revision.state, "effective")
        self.assertEqual(self.csv_document.effective_revision_id, revision)

    def test_only_quality_managers_and_regulatory_import(self):
        with self.assertRaises(AccessError):
            self.import_report(user=self.reviewer)
        regulatory = self._user("md_csv_regulatory", "md_base.group_md_regulatory")
        self.assertEqual(self.import_report(user=regulatory).state, "draft")

    def test_import_from_the_document_proposes_it(self):
        wizard = (
            self.env["md.validation.report.import"]
            .with_user(self.author)
            .with_context(active_model="md.document", active_id=self.csv_document.id)
            .new({})
        )
        self.assertEqual(wizard.document_id, self.csv_document)
        self.assertEqual(wizard.name, "1")


@tagged("post_install", "-at_install")
class TestValidationReportTour(HttpCase, MdValidationReportCase):
    """The report imported, reviewed and approved in the browser, each step by its own user."""

    def report(self):
        return self.report_html(self.metadata())

    def test_import_review_and_approve_in_the_browser(self):
        self.env["ir.attachment"].with_user(self.author).create(
            {"name": "md_validation_tour_report.html", "raw": self.report()}
        )
        documents = self.env.ref("md_regulatory.action_md_document")
        self.start_tour(
            f"/odoo/action-{documents.id}/{self.csv_document.id}",
            "md_validation_report_import_tour",
            login="md_doc_author",
        )
        revision = self.csv_document.revision_ids
        self.assertEqual((len(revision), revision.state), (1, "review"))
        revisions = self.env.ref("md_regulatory.action_md_document_revision")
        url = f"/odoo/action-{revisions.id}/{revision.id}"
        self.start_tour(url, "md_validation_report_review_tour", login="md_doc_reviewer")
        self.start_tour(url, "md_validation_report_approve_tour", login="md_doc_approver")
        self.assertEqual(revision.state, "effective")
        signatures = revision.md_signature_ids.filtered(lambda s: not s.voided)
        self.assertEqual(
            {(s.meaning, s.signer_id.login) for s in signatures},
            {("reviewed", "md_doc_reviewer"), ("approved", "md_doc_approver")},
        )


@tagged("post_install", "-at_install", "-standard", "md_validation_run")
class TestValidationReportOfThisRun(TestValidationReportTour):
    """The test command's own report (tests/run.sh, after every other test): the HTML of this run,
    given in MEDDEV_VALIDATION_REPORT_HTML, imported and signed reviewed and approved in the
    browser (21 CFR 11.10(a), ISO 13485:2016 4.1.6)."""

    def report(self):
        return Path(os.environ["MEDDEV_VALIDATION_REPORT_HTML"]).read_bytes()

    def test_import_review_and_approve_in_the_browser(self):
        if not os.environ.get("MEDDEV_VALIDATION_REPORT_HTML"):
            self.skipTest("run by tests/run.sh once its validation report is written")
        return super().test_import_review_and_approve_in_the_browser()
