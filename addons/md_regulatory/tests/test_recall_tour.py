from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.md_udi_trace.tests.test_genealogy_common import GenealogyCase


@tagged("post_install", "-at_install")
class TestRecallTour(GenealogyCase, HttpCase):
    """A mock recall in the browser: create it for a lot, compute the scope, see the
    customers and the drill timing."""

    def test_mock_recall_tour(self):
        new_test_user(self.env, "md_recall_tour", groups="md_base.group_md_regulatory")
        self.hospital.name = "Tour Hospital"
        lot = self.receive(self.tubing, "LOT-TOUR-RCL", 10.0)
        self._validate_delivery(lot)
        action = self.env.ref("md_regulatory.action_md_recall")
        self.start_tour(f"/odoo/action-{action.id}", "md_recall_tour", login="md_recall_tour")

        recall = self.env["md.recall"].search([("lot_ids", "in", lot.ids)])
        self.assertTrue(recall.is_mock)
        self.assertEqual(recall.customer_line_ids.partner_id, self.hospital)
        self.assertTrue(recall.scope_completed_at)
        self.assertGreaterEqual(recall.drill_duration, 0)
        self.assertFalse(
            self.env["md.lot.hold"].search([("res_model", "=", "md.recall"), ("res_id", "=", recall.id)])
        )

    def _validate_delivery(self, lot):
        picking = self._picking(
            self.warehouse.out_type_id, self.stock_location, self.customer_location, self.hospital
        )
        move = self._move(picking, lot.product_id, 3.0)
        move.move_line_ids = [(0, 0, self._line_vals(move, 3.0, lot=lot))]
        self._validate(picking)
