from odoo.tests import HttpCase, tagged

from .inspection_common import InspectionCase


@tagged("post_install", "-at_install")
class TestInspectionPhoneTour(InspectionCase, HttpCase):
    """Results entered on a phone, per characteristic and sample on one screen (ISO 13485:2016
    8.2.6: the records show conformity with the acceptance criteria)."""

    browser_size = "390x844"
    touch_enabled = True

    def test_enter_results_on_a_phone(self):
        inspection = self.inspections_of(self.receive(self.tubing, "TUBE-PHONE", 500))
        inspection.with_user(self.inspector).action_start()
        action = self.env.ref("md_quality.md_quality_inspection_action")
        self.start_tour(
            f"/odoo/action-{action.id}/{inspection.id}",
            "md_inspection_phone_tour",
            login=self.inspector.login,
        )
        length = inspection.line_ids.filtered(lambda line: line.test_item_id == self.length)
        self.assertEqual(length.measurement_ids.mapped("value"), [3.01, 2.98, 3.02])
        self.assertEqual(length.measurement_ids.write_uid, self.inspector)
        self.assertEqual(inspection.line_ids.mapped("result"), ["pass", "pass"])
        self.sign(inspection)
        self.assertEqual(inspection.state, "passed")
