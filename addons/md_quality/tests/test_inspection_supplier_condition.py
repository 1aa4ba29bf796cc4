from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .inspection_common import PASSWORD_SUFFIX, InspectionCase


@tagged("post_install", "-at_install")
class TestInspectionSupplierCondition(InspectionCase):
    """A conditional supplier approval can require 100 % incoming inspection (ISO 13485 7.4.1: the
    controls applied to the supplier follow its evaluation; 7.4.3: verification of purchased product):
    the receipt then inspects every unit, on the product's incoming plan tightened to 100 % or, when the
    product has none, on a 100 % incoming inspection of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("md_base.signature_idle_minutes", "15")
        groups = "md_base.group_md_quality_manager,purchase.group_purchase_user"
        cls.author = new_test_user(
            cls.env, "md_q3_author", groups=groups, password="md_q3_author" + PASSWORD_SUFFIX
        )
        cls.manager = new_test_user(
            cls.env, "md_q3_manager", groups=groups, password="md_q3_manager" + PASSWORD_SUFFIX
        )
        cls.other_supplier = cls.env["res.partner"].create({"name": "MD Test Other Supplier"})

    def approval(self, product, decision="conditional", full=True, partner=None):
        approval = (
            self.env["md.quality.supplier.approval"]
            .with_user(self.author)
            .create(
                {
                    "partner_id": (partner or self.supplier).id,
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "decision": decision,
                    "full_incoming_inspection": full,
                    "scope_notes": "Conditional: first-article findings open, with 100 % incoming inspection",
                }
            )
        )
        approval.with_user(self.manager).md_sign(
            "approved", self.manager.login + PASSWORD_SUFFIX, "Evaluated", login=self.manager.login
        )
        self.assertEqual(approval.state, decision)
        return approval

    def inspection_numbers(self, inspection):
        return (
            inspection.sample_size,
            inspection.accept_number,
            inspection.reject_number,
            inspection.code_letter,
        )

    def test_product_without_plan_gets_a_100_percent_inspection(self):
        approval = self.approval(self.pouch)
        lot = self.receive(self.pouch, "POUCH-COND-1", 20)
        inspection = self.inspections_of(lot)
        self.assertEqual(len(inspection), 1)
        self.assertEqual(self.inspection_numbers(inspection), (20, 0, 1, False), "every unit, none may fail")
        self.assertEqual(inspection.supplier_approval_id, approval)
        plan = inspection.plan_id
        self.assertTrue(plan.is_supplier_condition_plan)
        self.assertFalse(plan.active, "archived: never chosen as the plan of a product")
        self.assertEqual((plan.trigger, plan.sampling_method), ("receipt", "full"))
        self.assertEqual(inspection.line_ids.mapped("test_type"), ["check"])
        self.assertEqual(lot.md_status, "quarantine")
        # the same plan serves the next receipt
        second = self.inspections_of(self.receive(self.pouch, "POUCH-COND-2", 7))
        self.assertEqual((second.plan_id, second.sample_size), (plan, 7))

    def test_existing_incoming_plan_is_tightened_to_100_percent(self):
        approval = self.approval(self.tubing)
        inspection = self.inspections_of(self.receive(self.tubing, "TUBE-COND-1", 500))
        self.assertEqual(inspection.plan_id, self.iqc_plan)
        self.assertEqual(self.inspection_numbers(inspection), (500, 0, 1, False), "not the sample of 50")
        self.assertEqual(inspection.supplier_approval_id, approval)
        self.assertEqual(inspection.line_ids.mapped("name"), ["Outer diameter", "Surface free of particles"])

    def test_sampling_without_the_condition(self):
        self.approval(self.tubing, full=False)
        self.approval(self.pouch, full=False)
        inspection = self.inspections_of(self.receive(self.tubing, "TUBE-COND-2", 500))
        self.assertEqual(self.inspection_numbers(inspection), (50, 1, 2, "H"))
        self.assertFalse(inspection.supplier_approval_id)
        self.assertFalse(self.inspections_of(self.receive(self.pouch, "POUCH-COND-3", 20)))

    def test_condition_applies_to_its_supplier_only(self):
        self.approval(self.tubing)
        lot = self.receive(self.tubing, "TUBE-COND-3", 500, partner=self.other_supplier)
        self.assertEqual(self.inspection_numbers(self.inspections_of(lot)), (50, 1, 2, "H"))

    def test_100_percent_lots_do_not_count_for_switching(self):
        self.approval(self.tubing)
        inspection = self.inspections_of(self.receive(self.tubing, "TUBE-COND-4", 500))
        self.enter_results(inspection)
        self.sign(inspection)
        self.assertEqual(inspection.state, "passed")
        self.assertFalse(self.iqc_plan.severity_ids, "not an original inspection of the plan's table")

    def test_condition_is_signed_content_of_a_conditional_approval(self):
        approval = self.approval(self.tubing)
        approval.with_user(self.manager).write({"full_incoming_inspection": False})
        self.assertEqual(approval.state, "pending", "changing the condition voids the approval signature")
        self.assertTrue(approval.md_signature_ids.voided)
        with self.assertRaises(ValidationError) as error:
            self.env["md.quality.supplier.approval"].with_user(self.author).create(
                {
                    "partner_id": self.supplier.id,
                    "product_tmpl_id": self.pouch.product_tmpl_id.id,
                    "decision": "approved",
                    "full_incoming_inspection": True,
                }
            )
        self.assertIn("only a conditional approval", str(error.exception))
