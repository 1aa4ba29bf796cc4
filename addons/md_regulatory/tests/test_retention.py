from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .qualification_common import MdQualificationCase
from .recall_common import RecallCase
from .test_document_common import MdDocumentCase


def kept(record):
    record.invalidate_recordset(["md_retain_until", "md_retained_permanently"])
    return record.md_retain_until, record.md_retained_permanently


@tagged("post_install", "-at_install")
class TestSalesRecordRetention(MdQualificationCase):
    """China: sales records (销售记录) are kept until 2 years after the devices' expiry date, at least 5
    years without one, permanently for implantable devices (医疗器械经营质量管理规范 Art. 23, under
    医疗器械监督管理条例, State Council Order 739, Art. 45): md_regulatory's sales order policy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stent.product_tmpl_id.md_implantable = True
        cls.policy = cls.env.ref("md_regulatory.md_retention_policy_sale_order")

    def setUp(self):
        super().setUp()
        self.licence(self.customer_cn)
        self.approved_registration(self.infusion_set | self.stent)

    def test_default_policy_of_the_main_company(self):
        self.assertEqual(self.policy.model_name, "sale.order")
        self.assertEqual(self.policy.company_id, self.env.ref("base.main_company"))
        self.assertIn("Order 739", self.policy.legal_basis)

    def test_quotation_is_no_sales_record(self):
        quotation = self.sale_order(self.customer_cn, self.infusion_set)
        self.assertEqual(kept(quotation), (False, False))
        quotation.unlink()

    def test_confirmed_order_kept_5_years_without_expiry_dates(self):
        order = self.sale_order(self.customer_cn, self.infusion_set)
        order.action_confirm()
        self.assertEqual(kept(order), (order.create_date.date() + relativedelta(years=5), False))

    def test_order_of_an_implantable_device_kept_permanently(self):
        order = self.sale_order(self.customer_cn, self.stent)
        order.action_confirm()
        self.assertEqual(kept(order), (False, True))

    def test_cancelled_order_of_delivered_devices_cannot_be_deleted(self):
        """Odoo deletes a cancelled order; a sales record whose devices were delivered is kept."""
        order = self.sale_order(self.customer_cn, self.infusion_set)
        order.action_confirm()
        stock = self.env["stock.warehouse"].search([("company_id", "=", order.company_id.id)], limit=1)
        self.env["stock.quant"]._update_available_quantity(self.infusion_set, stock.lot_stock_id, 5)
        delivery = order.picking_ids
        delivery.action_assign()
        delivery.move_ids.quantity = 1
        delivery.move_ids.picked = True
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        order._action_cancel()
        self.assertEqual(order.state, "cancel")
        until = order.create_date.date() + relativedelta(years=5)
        self.assertEqual(kept(order), (until, False))
        sales_manager = self._user("md_ret_sales_manager", "sales_team.group_sale_manager")
        for env in (self.env(su=True), self.env(user=sales_manager)):
            with self.assertRaisesRegex(UserError, "cannot be deleted, by anyone"):
                order.with_env(env).unlink()
        self.assertTrue(order.exists())

    def test_order_form_shows_the_period(self):
        arch = self.env["sale.order"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="md_retain_until"', arch)
        self.assertIn('name="action_md_retention_info"', arch)


@tagged("post_install", "-at_install")
class TestRegistrationRetention(MdQualificationCase):
    """ISO 13485:2016 4.2.5 (QMSR 21 CFR 820.35): a registration certificate is kept permanently while
    valid, then from its expiry or withdrawal for the devices' expected life, at least 2 years."""

    def test_valid_registration_kept_permanently_and_not_archived(self):
        draft = self.new_registration()
        self.assertEqual(kept(draft), (False, False))
        registration = self.approved_registration(self.stent, number="国械注准20249999")
        self.assertEqual(kept(registration), (False, True))
        with self.assertRaisesRegex(UserError, "cannot be archived, by anyone: .*kept permanently"):
            registration.with_user(self.ra_author).action_archive()
        self.assertTrue(registration.active)
        draft.with_user(self.ra_author).action_archive()
        self.assertFalse(draft.active, "a draft is no record yet")

    def test_withdrawn_registration_kept_for_the_devices_life(self):
        self.infusion_set.product_tmpl_id.md_expected_life_years = 10
        registration = self.approved_registration()
        registration.with_user(self.ra_author).write({"withdrawal_reason": "Not renewed"})
        registration.with_user(self.ra_author).action_withdraw()
        self.assertEqual(registration.state, "withdrawn")
        self.assertEqual(kept(registration), (registration.expiry_date + relativedelta(years=10), False))
        with self.assertRaisesRegex(UserError, "cannot be archived"):
            registration.with_user(self.ra_author).action_archive()


@tagged("post_install", "-at_install")
class TestDocumentRetention(MdDocumentCase):
    """ISO 13485:2016 4.2.4: a revision that was in effect is kept while effective, then for the
    lifetime of the devices made with it, not less than the 2 years of the records it produced."""

    def test_effective_revision_kept_then_superseded_for_the_device_life(self):
        draft = self.new_revision(code="D")
        self.assertEqual(kept(draft), (False, False))
        product = self.env["product.product"].create({"name": "MD Ret Catheter", "md_expected_life_years": 8})
        self.sop.product_tmpl_ids = [Command.link(product.product_tmpl_id.id)]
        first = self.make_effective(code="A")
        self.assertEqual(kept(first), (False, True))
        self.make_effective(code="B", change_description="Second issue")
        self.assertEqual(first.state, "superseded")
        self.assertEqual(kept(first), (first.closed_on.date() + relativedelta(years=8), False))
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            first.sudo().unlink()

    def test_revision_of_a_document_without_products_kept_2_years(self):
        first = self.make_effective(self.wi, code="A")
        self.make_effective(self.wi, code="B", change_description="Second issue")
        self.assertEqual(kept(first), (first.closed_on.date() + relativedelta(years=2), False))


@tagged("post_install", "-at_install")
class TestRecallRetention(RecallCase):
    """ISO 13485:2016 4.2.5 (QMSR): a recall is kept from its closure for the expected life of the
    affected devices, at least 2 years."""

    def test_recall_kept_from_its_closure(self):
        self.tubing.product_tmpl_id.md_expected_life_years = 4
        draft = self.new_recall()
        self.assertEqual(kept(draft), (False, False))
        recall = self.started_recall()
        self.assertEqual(kept(recall), (recall.create_date.date() + relativedelta(years=4), False))
        self.settle(recall.customer_line_ids)  # closing needs every consignee notified and acknowledged
        recall.closure_justification = "Remaining units used up in the field (confirmed by the customer)"
        recall.with_user(self.regulatory_2).md_sign("closed", self.password(self.regulatory_2), "Done")
        self.assertEqual(recall.state, "closed")
        self.assertEqual(kept(recall), (recall.closed_at.date() + relativedelta(years=4), False))
        self.assertEqual(recall.closed_at.date(), fields.Date.today())
