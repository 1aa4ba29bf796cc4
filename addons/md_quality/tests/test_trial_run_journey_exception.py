"""Pilot journey 2 (试运行), a quality exception (质量异常) walked in Simplified Chinese by the demo
trial team on a desktop and on a phone: a failed incoming inspection, its NCR and the CAPA."""

from lxml import etree

from odoo import Command
from odoo.tests import TransactionCase, tagged

from odoo.addons.md_udi_trace.tests.test_genealogy_common import GenealogyCase

from .test_trial_run_journeys import DESKTOP, PHONE, TrialRunJourneyCase

LOT = "KD250809"


@tagged("post_install", "-at_install")
class TestTrialExceptionJourney(GenealogyCase, TrialRunJourneyCase):
    """Journey 2, quality exception: the inspector measures an outer diameter out of its limits and
    finds particles on the surface, and signs the results (21 CFR 11.50): the inspection fails, a
    nonconformance report opens with the lot held as rejected (ISO 13485:2016 8.3). The quality
    manager opens the NCR and a corrective action on its cause from it (8.5.2)."""

    def setUp(self):
        super().setUp()
        self.inspector = self.trial_user("user_trial_inspector")
        self.manager = self.trial_user("user_trial_quality_manager")
        self.supplier_cn = self.env["res.partner"].create(
            {"name": "常州康达医用管材有限公司", "is_company": True}
        )
        self.tubing_cn = self._product("医用PVC输液管路 (试运行异常)", "lot")
        self.env["md.quality.inspection.plan"].create(
            {
                "name": "来料检验 医用PVC输液管路",
                "trigger": "receipt",
                "product_tmpl_id": self.tubing_cn.product_tmpl_id.id,
                "sampling_method": "fixed",
                "fixed_sample_size": 3,
                "item_ids": [
                    Command.create(
                        {
                            "name": "外径",
                            "test_type": "measurement",
                            "lower_limit": 2.9,
                            "upper_limit": 3.1,
                            "decimal_places": 2,
                        }
                    ),
                    Command.create({"name": "表面无颗粒", "test_type": "check"}),
                ],
            }
        )
        self.lot = self.receive(self.tubing_cn, LOT, 20.0, partner=self.supplier_cn)
        self.inspection = self.env["md.quality.inspection"].search([("lot_ids", "in", self.lot.ids)])
        self.assertEqual((self.inspection.state, self.lot.md_status), ("draft", "quarantine"))

    def exception(self, viewport):
        inspections = self.env.ref("md_quality.md_quality_inspection_action")
        self.walk(f"/odoo/action-{inspections.id}", "md_trial_exception_inspection", self.inspector, viewport)
        inspection = self.inspection
        self.assertEqual(inspection.state, "failed")
        diameter = inspection.line_ids.filtered(lambda line: line.test_type == "measurement")
        self.assertEqual(diameter.measurement_ids.mapped("value"), [3.02, 3.25, 3.01])
        self.assertEqual(diameter.out_of_limit_count, 1)
        self.assertEqual(inspection.line_ids.mapped("result"), ["fail", "fail"])
        ncr = inspection.md_ncr_ids
        self.assertEqual((ncr.source, ncr.lot_ids, ncr.state), ("inspection", self.lot, "containment"))
        self.assertEqual(self.lot.md_status, "rejected", "the lot is held by the nonconformance")
        self.assertRegex(ncr.description, "[\u4e00-\u9fff]", "in the language of the inspector who signed")
        activity = ncr.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertRegex(activity.summary, "[\u4e00-\u9fff]", "the quality manager is asked to evaluate it")

        ncrs = self.env.ref("md_quality.md_quality_ncr_action")
        self.walk(f"/odoo/action-{ncrs.id}", "md_trial_exception_capa", self.manager, viewport)
        capa = ncr.capa_id
        self.assertEqual(capa.ncr_ids, ncr)
        self.assertEqual((capa.source, capa.create_uid), ("ncr", self.manager))
        self.assertEqual(capa.title, f"不合格品 {ncr.name}：{self.tubing_cn.display_name}")
        self.assertEqual(self.lot.md_status, "rejected", "the CAPA does not lift the hold")

    def test_exception_journey_on_a_desktop(self):
        self.exception(DESKTOP)

    def test_exception_journey_on_a_phone(self):
        self.exception(PHONE)


@tagged("post_install", "-at_install")
class TestInspectionButtonBox(TransactionCase):
    def test_ncr_smart_button_is_in_the_form_button_box(self):
        """The NCR smart button of an inspection is in the form's one button box, the box Odoo
        shows in the smart button menu on a phone; in a box of its own it stayed in the sheet
        (found by the quality exception journey on a phone)."""
        arch = etree.fromstring(self.env["md.quality.inspection"].get_view(view_type="form")["arch"])
        boxes = arch.xpath("//div[contains(concat(' ', @class, ' '), ' oe_button_box ')]")
        self.assertEqual([box.get("name") for box in boxes], ["button_box"])
        self.assertTrue(boxes[0].xpath("button[@name='action_md_open_ncrs']"))
