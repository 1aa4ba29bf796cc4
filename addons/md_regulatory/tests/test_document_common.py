import base64
import hashlib

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

PASSWORD_SUFFIX = "-Pw1!"


class MdDocumentCase(TransactionCase):
    """An SOP and a work instruction, an author, a reviewer (inspector), an
    approver (quality manager) and trainees in a training group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.author = cls._user("md_doc_author", "md_base.group_md_quality_manager")
        cls.reviewer = cls._user("md_doc_reviewer", "md_base.group_md_quality_inspector")
        cls.approver = cls._user("md_doc_approver", "md_base.group_md_quality_manager")
        cls.trainee = cls._user("md_doc_trainee", "md_base.group_md_user")
        cls.colleague = cls._user("md_doc_colleague", "md_base.group_md_user")
        cls.outsider = cls._user("md_doc_outsider", "md_base.group_md_user")
        cls.training_group = cls.env["res.groups"].create(
            {"name": "Assembly team", "users": [Command.set((cls.trainee | cls.colleague).ids)]}
        )
        Document = cls.env["md.document"].with_user(cls.author)
        cls.sop = Document.create(
            {
                "number": "SOP-T-001",
                "name": "Line clearance",
                "document_type": "sop",
                "owner_id": cls.author.id,
                "training_group_ids": [Command.set(cls.training_group.ids)],
                "training_days": 10,
            }
        )
        cls.wi = Document.create(
            {"number": "WI-T-001", "name": "Bond tubing", "document_type": "work_instruction"}
        )

    @classmethod
    def _user(cls, login, groups):
        return new_test_user(
            cls.env,
            login,
            groups=groups,
            name=login.replace("_", " ").title(),
            password=login + PASSWORD_SUFFIX,
        )

    @staticmethod
    def password(user):
        return user.login + PASSWORD_SUFFIX

    @staticmethod
    def file_b64(content=b"%PDF-1.4 controlled content"):
        return base64.b64encode(content)

    @staticmethod
    def sha256(content=b"%PDF-1.4 controlled content"):
        return hashlib.sha256(content).hexdigest()

    def new_revision(self, document=None, code="A", **vals):
        values = {
            "document_id": (document or self.sop).id,
            "name": code,
            "change_description": "Initial issue",
            "file": self.file_b64(),
            "file_name": "sop.pdf",
        }
        values.update(vals)
        return self.env["md.document.revision"].with_user(self.author).create(values)

    def sign(self, revision, user, meaning):
        return revision.with_user(user).md_sign(meaning, self.password(user), f"{meaning} by {user.login}")

    def make_effective(self, document=None, code="A", **vals):
        revision = self.new_revision(document, code, **vals)
        revision.action_submit()
        self.sign(revision, self.reviewer, "reviewed")
        self.sign(revision, self.approver, "approved")
        return revision
