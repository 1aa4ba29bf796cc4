from odoo import Command
from odoo.tests import HttpCase, tagged

from .release_common import ReleaseCase


@tagged("post_install", "-at_install")
class TestReleaseTour(ReleaseCase, HttpCase):
    """Produce -> final inspection (FQC) -> release with e-signature -> deliver, in the
    browser, each step by the person whose job it is (ISO 13485 8.2.6)."""

    def test_produce_inspect_release_deliver(self):
        self.env["md.quality.inspection.plan"].create(
            {
                "name": "FQC infusion set (tour)",
                "trigger": "final",
                "product_tmpl_id": self.device.product_tmpl_id.id,
                "required_for_release": True,
                "sampling_method": "fixed",
                "fixed_sample_size": 1,
            }
        )
        production, serial = self.produce("SN-TOUR-1", done=False)
        production_action = self.env.ref("mrp.mrp_production_action")
        self.start_tour(
            f"/odoo/action-{production_action.id}/{production.id}",
            "md_release_produce_tour",
            login="md_rel_operator",
        )
        dhr = production.md_dhr_ids
        self.assertEqual(dhr.state, "pending")
        inspection = dhr.inspection_ids
        inspection_action = self.env.ref("md_quality.md_quality_inspection_action")
        self.start_tour(
            f"/odoo/action-{inspection_action.id}/{inspection.id}",
            "md_release_fqc_tour",
            login="md_rel_inspector",
        )
        self.assertEqual(inspection.state, "passed")
        queue = self.env.ref("md_quality.action_md_quality_release_queue")
        self.start_tour(f"/odoo/action-{queue.id}", "md_release_sign_tour", login="md_rel_approver")
        self.assertEqual(dhr.state, "released")
        self.assertEqual(dhr.decision_by_id, self.approver)
        self.assertEqual(serial.md_release_state, "released")

        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.customer_location.id,
                "partner_id": self.hospital.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.device.name,
                            "product_id": self.device.id,
                            "product_uom_qty": 1,
                            "location_id": self.stock_location.id,
                            "location_dest_id": self.customer_location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        self.assertEqual(picking.move_ids.move_line_ids.lot_id, serial)
        picking.move_ids.picked = True
        picking_action = self.env.ref("stock.action_picking_tree_all")
        self.start_tour(
            f"/odoo/action-{picking_action.id}/{picking.id}",
            "md_release_deliver_tour",
            login="md_rel_shipper",
        )
        self.assertEqual(picking.state, "done")
