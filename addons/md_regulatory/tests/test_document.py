from datetime import timedelta

import psycopg2
import pypdfium2
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_document_common import MdDocumentCase


@tagged("post_install", "-at_install")
class TestDocumentLifecycle(MdDocumentCase):
    """ISO 13485 4.2.4: review and approval before issue, current revision
    identified, obsolete documents prevented from unintended use."""

    def test_checksum_computed_at_upload(self):
        revision = self.new_revision()
        self.assertEqual(revision.checksum, self.sha256())
        revision.write({"file": self.file_b64(b"second draft")})
        self.assertEqual(revision.checksum, self.sha256(b"second draft"))

    def test_checksum_cannot_be_written(self):
        revision = self.new_revision()
        revision.write({"checksum": "0" * 64})
        self.assertEqual(revision.checksum, self.sha256())

    def test_submit_requires_file(self):
        revision = self.new_revision(file=False)
        with self.assertRaisesRegex(UserError, "Attach the controlled file"):
            revision.action_submit()
        self.assertEqual(revision.state, "draft")

    def test_signatures_approve_and_make_effective(self):
        revision = self.new_revision()
        revision.action_submit()
        self.sign(revision, self.reviewer, "reviewed")
        self.assertEqual(revision.state, "review")
        self.sign(revision, self.approver, "approved")
        self.assertEqual(revision.state, "effective")
        self.assertEqual(revision.effective_date, fields.Date.context_today(revision))
        self.assertEqual(self.sop.effective_revision_id, revision)

    def test_approve_without_signatures_refused(self):
        revision = self.new_revision()
        revision.action_submit()
        self.sign(revision, self.reviewer, "reviewed")
        with self.assertRaisesRegex(UserError, "needs the electronic signatures: Approved"):
            revision.with_user(self.approver).action_approve()
        self.assertEqual(revision.state, "review")

    def test_approve_without_rule_refused(self):
        self.env["md.document.approval.rule"].search([("document_type", "=", "sop")]).active = False
        revision = self.new_revision()
        revision.action_submit()
        with self.assertRaisesRegex(UserError, "No approval rule"):
            revision.action_approve()

    def test_author_cannot_approve(self):
        revision = self.new_revision()
        revision.action_submit()
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            self.sign(revision, self.author, "approved")

    def test_signer_outside_roles_refused(self):
        revision = self.new_revision()
        revision.action_submit()
        with self.assertRaises(AccessError):
            self.sign(revision, self.reviewer, "approved")
        self.assertEqual(revision.state, "review")

    def test_approval_rule_roles_checked(self):
        """The approval rule's roles narrow the signature rule: regulatory may
        sign approvals in general, but SOP approval needs a quality manager."""
        regulatory = self._user("md_doc_regulatory", "md_base.group_md_regulatory")
        revision = self.new_revision()
        revision.action_submit()
        with self.assertRaisesRegex(UserError, "Your role cannot sign"):
            self.sign(revision, regulatory, "approved")

    def test_sign_draft_refused(self):
        revision = self.new_revision()
        with self.assertRaisesRegex(UserError, "Only revisions in review"):
            self.sign(revision, self.reviewer, "reviewed")

    def test_content_locked_after_submission(self):
        revision = self.new_revision()
        revision.action_submit()
        with self.assertRaisesRegex(UserError, "can be changed only while it is Draft"):
            revision.write({"change_description": "Edited in review"})
        with self.assertRaisesRegex(UserError, "can be changed only while it is Draft"):
            revision.write({"file": self.file_b64(b"swapped")})

    def test_return_to_draft_voids_signatures(self):
        revision = self.new_revision()
        revision.action_submit()
        self.sign(revision, self.reviewer, "reviewed")
        revision.action_return_to_draft()
        self.assertEqual(revision.state, "draft")
        self.assertTrue(all(revision.md_signature_ids.mapped("voided")))
        revision.write({"change_description": "Reworded after review"})

    def test_state_write_refused(self):
        revision = self.new_revision()
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            revision.write({"state": "effective"})
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            self.new_revision(code="B", state="effective")

    def test_new_revision_supersedes_previous(self):
        first = self.make_effective(code="A")
        second = self.make_effective(code="B", change_description="Step 4 clarified")
        self.assertEqual(first.state, "superseded")
        self.assertEqual(second.state, "effective")
        self.assertEqual(self.sop.effective_revision_id, second)
        self.assertTrue(first.closed_on)

    def test_superseded_readable_not_writable(self):
        first = self.make_effective(code="A")
        self.make_effective(code="B")
        self.assertEqual(first.with_user(self.outsider).change_description, "Initial issue")
        with self.assertRaisesRegex(UserError, "is closed"):
            first.write({"review_date": fields.Date.today() + timedelta(days=365)})
        with self.assertRaises(UserError):
            first.unlink()

    def test_one_effective_constraint(self):
        first = self.make_effective(code="A")
        second = self.new_revision(code="B")
        with (
            self.assertRaisesRegex(ValidationError, "only one effective revision"),
            self.env.cr.savepoint(),
            second._md_transition(),
        ):
            second.write({"state": "effective"})
        self.assertEqual(first.state, "effective")

    def test_one_effective_unique_index(self):
        self.make_effective(code="A")
        second = self.new_revision(code="B")
        second.flush_recordset()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError), self.env.cr.savepoint():
            self.env.cr.execute(
                "UPDATE md_document_revision SET state = 'effective' WHERE id = %s", [second.id]
            )

    def test_future_effective_date_waits_for_cron(self):
        tomorrow = fields.Date.today() + timedelta(days=1)
        revision = self.make_effective(code="A", effective_date=tomorrow)
        self.assertEqual(revision.state, "approved")
        with self.assertRaisesRegex(UserError, "not before"):
            revision.action_make_effective()
        self.env["md.document.revision"]._cron_make_effective()
        self.assertEqual(revision.state, "approved")
        with freeze_time(tomorrow):
            self.env["md.document.revision"]._cron_make_effective()
        self.assertEqual(revision.state, "effective")

    def test_obsolete(self):
        revision = self.make_effective(code="A")
        revision.action_obsolete()
        self.assertEqual(revision.state, "obsolete")
        self.assertFalse(self.sop.effective_revision_id)
        with self.assertRaisesRegex(UserError, "Making obsolete is not possible"):
            revision.action_obsolete()
        with self.assertRaisesRegex(UserError, "is closed"):
            revision.write({"review_date": fields.Date.today()})

    def test_only_draft_deleted(self):
        draft = self.new_revision(code="A")
        submitted = self.new_revision(code="B")
        submitted.action_submit()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            submitted.unlink()
        draft.unlink()
        self.assertFalse(draft.exists())

    def test_signed_revision_cannot_be_deleted(self):
        revision = self.new_revision()
        revision.action_submit()
        self.sign(revision, self.reviewer, "reviewed")
        with self.assertRaises(UserError):
            revision.unlink()

    def test_download_verifies_checksum(self):
        revision = self.make_effective(code="A")
        action = revision.with_user(self.outsider).action_download()
        self.assertEqual(action["url"], f"/md_regulatory/document_revision/{revision.id}/download")
        self.assertEqual(revision._md_verified_file(), b"%PDF-1.4 controlled content")
        # The stored file is altered behind the revision's back (filestore, attachment API).
        revision._md_file_attachment().write({"raw": b"%PDF-1.4 tampered content"})
        with self.assertRaisesRegex(UserError, "does not match its checksum"):
            revision.action_download()

    def test_periodic_review_reminder(self):
        today = fields.Date.today()
        revision = self.make_effective(code="A", review_date=today + timedelta(days=20))
        far = self.make_effective(self.wi, code="A", review_date=today + timedelta(days=200))
        Revision = self.env["md.document.revision"]
        self.assertEqual(Revision._cron_periodic_review() & (revision | far), revision)
        activity = revision.activity_ids
        self.assertEqual(activity.user_id, self.author)
        self.assertEqual(activity.date_deadline, revision.review_date)
        self.assertFalse(far.activity_ids)
        Revision._cron_periodic_review()
        self.assertEqual(len(revision.activity_ids), 1, "one reminder per review date")

    def test_document_number_unique(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError), self.env.cr.savepoint():
            self.env["md.document"].create({"number": "SOP-T-001", "name": "Copy", "document_type": "sop"})

    def test_user_cannot_create_documents(self):
        with self.assertRaises(AccessError):
            self.env["md.document"].with_user(self.outsider).create(
                {"number": "SOP-X", "name": "Unauthorised", "document_type": "sop"}
            )

    def test_other_company_documents_hidden(self):
        other = self.env["res.company"].create({"name": "Other MedDev Co"})
        foreign = self.env["md.document"].create(
            {"number": "SOP-OTHER", "name": "Foreign", "document_type": "sop", "company_id": other.id}
        )
        self.assertFalse(self.env["md.document"].with_user(self.outsider).search([("id", "=", foreign.id)]))


