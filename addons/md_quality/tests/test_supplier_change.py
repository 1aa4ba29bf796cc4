from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .supplier_common import PASSWORD_SUFFIX, MdSupplierQualityCase


@tagged("post_install", "-at_install")
class TestSupplierChange(MdSupplierQualityCase):
    """A supplier's change notice (ISO 13485:2016 7.4.1, 7.4.2): assessed by supplier quality, the
    supplier's approvals of the affected products pending re-qualification until the signed decision."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sqe = cls._user("md_scn_sqe", "md_base.group_md_quality_inspector")
        cls.reviewer = cls._user("md_scn_reviewer", "md_base.group_md_quality_inspector")
        cls.md_user = new_test_user(cls.env, "md_scn_user", groups="md_base.group_md_user")
        cls.buyer = new_test_user(cls.env, "md_scn_buyer", groups="purchase.group_purchase_user")
        cls.employee = new_test_user(cls.env, "md_scn_employee", groups="base.group_user")

    # --- helpers ---------------------------------------------------------------

    def setUp(self):
        super().setUp()
        # In force before the notice: the component's own entry and a category entry covering it;
        # the pouch (another product) and another supplier's entry are not concerned.
        self.own = self.approve(self.new_approval(product=self.component))
        self.by_category = self.approve(self.new_approval(category=self.category, decision="conditional"))
        self.pouch_entry = self.approve(self.new_approval(product=self.pouch))
        self.other_entry = self.approve(
            self.new_approval(product=self.component, partner=self.other_supplier)
        )

    def new_notice(self, user=None, products=None, **vals):
        values = {
            "partner_id": self.supplier.id,
            "change_type": "sub_supplier",
            "description": "The resin of the tubing compound comes from a second producer.",
            "product_ids": [Command.set((products or self.component).ids)],
        }
        values.update(vals)
        return self.env["md.quality.supplier.change"].with_user(user or self.sqe).create(values)

    def in_assessment(self, **vals):
        notice = self.new_notice(**vals)
        notice.action_start_assessment()
        return notice

    def assess(self, notice, affects="no", **vals):
        notice.write(
            {"affects_devices": affects, "assessment": "Same grade; first-article data reviewed.", **vals}
        )
        return notice

    def approved_change_request(self, notice):
        notice.action_create_change_request()
        change = notice.change_id
        change.with_user(self.sqe).write({"stock_decision": "use_up"})
        change.with_user(self.sqe).action_submit()
        change.with_user(self.sqe).action_request_approval()
        change.with_user(self.reviewer).md_sign(
            "reviewed", self.reviewer.login + PASSWORD_SUFFIX, "Reviewed", login=self.reviewer.login
        )
        self.sign(change, "approved", self.manager)
        if change.state == "approval":
            change.with_user(self.manager).action_approve()
        return change

    def confirm_order(self, product):
        order = self.new_order(product)
        order.button_confirm()
        return order

    # --- the approvals put back ----------------------------------------------------

    def test_assessment_puts_back_the_covering_entries_and_the_gate_refuses(self):
        pending = self.new_approval(product=self.component)
        notice = self.in_assessment()
        self.assertEqual(notice.state, "assessment")
        self.assertTrue(notice.name.startswith("SCN/"))
        self.assertEqual(notice.approval_ids, self.own | self.by_category)
        self.assertEqual(set((self.own | self.by_category).mapped("state")), {"requalification"})
        self.assertFalse(self.own.is_valid_today)
        self.assertEqual(self.pouch_entry.state, "approved", "another product stays in force")
        self.assertEqual(self.other_entry.state, "approved", "another supplier stays in force")
        self.assertEqual(pending.state, "pending", "an entry not in force is not put back")
        self.own.invalidate_recordset(["supplier_change_ids"])
        self.assertEqual(self.own.supplier_change_ids, notice)
        with self.assertRaisesRegex(UserError, "not approved for"):
            self.confirm_order(self.component)
        self.assertEqual(self.confirm_order(self.pouch).state, "purchase")

    def test_assessment_needs_products_and_starts_once(self):
        notice = self.new_notice(product_ids=[Command.clear()])
        with self.assertRaisesRegex(UserError, "Give the products"):
            notice.action_start_assessment()
        notice.product_ids = [Command.set(self.component.ids)]
        notice.action_start_assessment()
        with self.assertRaisesRegex(UserError, "not possible"):
            notice.action_start_assessment()

    def test_accepted_without_impact_restores_the_entries(self):
        notice = self.in_assessment()
        with self.assertRaisesRegex(UserError, "Complete the assessment"):
            self.sign(notice, "approved", self.manager)
        self.assess(notice, "no")
        action = notice.with_user(self.manager).action_accept()
        self.assertEqual(action["res_model"], "md.sign.wizard")
        self.sign(notice, "approved", self.manager, reason="No effect on our devices")
        self.assertEqual(notice.state, "closed")
        self.assertEqual(notice.decision_by_id, self.manager)
        self.assertEqual(notice.decision_reason, "No effect on our devices")
        self.assertEqual(self.own.state, "approved")
        self.assertEqual(self.by_category.state, "conditional")
        self.assertEqual(self.confirm_order(self.component).state, "purchase")

    def test_change_affecting_devices_needs_an_approved_change_request(self):
        notice = self.in_assessment()
        self.assess(notice, "yes")
        with self.assertRaisesRegex(UserError, "the risk"):
            self.sign(notice, "approved", self.manager)
        notice.risk = "medium"
        with self.assertRaisesRegex(UserError, "change request must be approved"):
            self.sign(notice, "approved", self.manager)
        notice.action_create_change_request()
        change = notice.change_id
        self.assertEqual(change.change_type, "material")
        self.assertEqual(change.supplier_ids, self.supplier)
        self.assertEqual(change.product_tmpl_ids, self.component.product_tmpl_id)
        self.assertEqual(change.supplier_change_ids, notice)
        with self.assertRaisesRegex(UserError, "already has a change request"):
            notice.action_create_change_request()
        with self.assertRaisesRegex(UserError, "change request must be approved"):
            self.sign(notice, "approved", self.manager)
        self.assertEqual(self.own.state, "requalification")

    def test_accepted_after_change_control(self):
        notice = self.in_assessment()
        self.assess(notice, "yes", risk="medium")
        self.approved_change_request(notice)
        self.assertEqual(notice.change_state, "implementation")
        self.sign(notice, "approved", self.manager)
        self.assertEqual(notice.state, "accepted")
        self.assertEqual(self.own.state, "approved")

    def test_no_change_request_without_impact(self):
        notice = self.assess(self.in_assessment(), "no")
        with self.assertRaisesRegex(UserError, "no change request is needed"):
            notice.action_create_change_request()
        with self.assertRaisesRegex(UserError, "not possible"):
            self.new_notice().action_create_change_request()

    def test_rejected_leaves_blocked_until_approved_again(self):
        notice = self.assess(self.in_assessment(), "yes", risk="high")
        self.sign(notice, "rejected", self.manager, reason="Resin not qualified for blood contact")
        self.assertEqual(notice.state, "rejected")
        self.assertEqual(self.own.state, "requalification")
        self.assertTrue(all(self.own.md_signature_ids.mapped("voided")), "the approval no longer stands")
        with self.assertRaisesRegex(UserError, "not approved for"):
            self.confirm_order(self.component)
        # Re-qualification is a new approval signature of the entry (ISO 13485 7.4.1).
        self.approve(self.own)
        self.assertEqual(self.own.state, "approved")
        # A later notice accepted restores what was re-approved; the rest stays blocked.
        later = self.assess(self.in_assessment(), "no")
        self.assertEqual(later.approval_ids, self.own | self.by_category)
        self.sign(later, "approved", self.manager)
        self.assertEqual(self.own.state, "approved")
        self.assertEqual(self.by_category.state, "pending", "its approval was voided by the rejection")

    def test_entry_held_until_every_notice_is_accepted(self):
        first = self.assess(self.in_assessment(), "no")
        second = self.assess(self.in_assessment(change_type="site"), "no")
        self.assertEqual(second.approval_ids, self.own | self.by_category, "held by both notices")
        pouch_notice = self.assess(self.in_assessment(products=self.pouch), "no")
        self.assertEqual(pouch_notice.approval_ids, self.pouch_entry | self.by_category)
        self.sign(pouch_notice, "approved", self.manager)
        self.assertEqual(self.pouch_entry.state, "approved")
        self.assertEqual(self.by_category.state, "requalification")
        self.sign(first, "approved", self.manager)
        self.assertEqual(self.own.state, "requalification", "the second notice is still assessed")
        with self.assertRaisesRegex(UserError, "not approved for"):
            self.confirm_order(self.component)
        self.sign(second, "approved", self.manager)
        self.assertEqual(self.own.state, "approved")
        self.assertEqual(self.by_category.state, "conditional")

    def test_approval_not_signed_while_a_change_is_assessed(self):
        pending = self.new_approval(product=self.component, valid_until=None)
        notice = self.in_assessment()
        with self.assertRaisesRegex(UserError, "under assessment"):
            self.approve(self.own)
        with self.assertRaisesRegex(UserError, "under assessment"):
            self.approve(pending)
        self.sign(self.assess(notice, "no"), "approved", self.manager)
        self.approve(pending)
        self.assertEqual(pending.state, "approved")

    def test_voided_approval_comes_back_pending(self):
        notice = self.in_assessment()
        self.own.with_user(self.manager).write({"scope_notes": "Scope re-evaluated"})
        self.assertTrue(self.own.md_signature_ids.voided)
        self.sign(self.assess(notice, "no"), "approved", self.manager)
        self.assertEqual(self.own.state, "pending", "no approval signature stands any more")

    # --- signatures ----------------------------------------------------------------------

    def test_decision_signed_by_a_quality_manager_not_the_author(self):
        notice = self.new_notice(user=self.manager)
        with self.assertRaisesRegex(UserError, "not possible"):
            self.sign(notice, "approved", self.author)
        notice.with_user(self.manager).action_start_assessment()
        self.assess(notice, "no")
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            self.sign(notice, "approved", self.manager)
        with self.assertRaises(AccessError):
            self.sign(notice, "approved", self.sqe)
        self.sign(notice, "approved", self.author)
        self.assertEqual(notice.state, "closed")
        with self.assertRaisesRegex(UserError, "not possible"):
            self.sign(notice, "rejected", self.author)

    # --- adversarial: plain write and create ---------------------------------------------

    def test_state_and_decision_not_written_directly(self):
        notice = self.new_notice()
        for user in (self.sqe, self.manager):
            for vals in (
                {"state": "assessment"},
                {"state": "accepted"},
                {"approval_ids": [Command.set(self.own.ids)]},
                {"decision_by_id": user.id},
                {"decision_on": "2026-01-01 00:00:00"},
            ):
                with self.assertRaisesRegex(UserError, "change only through the workflow"):
                    notice.with_user(user).write(vals)
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            self.new_notice(state="accepted")
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            self.new_notice(approval_ids=[Command.set(self.own.ids)])
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            self.env["md.quality.supplier.change"].with_user(self.sqe).with_context(
                default_state="closed"
            ).create(
                {
                    "partner_id": self.supplier.id,
                    "change_type": "site",
                    "description": "Move",
                    "product_ids": [Command.set(self.component.ids)],
                }
            )
        change = self.env["md.quality.change"].create(
            {"title": "Other", "description": "Other", "reason": "Other"}
        )
        assessed = self.in_assessment()
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            assessed.with_user(self.sqe).write({"change_id": change.id})
        # Nor through the change request's side of the link.
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            change.with_user(self.sqe).write({"supplier_change_ids": [Command.link(assessed.id)]})
        self.assertFalse(assessed.change_id)
        self.assertEqual(notice.state, "received")

    def test_approval_state_not_written_directly(self):
        self.in_assessment()
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            self.own.with_user(self.manager).write({"state": "approved"})
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            self.pouch_entry.with_user(self.manager).write({"state": "requalification"})
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            self.env["md.quality.supplier.approval"].with_user(self.manager).create(
                {
                    "partner_id": self.supplier.id,
                    "product_tmpl_id": self.plain.product_tmpl_id.id,
                    "state": "requalification",
                }
            )
        self.assertEqual(self.own.state, "requalification")
        self.assertEqual(self.pouch_entry.state, "approved")

    def test_scope_fixed_once_assessed_and_record_closed_once_decided(self):
        notice = self.in_assessment()
        with self.assertRaisesRegex(UserError, "only while it is Received"):
            notice.write({"product_ids": [Command.set(self.pouch.ids)]})
        with self.assertRaisesRegex(UserError, "only while it is Received"):
            notice.write({"partner_id": self.other_supplier.id})
        with self.assertRaisesRegex(UserError, "only while it is Assessment"):
            self.new_notice().write({"affects_devices": "yes"})
        notice.write({"planned_date": "2026-12-31"})
        self.sign(self.assess(notice, "no"), "approved", self.manager)
        with self.assertRaisesRegex(UserError, "can be changed only while"):
            notice.write({"description": "Rewritten after the decision"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            notice.with_user(self.manager).unlink()

    # --- access per group and company ---------------------------------------------------

    def test_access_per_group(self):
        notice = self.new_notice()
        for user in (self.md_user, self.buyer):
            self.assertEqual(notice.with_user(user).read(["name"])[0]["name"], notice.name)
            with self.assertRaises(AccessError):
                notice.with_user(user).write({"description": "Forged"})
            with self.assertRaises(AccessError):
                self.new_notice(user=user)
            with self.assertRaises(AccessError):
                notice.with_user(user).action_start_assessment()
        with self.assertRaises(AccessError):
            notice.with_user(self.employee).read(["name"])
        with self.assertRaises(AccessError):
            notice.with_user(self.sqe).unlink()
        draft = self.new_notice()
        draft.with_user(self.manager).unlink()
        self.assertFalse(draft.exists())

    def test_other_company_cannot_see_the_notice(self):
        notice = self.new_notice()
        other_company = self.env["res.company"].create({"name": "MedDev Other Co"})
        outsider = new_test_user(
            self.env,
            "md_scn_outsider",
            groups="md_base.group_md_quality_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        Notice = self.env["md.quality.supplier.change"].with_user(outsider)
        self.assertFalse(Notice.search([("id", "=", notice.id)]))
        with self.assertRaises(AccessError):
            notice.with_user(outsider).read(["name"])

    # --- scorecard ------------------------------------------------------------------------

    def test_scorecard_counts_open_notices(self):
        notice = self.in_assessment()
        self.new_notice(change_type="material")
        self.assertEqual(self.own.open_supplier_change_count, 2)
        self.assertEqual(self.other_entry.open_supplier_change_count, 0)
        self.assertEqual(self.supplier.md_supplier_change_count, 2)
        self.assertEqual(self.supplier.with_user(self.employee).md_supplier_change_count, 0)
        action = self.own.action_view_supplier_changes()
        self.assertEqual(action["domain"], [("partner_id", "=", self.supplier.id)])
        self.sign(self.assess(notice, "no"), "approved", self.manager)
        self.supplier.invalidate_recordset()
        self.assertEqual(self.supplier.md_supplier_change_count, 1)
