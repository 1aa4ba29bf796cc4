from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models.md_quality_supplier_rating import rating_grade, rating_score
from .supplier_common import MdSupplierQualityCase


@tagged("post_install", "-at_install")
class TestSupplierApproval(MdSupplierQualityCase):
    """Approved supplier list (ISO 13485 7.4.1) and its signed approval."""

    def test_new_entry_is_pending_and_cannot_be_created_approved(self):
        approval = self.new_approval()
        self.assertEqual(approval.state, "pending")
        self.assertFalse(approval.is_valid_today)
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            self.env["md.quality.supplier.approval"].create(
                {
                    "partner_id": self.supplier.id,
                    "product_tmpl_id": self.pouch.product_tmpl_id.id,
                    "state": "approved",
                }
            )

    def test_state_changes_only_by_signature(self):
        approval = self.new_approval()
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            approval.with_user(self.manager).write({"state": "approved"})
        self.approve(approval)
        self.assertEqual(approval.state, "approved")
        self.assertTrue(approval.is_valid_today)
        self.assertEqual(approval.md_signature_ids.signer_id, self.manager)

    def test_conditional_decision_signed_gives_conditional(self):
        approval = self.approve(self.new_approval(decision="conditional"))
        self.assertEqual(approval.state, "conditional")

    def test_author_and_inspector_cannot_sign(self):
        approval = self.new_approval()
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            self.sign(approval, "approved", self.author)
        with self.assertRaises(AccessError):
            self.sign(approval, "approved", self.inspector)
        self.assertEqual(approval.state, "pending")

    def test_scope_change_voids_the_approval(self):
        approval = self.approve(self.new_approval())
        approval.with_user(self.manager).write({"valid_until": fields.Date.today() + timedelta(days=400)})
        self.assertEqual(approval.state, "pending")
        self.assertTrue(approval.md_signature_ids.voided)
        self.approve(approval)
        self.assertEqual(approval.state, "approved")

    def test_disqualify_needs_reason_and_voids_signature(self):
        approval = self.approve(self.new_approval())
        with self.assertRaisesRegex(UserError, "reason"):
            approval.with_user(self.manager).action_disqualify("")
        wizard = (
            self.env["md.quality.supplier.disqualify.wizard"]
            .with_user(self.manager)
            .create({"approval_id": approval.id, "reason": "Three rejected lots in a row"})
        )
        wizard.action_confirm()
        self.assertEqual(approval.state, "disqualified")
        self.assertEqual(approval.disqualification_reason, "Three rejected lots in a row")
        self.assertTrue(all(approval.md_signature_ids.mapped("voided")))
        with self.assertRaises(AccessError):
            approval.with_user(self.inspector).action_disqualify("no right")

    def test_scope_is_product_or_category(self):
        with self.assertRaises(ValidationError):
            self.env["md.quality.supplier.approval"].create(
                {
                    "partner_id": self.supplier.id,
                    "product_tmpl_id": self.component.product_tmpl_id.id,
                    "categ_id": self.category.id,
                }
            )
        with self.assertRaises(ValidationError):
            self.env["md.quality.supplier.approval"].create({"partner_id": self.supplier.id})


