"""Pilot journey 3 (试运行), a supplier change notice (供应商变更) walked in Simplified Chinese by the
quality manager of the demo trial team, on a desktop and on a phone."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_trial_run_journeys import DESKTOP, PHONE, TrialRunJourneyCase


@tagged("post_install", "-at_install")
class TestTrialSqeJourney(TrialRunJourneyCase):
    """Journey 3, supplier quality (SQE): the supplier of a component notifies a change of the
    producer of its resin (ISO 13485:2016 7.4.2). The quality manager assesses it: from the start
    of the assessment the supplier's approval of the component is pending re-qualification and
    purchases of it are refused (7.4.1); the change does not affect our devices, and the signed
    acceptance (21 CFR 11.50) restores the approval, so that the component can be bought again."""

    def setUp(self):
        super().setUp()
        self.manager = self.trial_user("user_trial_quality_manager")
        self.inspector = self.trial_user("user_trial_inspector")
        self.buyer = self.trial_user("user_trial_buyer")
        self.supplier = self.env["res.partner"].create(
            {"name": "苏州华塑高分子材料有限公司", "is_company": True}
        )
        category = self.env["product.category"].create({"name": "试运行 管路原料"})
        self.component = self.env["product.product"].create(
            {
                "name": "医用级PVC管路 (试运行)",
                "is_storable": True,
                "md_quality_controlled_purchase": True,
                "categ_id": category.id,
            }
        )
        self.approval = self.env["md.quality.supplier.approval"].create(
            {
                "partner_id": self.supplier.id,
                "product_tmpl_id": self.component.product_tmpl_id.id,
                "decision": "approved",
                "scope_notes": "2026年3月现场审核，ISO 13485 证书有效",
            }
        )
        self.approval.with_user(self.manager).md_sign(
            "approved", "demo-qm.wang", "供应商审核合格", login=self.manager.login
        )
        self.assertEqual(self.approval.state, "approved")
        # The inspector who received the supplier's letter records the notice.
        self.notice = (
            self.env["md.quality.supplier.change"]
            .with_user(self.inspector)
            .create(
                {
                    "partner_id": self.supplier.id,
                    "change_type": "sub_supplier",
                    "supplier_reference": "HS-PCN-2026-07",
                    "description": "管路料所用PVC树脂增加第二家生产商（同牌号 SG-5），自8月批次起供货。",
                    "product_ids": [Command.set(self.component.ids)],
                }
            )
        )

    def order(self):
        """A purchase order of the component by the buyer of the trial team, confirmed."""
        order = (
            self.env["purchase.order"]
            .with_user(self.buyer)
            .create(
                {
                    "partner_id": self.supplier.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.component.id, "product_qty": 500.0, "price_unit": 3.0}
                        )
                    ],
                }
            )
        )
        order.button_confirm()
        return order

    def sqe_walked_by_the_quality_manager(self, viewport):
        action = self.env.ref("md_quality.md_quality_supplier_change_action")
        url = f"/odoo/action-{action.id}/{self.notice.id}"
        # Assessment: the approval of the component is put back, the buyer cannot order it.
        self.walk(url, "md_trial_sqe_assessment_journey", self.manager, viewport)
        self.assertEqual(self.notice.state, "assessment")
        self.assertEqual((self.notice.affects_devices, self.notice.risk), ("no", "low"))
        self.assertIn("SG-5", self.notice.assessment)
        self.assertEqual(self.notice.approval_ids, self.approval)
        self.assertEqual(self.approval.state, "requalification")
        self.assertFalse(self.approval.is_valid_today)
        with self.assertRaises(UserError) as refused:
            self.order()
        self.assertIn(self.component.display_name, str(refused.exception))
        self.assertFalse(
            self.env["purchase.order"].search(
                [("partner_id", "=", self.supplier.id), ("state", "=", "purchase")]
            )
        )
        # Decision: accepted on the quality manager's signature, the approval is restored.
        self.walk(url, "md_trial_sqe_decision_journey", self.manager, viewport)
        self.assertEqual(self.notice.state, "closed", "accepted without effect on our devices")
        self.assertEqual(self.notice.decision_by_id, self.manager)
        self.assertIn("无影响", self.notice.decision_reason)
        signature = self.notice.md_signature_ids
        self.assertEqual((signature.meaning, signature.signer_id), ("approved", self.manager))
        self.assertNotEqual(self.notice.create_uid, self.manager, "decided by a manager not its author")
        self.assertEqual(self.approval.state, "approved")
        self.assertTrue(self.approval.is_valid_today)
        self.assertEqual(self.order().state, "purchase")

    def test_sqe_journey_on_a_desktop(self):
        self.sqe_walked_by_the_quality_manager(DESKTOP)

    def test_sqe_journey_on_a_phone(self):
        self.sqe_walked_by_the_quality_manager(PHONE)