@tagged("post_install", "-at_install")
class TestDocumentLinks(MdDocumentCase):
    """The effective revision is what shows where the document is used."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workcenter = cls.env["mrp.workcenter"].create({"name": "Bonding bench"})
        cls.product = cls.env["product.product"].create({"name": "Infusion set T", "is_storable": True})
        cls.component = cls.env["product.product"].create({"name": "Tubing T", "is_storable": True})
        cls.bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.product.product_tmpl_id.id,
                "bom_line_ids": [Command.create({"product_id": cls.component.id, "product_qty": 1})],
                "operation_ids": [
                    Command.create(
                        {"name": "Bond", "workcenter_id": cls.workcenter.id, "time_cycle_manual": 5}
                    )
                ],
            }
        )
        cls.wi.write(
            {
                "product_tmpl_ids": [Command.set(cls.product.product_tmpl_id.ids)],
                "bom_ids": [Command.set(cls.bom.ids)],
                "operation_ids": [Command.set(cls.bom.operation_ids.ids)],
            }
        )

    def test_product_and_bom_show_effective_revision(self):
        template = self.product.product_tmpl_id
        self.assertEqual(template.md_effective_document_count, 0)
        revision = self.make_effective(self.wi, code="A")
        template.invalidate_recordset(["md_effective_document_count"])
        self.assertEqual(template.md_effective_document_count, 1)
        self.assertEqual(self.bom.md_effective_document_count, 1)
        action = template.action_md_view_documents()
        self.assertEqual(self.env["md.document.revision"].search(action["domain"]), revision)

    def test_workorder_shows_effective_work_instruction(self):
        first = self.make_effective(self.wi, code="A")
        production = self.env["mrp.production"].create({"product_id": self.product.id, "bom_id": self.bom.id})
        production.action_confirm()
        workorder = production.workorder_ids
        self.assertEqual(workorder.md_work_instruction_ids, first)
        second = self.make_effective(self.wi, code="B")
        workorder.invalidate_recordset(["md_work_instruction_ids"])
        self.assertEqual(workorder.md_work_instruction_ids, second)


@tagged("post_install", "-at_install")
class TestDocumentReport(MdDocumentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # wkhtmltopdf would wait for the stylesheets of a server that cannot answer during
        # the install run (see md_udi_trace's label tests); the text prints without them.
        cls.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:1")

    def test_pdf_carries_signature_manifestation(self):
        """21 CFR 11.50: printed name, date and time with time zone, and meaning on the printout."""
        revision = self.make_effective(code="A")
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_context(tz="Asia/Shanghai", force_report_rendering=True)
            ._render_qweb_pdf("md_regulatory.action_report_md_document_revision", revision.ids)
        )
        document = pypdfium2.PdfDocument(pdf)
        text = " ".join(page.get_textpage().get_text_range() for page in document)
        document.close()
        text = " ".join(text.split())
        self.assertIn("SOP-T-001", text)
        self.assertIn(self.sha256(), text.replace(" ", ""))
        self.assertEqual(text.count("Electronic Signatures"), 1, "the manifestation is printed once")
        for signature in revision.md_signature_ids:
            self.assertIn(signature.signer_name, text)
            self.assertIn(signature.meaning_name, text)
            self.assertIn(signature.reason, text)
        self.assertIn("Asia/Shanghai", text)