@tagged("post_install", "-at_install")
class TestSupplierPurchaseGate(MdSupplierQualityCase):
    """purchase.order.button_confirm refuses regulated products from suppliers
    not approved for them (ISO 13485 7.4.1)."""

    def assertRefused(self, order, product):
        with self.assertRaises(UserError) as caught:
            order.button_confirm()
        self.assertIn(order.partner_id.name, str(caught.exception))
        self.assertIn(product.name, str(caught.exception))
        self.assertIn(order.state, ("draft", "sent"))

    def test_unapproved_supplier_refused(self):
        self.approve(self.new_approval(partner=self.other_supplier))
        self.assertRefused(self.new_order(self.component), self.component)

    def test_device_needs_approval(self):
        # Checked on its own: md_regulatory's GSP gates also refuse this unqualified device.
        device = self.env["product.product"].create({"name": "Sterile catheter", "md_is_device": True})
        order = self.new_order(device)
        self.assertIn("Sterile catheter", order._md_approved_supplier_violations()[0]["message"])
        self.approve(self.new_approval(product=device))
        self.assertEqual(order._md_approved_supplier_violations(), [])

    def test_every_reason_at_once_on_every_path(self):
        """The approved supplier list and the GSP gates refuse together, by the business method
        and by a plain write of the state alike."""
        device = self.env["product.product"].create({"name": "Sterile catheter", "md_is_device": True})
        order = self.new_order(device)
        for confirm in (order.button_confirm, lambda: order.write({"state": "purchase"})):
            with self.assertRaises(UserError) as refusal:
                confirm()
            message = str(refusal.exception)
            self.assertIn("approved supplier list", message)
            self.assertIn("Regulatory Override", message, "the GSP first-time approval refusal is there too")
        self.assertIn(order.state, ("draft", "sent"))

    def test_pending_and_disqualified_refused(self):
        approval = self.new_approval()
        order = self.new_order(self.component)
        self.assertRefused(order, self.component)
        self.approve(approval)
        approval.with_user(self.manager).action_disqualify("Failed audit")
        self.assertRefused(order, self.component)

    def test_expired_refused(self):
        approval = self.approve(self.new_approval(valid_until=fields.Date.today() - timedelta(days=1)))
        self.assertEqual(approval.state, "approved")
        self.assertFalse(approval.is_valid_today)
        self.assertRefused(self.new_order(self.component), self.component)

    def test_approved_passes(self):
        # The last day of validity is the buyer's today (context_today: the user's time zone).
        self.approve(self.new_approval(valid_until=fields.Date.context_today(self.env.user)))
        order = self.new_order(self.component)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_contact_of_approved_supplier_passes(self):
        self.approve(self.new_approval())
        contact = self.env["res.partner"].create({"name": "Buyer desk", "parent_id": self.supplier.id})
        order = self.new_order(self.component, partner=contact)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_conditional_passes_with_warning(self):
        self.approve(self.new_approval(decision="conditional"))
        order = self.new_order(self.component)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")
        warning = order.message_ids.filtered(lambda m: "conditional supplier approval" in (m.body or ""))
        self.assertTrue(warning)
        self.assertIn("Audit 2026-03", warning[0].body)

    def test_category_approval_covers_sub_categories(self):
        self.approve(self.new_approval(category=self.category))
        order = self.new_order(self.pouch)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_other_company_approval_does_not_count(self):
        other_company = self.env["res.company"].create({"name": "Other MedCo"})
        self.manager.company_ids |= other_company
        approval = self.env["md.quality.supplier.approval"].create(
            {
                "partner_id": self.supplier.id,
                "product_tmpl_id": self.component.product_tmpl_id.id,
                "company_id": other_company.id,
            }
        )
        self.approve(approval.with_context(allowed_company_ids=[other_company.id]))
        self.assertEqual(approval.state, "approved")
        self.assertRefused(self.new_order(self.component), self.component)

    def test_plain_product_not_gated(self):
        order = self.new_order(self.plain, partner=self.other_supplier)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    def test_gate_over_rpc_like_caller_with_purchase_rights_only(self):
        buyer = self.env["res.users"].create(
            {
                "name": "Buyer",
                "login": "md_asl_buyer",
                "groups_id": [(6, 0, [self.env.ref("purchase.group_purchase_user").id])],
            }
        )
        order = self.new_order(self.component).with_user(buyer)
        self.assertRefused(order, self.component)
        self.approve(self.new_approval())
        order.button_confirm()
        self.assertEqual(order.state, "purchase")


