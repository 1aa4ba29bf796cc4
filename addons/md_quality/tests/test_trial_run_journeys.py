"""The pilot's journeys (试运行), walked in Simplified Chinese by the demo trial team's users on a
desktop (1440x900) and on a phone (390x844), as a pilot customer walks them."""

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.md_udi_trace.tests.test_genealogy_common import GenealogyCase

DESKTOP = "1440,900"
PHONE = "390,844"


class TrialRunJourneyCase(HttpCase):
    """Journeys as a member of the trial team (demo data of md_udi_trace)."""

    def trial_user(self, xmlid):
        user = self.env.ref(f"md_udi_trace.{xmlid}", raise_if_not_found=False)
        if not user:
            self.skipTest("The trial team is demo data: install the addons with demo data.")
        self.assertEqual(user.lang, "zh_CN")
        return user

    def walk(self, url, tour, user, viewport):
        self.browser_size = viewport
        self.touch_enabled = viewport == PHONE
        self.start_tour(url, tour, login=user.login)


@tagged("post_install", "-at_install")
class TestTrialRecallJourney(GenealogyCase, TrialRunJourneyCase):
    """Journey 4, a recall case: scope, start, notification by telephone and acknowledgement
    (医疗器械召回管理办法 Art. 15-16; 21 CFR 7.49), closure withheld while units are in the field."""

    def recall_walked_by_regulatory(self, viewport):
        officer = self.trial_user("user_trial_regulatory")
        lot = self.receive(self.tubing, "TRIAL-RCL-1", 10.0)
        self.deliver(lot, 4.0)
        Recall = self.env["md.recall"].with_user(officer)
        recall = Recall.browse(Recall.md_create_from_lots(lot.ids, {"name": "输液器管路批次召回"}))
        action = self.env.ref("md_regulatory.action_md_recall")
        self.walk(f"/odoo/action-{action.id}/{recall.id}", "md_trial_recall_journey", officer, viewport)
        line = recall.customer_line_ids
        self.assertEqual(recall.state, "open")
        self.assertTrue(recall.hold_count, "the recalled lot is on hold")
        self.assertEqual((line.partner_id, line.quantity), (self.hospital, 4.0))
        self.assertEqual((line.notification_method, line.ack_contact), ("phone", "设备科 张主任"))
        self.assertEqual(line.ack_qty_on_hand, 4.0)
        self.assertFalse(recall.can_close, "4 units are still at the hospital")

    def deliver(self, lot, qty):
        picking = self._picking(
            self.warehouse.out_type_id, self.stock_location, self.customer_location, self.hospital
        )
        move = self._move(picking, lot.product_id, qty)
        move.move_line_ids = [Command.create(self._line_vals(move, qty, lot=lot))]
        self._validate(picking)

    def test_recall_journey_on_a_desktop(self):
        self.recall_walked_by_regulatory(DESKTOP)

    def test_recall_journey_on_a_phone(self):
        self.recall_walked_by_regulatory(PHONE)
