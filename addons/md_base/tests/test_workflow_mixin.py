from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MdBaseTesterCase


@tagged("post_install", "-at_install")
class TestWorkflowMixin(MdBaseTesterCase):
    """md.workflow.mixin on the tester models: 21 CFR 11.10(f) permitted sequencing of steps,
    ISO 13485:2016 4.2.5 control of records, whatever the path a caller takes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_user = cls._user("md_other", "base.group_user")

    # --- creation -------------------------------------------------------------------

    def test_created_in_first_state_only(self):
        self.assertEqual(self.new_tester().state, "draft")
        self.assertEqual(self.new_tester(state="draft").state, "draft", "the first state may be given")
        for state in ("review", "released", "cancelled"):
            with self.assertRaisesRegex(UserError, "follow its workflow"):
                self.new_tester(state=state)

    def test_context_default_cannot_create_in_later_state(self):
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            self.Tester.with_context(default_state="released").create({"name": "T", "reason": "R"})
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            self.Tester.with_context(default_released_by_id=self.other_user.id).create(
                {"name": "T", "reason": "R"}
            )

    def test_transition_fields_cannot_be_given_at_creation(self):
        for field, value in (
            ("placed_by_id", self.other_user.id),
            ("released_by_id", self.other_user.id),
            ("released_at", "2020-01-01 00:00:00"),
            ("release_reason", "backdated"),
        ):
            with self.assertRaisesRegex(UserError, "follow its workflow"):
                self.new_tester(**{field: value})
        self.assertEqual(self.new_tester().placed_by_id, self.env.user, "set by its default, by the system")

    def test_workflow_method_creates_in_later_state(self):
        tester = self.Tester._md_create_transition([{"name": "T", "reason": "R", "state": "review"}])
        self.assertEqual(tester.state, "review")

    # --- writing the state and the transition fields --------------------------------

    def test_state_written_only_by_transitions(self):
        tester = self.new_tester()
        for state in ("review", "released", "cancelled"):
            for env in (self.env, self.env(su=True)):
                with self.assertRaisesRegex(UserError, "change only through the workflow"):
                    tester.with_env(env).write({"state": state})
        tester.action_submit()
        self.assertEqual(tester.state, "review")
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            tester.write({"state": "draft"})

    def test_transition_fields_written_only_by_transitions(self):
        tester = self.new_tester()
        for field, value in (
            ("released_by_id", self.other_user.id),
            ("released_at", "2020-01-01 00:00:00"),
            ("placed_by_id", self.other_user.id),
        ):
            with self.assertRaisesRegex(UserError, "change only through the workflow"):
                tester.write({field: value})
        tester.write({"state": "draft", "placed_by_id": self.env.user.id})  # unchanged values pass
        self.assertEqual(tester.state, "draft")

    def test_no_context_key_opens_a_transition(self):
        tester = self.new_tester()
        keys = {"md_transition": True, "md_workflow_transition": True, "md_inspection_decision": True}
        with self.assertRaises(UserError):
            tester.with_context(**keys).write({"state": "released"})

    def test_transition_opens_only_the_records_it_names(self):
        tester, other = self.new_tester(), self.new_tester(name="T-2")
        with tester._md_transition():
            tester.write({"state": "review"})
            with self.assertRaisesRegex(UserError, "change only through the workflow"):
                other.write({"state": "review"})
        self.assertEqual((tester.state, other.state), ("review", "draft"))

    def test_transition_closes_after_its_block_even_on_error(self):
        tester = self.new_tester()
        with self.assertRaisesRegex(ValueError, "boom"), tester._md_transition():
            raise ValueError("boom")
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            tester.write({"state": "review"})

    # --- content ------------------------------------------------------------------------

    def test_create_only_fields_fixed(self):
        tester = self.new_tester()
        company = self.env["res.company"].create({"name": "Other Company"})
        with self.assertRaisesRegex(UserError, "fixed once the record exists"):
            tester.write({"company_id": company.id})

    def test_field_editable_only_in_its_states(self):
        tester = self.new_tester()
        tester.description = "draft content"
        tester.action_submit()
        with self.assertRaisesRegex(UserError, "can be changed only while it is Draft"):
            tester.description = "changed in review"
        self.assertEqual(tester.description, "draft content")

    def test_closed_record_is_read_only_but_its_editable_fields(self):
        tester = self.new_tester()
        tester._md_release("Retested, conforming")
        with self.assertRaisesRegex(UserError, "is closed"):
            tester.write({"name": "T-renamed"})
        tester.note = "Filed in the batch record"
        tester.message_post(body="A comment stays possible")
        self.assertEqual(tester.note, "Filed in the batch record")

    def test_copy_starts_a_new_lifecycle(self):
        tester = self.new_tester()
        tester._md_release("Released")
        copy = tester.copy()
        self.assertEqual(copy.state, "draft")
        self.assertFalse(copy.released_by_id or copy.released_at or copy.release_reason)
        self.assertEqual(copy.placed_by_id, self.env.user)

    # --- deletion ---------------------------------------------------------------------

    def test_deleted_only_in_first_state(self):
        draft = self.new_tester()
        draft.unlink()
        self.assertFalse(draft.exists())
        review = self.new_tester()
        review.action_submit()
        cancelled = self.new_tester()
        cancelled.action_cancel()
        for record in (review, cancelled):
            with self.assertRaisesRegex(UserError, "cannot be deleted"):
                record.unlink()

    def test_uninstall_flag_from_a_caller_does_not_open_deletion(self):
        """Odoo marks a module uninstall with a context key; a caller sending it is not one."""
        review = self.new_tester()
        review.action_submit()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            review.with_context(_force_unlink=True).unlink()
        signature_free = self.env["md.audit.entry"].search([], limit=1)
        if signature_free:
            with self.assertRaisesRegex(UserError, "cannot be deleted"):
                signature_free.with_context(_force_unlink=True).unlink()

    def test_record_named_by_signed_content_cannot_be_deleted(self):
        tester = self.new_tester()
        line = self.env["md.base.tester.line"].create({"tester_id": tester.id, "value": 1.0})
        signer = self._user("md_workflow_signer", "md_base.group_md_quality_manager")
        self.env["md.signature.rule"].create(
            {
                "model_id": self.env["ir.model"]._get("md.base.tester").id,
                "meaning_id": self.env.ref("md_base.md_signature_meaning_reviewed").id,
                "group_ids": [(6, 0, self.env.ref("md_base.group_md_quality_manager").ids)],
                "author_may_sign": True,
            }
        )
        self.env["ir.model.access"].create(
            {
                "name": "tester signer",
                "model_id": self.env["ir.model"]._get("md.base.tester").id,
                "perm_read": True,
            }
        )
        tester.with_user(signer).md_sign("reviewed", self.password(signer), "Reviewed")
        with self.assertRaisesRegex(UserError, "signed record .* rests on it"):
            line.unlink()
        with self.assertRaisesRegex(UserError, "signed content cannot be changed"):
            self.env["md.base.tester.line"].create({"tester_id": tester.id, "value": 2.0})

    # --- lines --------------------------------------------------------------------------

    def test_lines_follow_their_parent(self):
        Line = self.env["md.base.tester.line"]
        tester = self.new_tester()
        line = Line.create({"tester_id": tester.id, "value": 1.0})
        line.value = 2.0
        spare = Line.create({"tester_id": tester.id, "value": 3.0})
        spare.unlink()  # the parent is still in its first state
        tester._md_release("Released")
        with self.assertRaisesRegex(UserError, "is closed"):
            line.value = 5.0
        with self.assertRaisesRegex(UserError, "no longer takes changes of its lines"):
            Line.create({"tester_id": tester.id, "value": 4.0})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            line.unlink()

    def test_lines_are_kept_once_the_parent_left_its_first_state(self):
        tester = self.new_tester()
        line = self.env["md.base.tester.line"].create({"tester_id": tester.id, "value": 1.0})
        tester.action_submit()
        line.value = 1.5  # still open: changes are audited, not refused
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            line.unlink()

    def test_line_with_a_recorded_transition_is_kept(self):
        tester = self.new_tester()
        line = self.env["md.base.tester.line"].create({"tester_id": tester.id, "value": 1.0})
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            line.recorded_at = "2020-01-01 00:00:00"
        line.action_record()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            line.unlink()

    def test_parent_transition_opens_its_lines(self):
        tester = self.new_tester()
        line = self.env["md.base.tester.line"].create({"tester_id": tester.id, "value": 1.0})
        with tester._md_transition():
            line.recorded_at = "2020-01-01 00:00:00"
        self.assertTrue(line.recorded_at)

    def test_parent_states_limit_lines(self):
        Task = self.env["md.base.tester.task"]
        tester = self.new_tester()
        task = Task.create({"tester_id": tester.id, "name": "Check"})
        tester.action_submit()
        Task.create({"tester_id": tester.id, "name": "Review check"}).unlink()
        task.name = "Check again"
        tester.action_cancel()
        with self.assertRaisesRegex(UserError, "no longer takes changes of its lines"):
            Task.create({"tester_id": tester.id, "name": "Late"})
        with self.assertRaisesRegex(UserError, "is closed"):
            task.name = "Too late"

    # --- computed states ----------------------------------------------------------------

    def test_computed_state_follows_its_transition_only(self):
        Computed = self.env["md.base.tester.computed"]
        record = Computed.create({"name": "Certificate"})
        self.assertEqual(record.state, "draft")
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            record.write({"state": "valid"})
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            Computed.create({"name": "Forged", "state": "valid"})
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            Computed.create({"name": "Forged", "state": "draft"})
        record.action_approve()
        self.assertEqual(record.state, "valid")

    # --- messages and introspection ---------------------------------------------------

    def test_check_state_names_the_records_and_states(self):
        tester = self.new_tester(name="T-9")
        tester.action_cancel()
        with self.assertRaisesRegex(UserError, r"Submitting is not possible for T-9 \(state: Cancelled\)"):
            tester.action_submit()

    def test_workflow_spec(self):
        spec = self.Tester._md_workflow_spec()
        self.assertEqual(spec["state_field"], "state")
        self.assertEqual(spec["initial_state"], "draft")
        self.assertEqual(spec["closed_states"], ["cancelled", "released"])
        self.assertEqual(spec["field_states"], {"description": ["draft"]})
        self.assertIn("released_by_id", spec["transition_fields"])
        line_spec = self.env["md.base.tester.line"]._md_workflow_spec()
        self.assertEqual((line_spec["state_field"], line_spec["parent_field"]), (None, "tester_id"))