@tagged("post_install", "-at_install")
class TestSupplierRating(MdSupplierQualityCase):
    """Ratings from incoming-inspection pass rate and on-time delivery over the
    configured period, against a naive computation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("md_quality.supplier_rating_days", "90")
        # Incoming inspections of another product (receipts of the plain product create none).
        cls.plan = cls.env["md.quality.inspection.plan"].create(
            {
                "name": "Tubing incoming",
                "trigger": "receipt",
                "product_tmpl_id": cls.component.product_tmpl_id.id,
            }
        )

    def receive(self, partner, days_ago, days_late):
        """A confirmed and received purchase of the plain product, done ``days_ago``,
        ``days_late`` days after its promised date (negative: early)."""
        order = self.new_order(self.plain, partner=partner)
        order.button_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = 10.0
        picking.button_validate()
        done = fields.Datetime.now() - timedelta(days=days_ago)
        picking.date_done = done
        order.order_line.date_planned = done - timedelta(days=days_late)
        return picking

    def inspect(self, picking, state, days_ago=1):
        inspection = self.env["md.quality.inspection"].create(
            {
                "plan_id": self.plan.id,
                "trigger": "receipt",
                "product_id": self.component.id,
                "picking_id": picking.id,
                "quantity": 10.0,
                "sample_size": 2,
            }
        )
        inspection._md_write_transition(
            {"state": state, "date_done": fields.Datetime.now() - timedelta(days=days_ago)}
        )
        return inspection

    def naive_rating(self, pickings, inspections):
        since = fields.Datetime.now() - timedelta(days=90)
        rated = [p for p in pickings if p.date_done >= since]
        on_time = [
            p
            for p in rated
            if p.date_done.date() <= max(p.move_ids.purchase_line_id.mapped("date_planned")).date()
        ]
        decided = [i for i in inspections if i.date_done >= since]
        passed = [i for i in decided if i.state == "passed"]
        return len(rated), 100.0 * len(on_time) / len(rated), len(decided), 100.0 * len(passed) / len(decided)

    def test_rating_matches_naive_computation(self):
        pickings = [
            self.receive(self.supplier, days_ago=10, days_late=0),
            self.receive(self.supplier, days_ago=20, days_late=-3),
            self.receive(self.supplier, days_ago=30, days_late=2),
            self.receive(self.supplier, days_ago=200, days_late=5),  # outside the period
        ]
        inspections = [
            self.inspect(pickings[0], "passed"),
            self.inspect(pickings[1], "passed"),
            self.inspect(pickings[2], "failed"),
            self.inspect(pickings[3], "failed", days_ago=200),  # outside the period
        ]
        other = self.receive(self.other_supplier, days_ago=5, days_late=4)
        self.inspect(other, "failed")
        approval = self.new_approval()
        other_approval = self.new_approval(partner=self.other_supplier)
        (approval | other_approval).with_user(self.manager).action_md_compute_ratings()

        receipts, on_time_rate, inspected, pass_rate = self.naive_rating(pickings, inspections)
        self.assertEqual((receipts, inspected), (3, 3))
        self.assertEqual(approval.rating_receipt_count, receipts)
        self.assertAlmostEqual(approval.rating_on_time_rate, on_time_rate, places=1)
        self.assertEqual(approval.rating_inspection_count, inspected)
        self.assertAlmostEqual(approval.rating_pass_rate, pass_rate, places=1)
        expected_score = 0.6 * pass_rate + 0.4 * on_time_rate
        self.assertAlmostEqual(approval.rating_score, expected_score, places=1)
        self.assertEqual(approval.rating_grade, "c")  # 66.7 % pass, 66.7 % on time
        self.assertEqual(other_approval.rating_on_time_rate, 0.0)
        self.assertEqual(other_approval.rating_pass_rate, 0.0)
        self.assertEqual(other_approval.rating_grade, "d")

    def test_no_data_is_not_rated_and_cron_runs(self):
        approval = self.new_approval()
        self.env["md.quality.supplier.approval"]._md_cron_compute_supplier_ratings()
        self.assertEqual(approval.rating_grade, "none")
        self.assertTrue(approval.rating_date)

    def test_score_and_grade_rules(self):
        self.assertIsNone(rating_score(None, None))
        self.assertEqual(rating_score(None, 80.0), 80.0)
        self.assertEqual(rating_score(100.0, 50.0), 80.0)
        self.assertEqual([rating_grade(s) for s in (95, 80, 65, 10, None)], ["a", "b", "c", "d", "none"])


@tagged("post_install", "-at_install")
class TestSupplierCorrectiveAction(MdSupplierQualityCase):
    """SCARs: CAPAs of type SCAR naming the supplier, with a response due date."""

    def new_scar(self, **vals):
        values = {
            "title": "Burrs on tubing ends",
            "capa_type": "scar",
            "source": "ncr",
            "partner_id": self.supplier.id,
            "problem_statement": "3 of 13 samples with burrs at the cut ends (lot PVC-0411).",
        }
        values.update(vals)
        return self.env["md.quality.capa"].with_user(self.manager).create(values)

    def test_scar_names_the_supplier(self):
        with self.assertRaisesRegex(ValidationError, "names the supplier"):
            self.new_scar(partner_id=False)

    def test_response_overdue(self):
        Capa = self.env["md.quality.capa"]
        late = self.new_scar(scar_response_due_date=fields.Date.today() - timedelta(days=1))
        due = self.new_scar(scar_response_due_date=fields.Date.today() + timedelta(days=5))
        self.assertTrue(late.scar_response_overdue)
        self.assertFalse(due.scar_response_overdue)
        self.assertEqual(
            Capa.search([("scar_response_overdue", "=", True), ("partner_id", "=", self.supplier.id)]), late
        )
        late.write(
            {"scar_response_date": fields.Date.today(), "scar_supplier_response": "Cutter blade replaced."}
        )
        self.assertFalse(late.scar_response_overdue)
        self.assertIn(late, Capa.search([("scar_response_overdue", "=", False)]))

    def test_approval_counts_supplier_scars(self):
        approval = self.new_approval()
        self.new_scar()
        self.new_scar(partner_id=self.other_supplier.id)
        self.assertEqual((approval.scar_count, approval.open_scar_count), (1, 1))
        action = approval.action_view_scars()
        self.assertEqual(self.env["md.quality.capa"].search(action["domain"]).partner_id, self.supplier)
        self.assertEqual(action["context"]["default_capa_type"], "scar")
