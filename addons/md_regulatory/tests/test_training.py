from datetime import timedelta

import psycopg2
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_document_common import MdDocumentCase


@tagged("post_install", "-at_install")
class TestTraining(MdDocumentCase):
    """ISO 13485 6.2: users of the assigned groups acknowledge each effective
    revision by e-signature ('trained'); overdue training is reported."""

    def training_of(self, revision, user):
        return revision.training_record_ids.filtered(lambda r: r.user_id == user)

    def test_effective_revision_requests_training(self):
        revision = self.make_effective(code="A")
        records = revision.training_record_ids
        self.assertEqual(records.user_id, self.trainee | self.colleague)
        self.assertEqual(set(records.mapped("state")), {"pending"})
        self.assertEqual(set(records.mapped("due_date")), {revision.effective_date + timedelta(days=10)})
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "md.training.record"), ("res_id", "in", records.ids)]
        )
        self.assertEqual(activities.user_id, records.user_id)
        self.assertEqual(set(activities.mapped("date_deadline")), set(records.mapped("due_date")))

    def test_no_training_before_effective(self):
        revision = self.make_effective(code="A", effective_date=fields.Date.today() + timedelta(days=3))
        self.assertEqual(revision.state, "approved")
        self.assertFalse(revision.training_record_ids)

    def test_trainee_signs_own_record(self):
        revision = self.make_effective(code="A")
        record = self.training_of(revision, self.trainee)
        record.with_user(self.trainee).md_sign("trained", self.password(self.trainee), "Read and understood")
        self.assertEqual(record.state, "trained")
        self.assertTrue(record.trained_on)
        self.assertFalse(
            self.env["mail.activity"].search(
                [("res_model", "=", "md.training.record"), ("res_id", "=", record.id)]
            )
        )
        self.assertEqual(record.md_signature_ids.meaning, "trained")

    def test_other_user_cannot_sign_training(self):
        revision = self.make_effective(code="A")
        record = self.training_of(revision, self.trainee)
        with self.assertRaisesRegex(UserError, "Only the trainee"):
            record.with_user(self.author).md_sign("trained", self.password(self.author), "On behalf")
        self.assertEqual(record.state, "pending")

    def test_training_signed_only_as_trained(self):
        revision = self.make_effective(code="A")
        record = self.training_of(revision, self.trainee)
        with self.assertRaises(UserError):
            record.with_user(self.trainee).md_sign("approved", self.password(self.trainee), "Approve")

    def test_trained_record_not_signed_twice(self):
        revision = self.make_effective(code="A")
        record = self.training_of(revision, self.trainee)
        record.with_user(self.trainee).md_sign("trained", self.password(self.trainee), "Read")
        with self.assertRaises(UserError):
            record.with_user(self.trainee).md_sign("trained", self.password(self.trainee), "Again")

    def test_overdue_report(self):
        revision = self.make_effective(code="A")
        Training = self.env["md.training.record"]
        self.assertFalse(Training.search([("is_overdue", "=", True), ("revision_id", "=", revision.id)]))
        self.training_of(revision, self.colleague).with_user(self.colleague).md_sign(
            "trained", self.password(self.colleague), "Read"
        )
        with freeze_time(revision.effective_date + timedelta(days=11)):
            Training.invalidate_model(["is_overdue"])
            overdue = Training.search([("is_overdue", "=", True), ("revision_id", "=", revision.id)])
            self.assertEqual(overdue.user_id, self.trainee)
            self.assertEqual(overdue.days_overdue, 1)
            self.assertEqual(
                Training.search([("is_overdue", "=", False), ("revision_id", "=", revision.id)]).user_id,
                self.colleague,
            )

    def test_superseding_cancels_pending_training(self):
        first = self.make_effective(code="A")
        self.training_of(first, self.colleague).with_user(self.colleague).md_sign(
            "trained", self.password(self.colleague), "Read"
        )
        second = self.make_effective(code="B")
        self.assertEqual(self.training_of(first, self.trainee).state, "cancelled")
        self.assertEqual(self.training_of(first, self.colleague).state, "trained")
        self.assertEqual(set(second.training_record_ids.mapped("state")), {"pending"})

    def test_trainee_sees_only_own_records(self):
        revision = self.make_effective(code="A")
        visible = (
            self.env["md.training.record"].with_user(self.trainee).search([("revision_id", "=", revision.id)])
        )
        self.assertEqual(visible.user_id, self.trainee)
        manager_view = (
            self.env["md.training.record"]
            .with_user(self.approver)
            .search([("revision_id", "=", revision.id)])
        )
        self.assertEqual(len(manager_view), 2)

    def test_training_records_not_writable(self):
        revision = self.make_effective(code="A")
        record = self.training_of(revision, self.trainee)
        with self.assertRaises(AccessError):
            record.with_user(self.trainee).write({"state": "trained"})
        with self.assertRaises(AccessError):
            record.with_user(self.approver).write({"state": "trained"})

    def test_one_record_per_trainee_and_revision(self):
        revision = self.make_effective(code="A")
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError), self.env.cr.savepoint():
            self.env["md.training.record"].create(
                {"revision_id": revision.id, "user_id": self.trainee.id, "due_date": fields.Date.today()}
            )
