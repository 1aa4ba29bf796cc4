from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .capa_common import MdCapaCase

ACTION_ACTIVITY = "md_quality.md_activity_capa_action"
EFFECTIVENESS_ACTIVITY = "md_quality.md_activity_capa_effectiveness"


@tagged("post_install", "-at_install")
class TestCapa(MdCapaCase):
    """ISO 13485 8.5.2 / 8.5.3: cause, actions, effectiveness, signed closure."""

    def test_sequence_and_risk(self):
        capa = self.new_capa()
        self.assertRegex(capa.name, r"^CAPA/\d{4}/\d{4}$")
        self.assertEqual(capa.state, "draft")
        # Severity 4 x occurrence 3 = 12: high.
        self.assertEqual((capa.rpn, capa.risk_level), (12, "high"))
        capa.write({"severity": "2", "occurrence": "3"})
        self.assertEqual((capa.rpn, capa.risk_level), (6, "medium"))
        capa.write({"severity": "1", "occurrence": "5"})
        self.assertEqual((capa.rpn, capa.risk_level), (5, "low"))

    def test_workflow_fields_not_writable(self):
        capa = self.new_capa()
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            capa.write({"state": "closed"})
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            self.new_capa(state="closed")
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            self.new_capa(effectiveness_result="effective")

    def test_implementation_needs_root_cause_and_action(self):
        capa = self.new_capa()
        capa.action_start_investigation()
        with self.assertRaisesRegex(UserError, "root cause"):
            capa.action_implement()
        # A 5-why chain with an unanswered why is not a root cause yet.
        capa.write(
            {
                "why_ids": [
                    Command.create(
                        {"sequence": 1, "why": "Why did the tubing kink?", "answer": "Softer resin"}
                    ),
                    Command.create({"sequence": 2, "why": "Why was the resin softer?"}),
                ]
            }
        )
        with self.assertRaisesRegex(UserError, "root cause"):
            capa.action_implement()
        capa.why_ids[1].answer = "The supplier changed the grade without notice"
        with self.assertRaisesRegex(UserError, "at least one action"):
            capa.action_implement()
        capa.action_ids = [
            Command.create(
                {
                    "name": "Supplier change notification clause",
                    "user_id": self.owner.id,
                    "date_due": self.today,
                }
            )
        ]
        capa.action_implement()
        self.assertEqual(capa.state, "implementation")
        # the next step in implementation: the open actions, not only a signature
        next_step = capa.action_view_open_actions()
        self.assertEqual(self.env["md.quality.capa.action"].search(next_step["domain"]), capa.action_ids)
        self.assertEqual(capa.open_action_count, 1)

    def test_fishbone_root_cause_category(self):
        capa = self.new_capa()
        capa.cause_ids = [
            Command.create({"sequence": 1, "category": "method", "name": "Work instruction unclear"}),
            Command.create(
                {"sequence": 2, "category": "material", "name": "Resin grade", "is_root_cause": True}
            ),
        ]
        self.assertEqual(capa.root_cause_category, "material")

    def test_action_creates_activity_for_owner(self):
        capa = self.investigated(self.new_capa())
        action = capa.action_ids
        activity = action.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.env.ref(ACTION_ACTIVITY))
        self.assertEqual(activity.user_id, self.owner)
        self.assertEqual(activity.date_deadline, action.date_due)
        # A new owner or due date moves the activity.
        action.write({"user_id": self.inspector.id, "date_due": self.today + timedelta(days=3)})
        self.assertEqual(action.activity_ids.user_id, self.inspector)
        self.assertEqual(action.activity_ids.date_deadline, self.today + timedelta(days=3))

    def test_action_done_needs_evidence_and_owner(self):
        capa = self.investigated(self.new_capa())
        action = capa.action_ids
        with self.assertRaisesRegex(UserError, "evidence"):
            action.with_user(self.owner).action_done()
        action.with_user(self.owner).write({"evidence_note": "Spec rev. C"})
        with self.assertRaises(AccessError):
            action.with_user(self.owner).write({"date_due": self.today})
        with self.assertRaises(AccessError):
            action.with_user(self.regulatory).action_done()
        action.with_user(self.owner).action_done()
        self.assertEqual((action.state, action.done_by_id), ("done", self.owner))
        self.assertFalse(action.activity_ids)
        with self.assertRaisesRegex(UserError, "is closed"):
            action.write({"name": "Changed afterwards"})

    def test_effectiveness_scheduled_when_actions_complete(self):
        capa = self.investigated(self.new_capa(effectiveness_days=30))
        self.assertEqual(capa.state, "implementation")
        self.complete_actions(capa)
        self.assertEqual(capa.state, "effectiveness")
        self.assertEqual(capa.effectiveness_due_date, self.today + timedelta(days=30))
        check = capa.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(EFFECTIVENESS_ACTIVITY)
        )
        self.assertEqual((check.user_id, check.date_deadline), (self.author, self.today + timedelta(days=30)))
        # Not before the set period.
        capa.effectiveness_note = "No kinks in 5 lots"
        with self.assertRaisesRegex(UserError, "after the set period"):
            capa.action_effective()

    def test_new_action_during_check_returns_to_implementation(self):
        capa = self.investigated(self.new_capa())
        self.complete_actions(capa)
        self.assertEqual(capa.state, "effectiveness")
        capa.action_ids = [
            Command.create({"name": "Train operators", "user_id": self.owner.id, "date_due": self.today})
        ]
        self.assertEqual(capa.state, "implementation")
        self.assertFalse(capa.effectiveness_due_date)
        self.complete_actions(capa)
        self.assertEqual(capa.state, "effectiveness")

    def test_not_effective_reopens(self):
        capa = self.investigated(self.new_capa())
        self.complete_actions(capa)
        with self.assertRaisesRegex(UserError, "effectiveness evidence"):
            capa.action_not_effective()
        capa.effectiveness_note = "Kinks found again in lot 7"
        capa.action_not_effective()
        self.assertEqual((capa.state, capa.effectiveness_result), ("investigation", "not_effective"))
        self.assertEqual(capa.effectiveness_checked_by_id, self.author)
        # Back to implementation only with a new action; then a new check is scheduled.
        with self.assertRaisesRegex(UserError, "Plan a new action"):
            capa.action_implement()
        capa.action_ids = [
            Command.create(
                {"name": "Incoming OD check per reel", "user_id": self.owner.id, "date_due": self.today}
            )
        ]
        capa.action_implement()
        self.complete_actions(capa)
        self.assertEqual((capa.state, capa.effectiveness_result), ("effectiveness", False))

    def test_closure_refused_with_open_actions(self):
        capa = self.investigated(self.new_capa())
        self.complete_actions(capa)
        capa.effectiveness_note = "No kinks in 5 lots"
        capa.action_effective()
        # An action added after the result reopens implementation: closing is refused.
        capa.action_ids = [
            Command.create({"name": "Audit supplier", "user_id": self.owner.id, "date_due": self.today})
        ]
        with self.assertRaisesRegex(UserError, "still has 1 open actions"):
            self.sign(capa, self.manager, "closed")
        with self.assertRaisesRegex(UserError, "still has 1 open actions"):
            capa.with_user(self.manager).action_close()
        self.assertEqual(capa.open_action_count, 1)

    def test_closure_refused_without_effectiveness(self):
        capa = self.investigated(self.new_capa())
        self.complete_actions(capa)
        with self.assertRaisesRegex(UserError, "no effectiveness result"):
            self.sign(capa, self.manager, "closed")
        with self.assertRaisesRegex(UserError, "no effectiveness result"):
            capa.with_user(self.manager).action_close()

    def test_closure_refused_for_author_and_non_manager(self):
        capa = self.investigated(self.new_capa(user=self.manager_author), user=self.manager_author)
        self.complete_actions(capa)
        capa.effectiveness_note = "No kinks in 5 lots"
        capa.action_effective()
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            self.sign(capa, self.manager_author, "closed")
        with self.assertRaises(AccessError):
            self.sign(capa, self.inspector, "closed")
        # The rule requires the signature: the close button alone is refused.
        with self.assertRaisesRegex(UserError, "signed electronically"):
            capa.with_user(self.manager).action_close()
        with self.assertRaises(AccessError):
            capa.with_user(self.inspector).action_close()
        self.assertEqual(capa.state, "effectiveness")

    def test_signed_closure(self):
        capa = self.investigated(self.new_capa())
        self.complete_actions(capa)
        capa.effectiveness_note = "No kinks in 5 lots"
        capa.action_effective()
        self.sign(capa, self.manager, "closed")
        self.assertEqual((capa.state, capa.date_closed), ("closed", self.today))
        self.assertEqual(capa.time_to_close_days, 0)
        with self.assertRaisesRegex(UserError, "is closed"):
            capa.write({"title": "Rewritten"})
        with self.assertRaisesRegex(UserError, f"{capa.name} is closed"):
            capa.cause_ids.write({"name": "Other cause"})

    def test_time_to_close_stored(self):
        capa = self.new_capa(date_opened=self.today - timedelta(days=40))
        capa = self.investigated(capa)
        self.complete_actions(capa)
        capa.effectiveness_note = "No kinks"
        capa.action_effective()
        self.sign(capa, self.manager, "closed")
        self.assertEqual(capa.time_to_close_days, 40)
        self.assertIn("time_to_close_days", self.env["md.quality.capa"]._fields)
        self.assertTrue(self.env["md.quality.capa"]._fields["time_to_close_days"].store)

    def test_overdue_kpi_and_search(self):
        overdue = self.new_capa(date_due=self.today - timedelta(days=1))
        on_time = self.new_capa(date_due=self.today + timedelta(days=5))
        self.assertTrue(overdue.is_overdue)
        self.assertFalse(on_time.is_overdue)
        Capa = self.env["md.quality.capa"]
        found = Capa.search([("is_overdue", "=", True), ("id", "in", (overdue | on_time).ids)])
        self.assertEqual(found, overdue)
        found = Capa.search([("is_overdue", "=", False), ("id", "in", (overdue | on_time).ids)])
        self.assertEqual(found, on_time)

    def test_recurrence_same_product_and_category(self):
        def with_root(capa, category):
            capa.cause_ids = [Command.create({"category": category, "name": "cause", "is_root_cause": True})]
            return capa

        first = with_root(self.new_capa(date_opened=self.today - timedelta(days=100)), "material")
        second = with_root(self.new_capa(date_opened=self.today - timedelta(days=10)), "material")
        third = with_root(self.new_capa(), "material")
        other_category = with_root(self.new_capa(), "method")
        too_old = with_root(self.new_capa(date_opened=self.today - timedelta(days=500)), "material")
        other_product = with_root(self.new_capa(product_id=False), "material")
        capas = first | second | third | other_category | too_old | other_product
        capas.invalidate_recordset(["recurrence_count"])
        self.assertEqual(
            [capa.recurrence_count for capa in capas],
            [0, 1, 2, 0, 0, 0],
        )
        self.env["ir.config_parameter"].set_param("md_quality.capa_recurrence_days", "30")
        capas.invalidate_recordset(["recurrence_count"])
        self.assertEqual(third.recurrence_count, 1)

    def test_access_rights(self):
        with self.assertRaises(AccessError):
            self.new_capa(user=self.owner)
        capa = self.new_capa()
        self.assertEqual(capa.with_user(self.owner).title, capa.title)
        with self.assertRaises(AccessError):
            capa.with_user(self.owner).write({"title": "Changed"})
        with self.assertRaises(AccessError):
            capa.with_user(self.inspector).action_cancel()
        capa.with_user(self.manager).action_cancel()
        self.assertEqual(capa.state, "cancelled")

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Other MedCo"})
        capa = self.new_capa()
        capa.sudo().company_id = other
        user = self.author
        self.assertFalse(self.env["md.quality.capa"].with_user(user).search([("id", "=", capa.id)]))
