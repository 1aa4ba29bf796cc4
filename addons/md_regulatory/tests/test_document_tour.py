from odoo.tests import HttpCase, tagged

from .test_document_common import MdDocumentCase


@tagged("post_install", "-at_install")
class TestDocumentHttp(HttpCase, MdDocumentCase):
    """The signing dialog on a document revision, and the verified download."""

    def test_sign_revision_with_password_dialog(self):
        approver = self._user("md_doc_tour_approver", "md_base.group_md_quality_manager")
        revision = self.new_revision()
        revision.action_submit()
        self.sign(revision, self.reviewer, "reviewed")
        action = self.env.ref("md_regulatory.action_md_document_revision")
        self.start_tour(
            f"/odoo/action-{action.id}/{revision.id}", "md_document_sign_tour", login="md_doc_tour_approver"
        )
        self.assertEqual(revision.state, "effective")
        approval = revision.md_signature_ids.filtered(lambda s: s.meaning == "approved")
        self.assertEqual(approval.signer_id, approver)
        self.assertEqual(approval.reason, "Procedure adequate for release")

    def test_download_controller_verifies_checksum(self):
        revision = self.make_effective()
        url = f"/md_regulatory/document_revision/{revision.id}/download"
        self.authenticate(self.outsider.login, self.password(self.outsider))
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"%PDF-1.4 controlled content")
        self.assertIn("sop.pdf", response.headers["Content-Disposition"])
        revision._md_file_attachment().write({"raw": b"%PDF-1.4 tampered content"})
        response = self.url_open(url)
        self.assertEqual(response.status_code, 409)
        self.assertIn("does not match its checksum", response.text)

    def test_download_controller_other_company_not_found(self):
        other = self.env["res.company"].create({"name": "Other Docs Co"})
        self.sop.company_id = other
        revision = self.env["md.document.revision"].create(
            {"document_id": self.sop.id, "name": "A", "change_description": "Issue", "file": self.file_b64()}
        )
        self.authenticate(self.outsider.login, self.password(self.outsider))
        response = self.url_open(f"/md_regulatory/document_revision/{revision.id}/download")
        self.assertEqual(response.status_code, 404)
