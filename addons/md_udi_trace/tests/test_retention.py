from datetime import date

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_genealogy_common import GenealogyCase


@tagged("post_install", "-at_install")
class TestTransferRetention(GenealogyCase):
    """China: receipts are purchase-inspection records (进货查验记录), deliveries sales records
    (销售记录), kept until 2 years after the device's expiry date, at least 5 years without one,
    permanently for implantable devices (医疗器械经营质量管理规范 Art. 23, under 医疗器械监督管理条例,
    State Council Order 739, Art. 45): md_udi_trace's default retention policies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.implant = cls._product("MD Test Bone Screw", "lot")
        cls.implant.product_tmpl_id.md_implantable = True
        cls.receipt_policy = cls.env.ref("md_udi_trace.md_retention_policy_receipt")
        cls.delivery_policy = cls.env.ref("md_udi_trace.md_retention_policy_delivery")

    def kept(self, picking):
        picking.invalidate_recordset(["md_retain_until", "md_retained_permanently"])
        return picking.md_retain_until, picking.md_retained_permanently

    def receipt_of(self, lot):
        lines = self.env["stock.move.line"].search([("lot_id", "=", lot.id)])
        return lines.picking_id.filtered(lambda picking: picking.picking_type_code == "incoming")

    def expiring(self, lot, day):
        lot.expiration_date = f"{day} 00:00:00"
        return lot

    def test_default_policies_of_the_main_company(self):
        for policy in (self.receipt_policy, self.delivery_policy):
            self.assertTrue(policy.active)
            self.assertEqual(policy.company_id, self.env.ref("base.main_company"))
            self.assertEqual(policy.model_name, "stock.picking")
            self.assertEqual((policy.years_after_start, policy.years_without_start), (2, 5))
            self.assertIn("医疗器械经营质量管理规范", policy.legal_basis)

    def test_delivery_kept_2_years_after_the_lot_expiry_gsp_art_9(self):
        lot = self.expiring(self.receive(self.tubing, "LOT-RET-2027", 10), "2027-03-31")
        delivery = self.deliver(self.hospital, lot)
        self.assertEqual(self.kept(delivery), (date(2029, 3, 31), False))
        receipt = self.receipt_of(lot)
        self.assertEqual(self.kept(receipt), (date(2029, 3, 31), False), "the purchase-inspection record")

    def test_latest_expiry_of_the_transfer_wins(self):
        early = self.expiring(self.receive(self.tubing, "LOT-RET-EARLY", 5), "2027-03-31")
        late = self.expiring(self.receive(self.pouch, "LOT-RET-LATE", 5), "2030-09-30")
        self.assertEqual(self.kept(self.deliver(self.hospital, early | late)), (date(2032, 9, 30), False))

    def test_device_without_expiry_kept_5_years_gsp_art_9(self):
        lot = self.receive(self.tubing, "LOT-RET-NOEXP", 10)
        delivery = self.deliver(self.hospital, lot)
        self.assertEqual(self.kept(delivery), (delivery.create_date.date() + relativedelta(years=5), False))

    def test_implantable_device_records_kept_permanently_gsp_art_9(self):
        lot = self.expiring(self.receive(self.implant, "LOT-RET-IMPLANT", 3), "2027-03-31")
        receipt = self.receipt_of(lot)
        self.assertEqual(self.kept(receipt), (False, True))
        delivery = self.deliver(self.hospital, lot)
        self.assertEqual(self.kept(delivery), (False, True))
        with self.assertRaisesRegex(UserError, "kept permanently"):
            delivery.sudo()._md_unlink_retained()

    def test_done_transfers_cannot_be_deleted_by_anyone(self):
        lot = self.expiring(self.receive(self.tubing, "LOT-RET-DEL", 10), "2027-03-31")
        delivery = self.deliver(self.hospital, lot)
        for picking in (delivery.sudo(), delivery.sudo().with_context(_force_unlink=True)):
            with self.assertRaises(UserError):
                picking.unlink()
        with self.assertRaisesRegex(UserError, "cannot be deleted, by anyone: .*kept until"):
            delivery.sudo().with_context(_force_unlink=True)._md_unlink_retained()
        self.assertTrue(delivery.exists())

    def test_draft_and_internal_transfers_are_no_gsp_records(self):
        draft = self._picking(
            self.warehouse.out_type_id, self.stock_location, self.customer_location, self.hospital
        )
        self._move(draft, self.tubing, 1)
        self.assertEqual(self.kept(draft), (False, False))
        draft.unlink()
        lot = self.receive(self.tubing, "LOT-RET-INT", 10)
        internal = self._picking(
            self.warehouse.int_type_id, self.stock_location, self.stock_location, self.hospital
        )
        move = self._move(internal, self.tubing, 1)
        move.move_line_ids = [Command.create(self._line_vals(move, 1, lot=lot))]
        self._validate(internal)
        self.assertEqual(self.kept(internal), (False, False))

    def test_transfer_form_shows_the_period(self):
        arch = etree.fromstring(
            self.env["stock.picking"].get_views([(False, "form")])["views"]["form"]["arch"]
        )
        box = arch.xpath("//div[@name='button_box']")[0]
        self.assertTrue(
            box.xpath(".//button[@name='action_md_retention_info']//field[@name='md_retain_until']")
        )
        self.assertTrue(
            box.xpath(".//button[@name='action_md_retention_info'][@invisible='not md_retained_permanently']")
        )

    def test_expected_life_is_device_master_data(self):
        template = self.tubing.product_tmpl_id
        user = new_test_user(
            self.env, "md_ret_stock_user", groups="stock.group_stock_user,md_base.group_md_user"
        )
        with self.assertRaises(AccessError):
            template.with_user(user).write({"md_expected_life_years": 5})
        manager = new_test_user(
            self.env, "md_ret_qm", groups="md_base.group_md_quality_manager,stock.group_stock_manager"
        )
        template.with_user(manager).write({"md_expected_life_years": 5})
        self.assertEqual(template.md_expected_life_years, 5)
