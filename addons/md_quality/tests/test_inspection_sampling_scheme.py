from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.md_quality.sampling import iso2859

from .inspection_common import PASSWORD_SUFFIX, InspectionCase


@tagged("post_install", "-at_install")
class TestInspectionSamplingScheme(InspectionCase):
    """A plan applies one sampling standard whole, ISO 2859-1:1999 (= GB/T 2828.1-2012, the default)
    or ANSI/ASQ Z1.4-2008, and reduced inspection needs steady production and the approval of the
    responsible authority, recorded by a quality manager (ISO 2859-1:1999 9.3.3, Z1.4 8.3.3)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "md_q1_manager",
            groups="md_base.group_md_quality_manager",
            password="md_q1_manager" + PASSWORD_SUFFIX,
        )
        # no test items: a lot is decided by signing alone
        cls.z14_plan = cls.plan(
            cls.pouch, "receipt", sampling_scheme=iso2859.Z14_2008, aql="1", inspection_level="II"
        )

    def state_of(self, plan, product, score=0):
        """The switching state of the test supplier, with a switching score set by the rules' code."""
        state = self.env["md.quality.plan.severity"].create(
            {"plan_id": plan.id, "partner_id": self.supplier.id, "product_id": product.id}
        )
        if score:
            state._md_write_transition({"switching_score": score})
        return state

    def decide_lots(self, plan, product, count, quantity=1000):
        """``count`` lots inspected on ``plan`` and accepted, as receipts create them (no stock moves)."""
        Inspection = self.env["md.quality.inspection"]
        for _lot in range(count):
            inspection = Inspection._md_create_inspections(
                [
                    {
                        "plan": plan,
                        "product": product,
                        "partner": self.supplier,
                        "lots": self.env["stock.lot"],
                        "quantity": quantity,
                    }
                ]
            )
            self.enter_results(inspection)
            self.sign(inspection)
            self.assertEqual(inspection.state, "passed")
        return inspection

    def test_new_plans_use_iso_2859_1_1999(self):
        self.assertEqual(self.iqc_plan.sampling_scheme, iso2859.ISO_2859_1_1999)
        self.assertEqual(
            self.env["md.quality.inspection.plan"].default_get(["sampling_scheme"])["sampling_scheme"],
            "iso2859_1999",
        )
        self.assertTrue(self.z14_plan.z14_limit_numbers, "Z1.4 8.3.3 b applies unless dropped (8.5)")

    def test_reduced_plans_follow_the_plan_standard(self):
        # ISO 2859-1:1999 Table 2-C: J, n = 32, Ac 1 Re 2; Z1.4 Table II-C: J, n = 32, Ac 1 Re 3
        iso = self.iqc_plan._md_sampling(1000, "reduced")
        z14 = self.z14_plan._md_sampling(1000, "reduced")
        self.assertEqual(
            (iso["code_letter"], iso["sample_size"], iso["accept_number"], iso["reject_number"]),
            ("J", 32, 1, 2),
        )
        self.assertEqual(
            (z14["code_letter"], z14["sample_size"], z14["accept_number"], z14["reject_number"]),
            ("J", 32, 1, 3),
        )
        # normal inspection is the same Table 2-A / II-A
        self.assertEqual(self.iqc_plan._md_sampling(1000), self.z14_plan._md_sampling(1000))

    def test_score_of_30_alone_does_not_reduce(self):
        state = self.state_of(self.iqc_plan, self.tubing, score=28)
        self.decide_lots(self.iqc_plan, self.tubing, 1)  # J, Ac 2: +3 at the tighter AQL
        self.assertEqual((state.switching_score, state.severity), (31, "normal"))
        self.assertFalse(state.production_steady or state.reduced_approved)

    def test_reduced_after_steady_production_and_approval_recorded(self):
        state = self.state_of(self.iqc_plan, self.tubing, score=30)
        state.with_user(self.manager).action_md_confirm_steady_production()
        self.assertEqual(state.severity, "normal", "the approval is still missing")
        state.with_user(self.manager).action_md_approve_reduced()
        self.assertEqual(state.severity, "reduced")
        self.assertEqual(
            (state.production_steady_uid, state.reduced_approved_uid), (self.manager, self.manager)
        )
        self.assertTrue(state.production_steady_date and state.reduced_approved_date)
        # the next lot is sampled from ISO 2859-1:1999 Table 2-C
        inspection = self.decide_lots(self.iqc_plan, self.tubing, 1)
        self.assertEqual(
            (inspection.severity, inspection.sample_size, inspection.accept_number, inspection.reject_number),
            ("reduced", 32, 1, 2),
        )
        self.assertEqual(state.severity, "reduced", "an accepted lot keeps reduced inspection (9.3.4)")

    def test_withdrawing_a_condition_returns_to_normal(self):
        state = self.state_of(self.iqc_plan, self.tubing, score=30)
        state.with_user(self.manager).action_md_confirm_steady_production()
        state.with_user(self.manager).action_md_approve_reduced()
        state.with_user(self.manager).action_md_report_irregular_production()  # 9.3.4 b
        self.assertEqual((state.severity, state.production_steady_uid.id), ("normal", False))
        self.assertEqual(state.reduced_approved_uid, self.manager, "the approval stands")
        state.with_user(self.manager).action_md_withdraw_reduced_approval()
        self.assertFalse(state.reduced_approved_uid)

    def test_conditions_are_recorded_only_by_the_quality_manager_action(self):
        state = self.state_of(self.iqc_plan, self.tubing, score=30)
        with self.assertRaises(UserError) as error:
            state.with_user(self.manager).write({"reduced_approved_uid": self.manager.id})
        self.assertIn("change only through the workflow", str(error.exception))
        with self.assertRaises(UserError):
            state.with_user(self.manager).write({"severity": "reduced"})
        with self.assertRaises(AccessError):
            state.with_user(self.inspector).action_md_approve_reduced()
        self.assertFalse(state.reduced_approved_uid)
        self.assertEqual(state.severity, "normal")

    def test_legacy_reduced_state_without_conditions_samples_normal(self):
        state = self.state_of(self.iqc_plan, self.tubing)
        state._md_write_transition({"severity": "reduced"})
        key = (self.iqc_plan, self.supplier, self.tubing)
        self.assertEqual(list(self.env["md.quality.plan.severity"]._md_current([key]).values()), ["normal"])

    def test_z14_limit_numbers_refuse_reduced_approval(self):
        state = self.state_of(self.z14_plan, self.pouch)
        with self.assertRaises(UserError) as error:
            state.with_user(self.manager).action_md_approve_reduced()
        self.assertIn("Table VIII", str(error.exception))
        self.assertIn(self.z14_plan.name, str(error.exception))
        self.assertFalse(state.reduced_approved_uid)

    def test_z14_reduced_after_ten_accepted_lots(self):
        self.z14_plan.z14_limit_numbers = False  # Z1.4 8.5: dropped by agreement of both parties
        state = self.state_of(self.z14_plan, self.pouch)
        state.with_user(self.manager).action_md_confirm_steady_production()
        state.with_user(self.manager).action_md_approve_reduced()
        self.decide_lots(self.z14_plan, self.pouch, 9)
        self.assertEqual(state.severity, "normal")
        self.decide_lots(self.z14_plan, self.pouch, 1)
        self.assertEqual(state.severity, "reduced", "Z1.4 8.3.3 a: 10 lots accepted on normal inspection")
        self.assertEqual(state.switching_score, 0, "no switching score in Z1.4")
        inspection = self.decide_lots(self.z14_plan, self.pouch, 1)
        self.assertEqual(
            (inspection.sample_size, inspection.accept_number, inspection.reject_number), (32, 1, 3)
        )

    def test_changing_the_standard_withdraws_the_approval(self):
        state = self.state_of(self.iqc_plan, self.tubing, score=30)
        state.with_user(self.manager).action_md_confirm_steady_production()
        state.with_user(self.manager).action_md_approve_reduced()
        self.iqc_plan.sampling_scheme = iso2859.Z14_2008
        self.assertEqual((state.severity, state.reduced_approved_uid.id), ("normal", False))
        self.assertEqual(state.production_steady_uid, self.manager)
