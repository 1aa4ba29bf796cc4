"""Pilot journey 1 (试运行), a purchase arrival (到货) walked in Simplified Chinese by the demo trial
team on a desktop and on a phone: the warehouse receives by scanning, the inspector decides."""

from odoo import Command
from odoo.tests import tagged

from .test_trial_run_journeys import DESKTOP, PHONE, TrialRunJourneyCase

LOT = "KD250701"


@tagged("post_install", "-at_install")
class TestTrialArrivalJourney(TrialRunJourneyCase):
    """Journey 1, purchase arrival: the storekeeper scans the UDI of two cases of tubing into the
    receipt, sees scanned against expected and validates it; the lot goes to quarantine and an
    incoming inspection is created (ISO 13485:2016 7.4.3, 7.5.8). The inspector measures the
    samples, checks the surface and signs the results as verified (21 CFR 11.50): the inspection
    passes and the quarantine is lifted (8.2.6)."""

    def setUp(self):
        super().setUp()
        self.storekeeper = self.trial_user("user_trial_warehouse")
        self.inspector = self.trial_user("user_trial_inspector")
        self.supplier = self.env["res.partner"].create(
            {"name": "常州康达医用管材有限公司", "is_company": True}
        )
        self.tubing = self.env["product.product"].create(
            {
                "name": "医用PVC输液管路 (试运行到货)",
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "md_udi_di": "06975310000108",
            }
        )
        self.env["product.packaging"].create(
            {"name": "箱 (10 卷)", "product_id": self.tubing.id, "qty": 10, "md_udi_di": "16975310000105"}
        )
        self.env["md.quality.inspection.plan"].create(
            {
                "name": "来料检验 医用PVC输液管路",
                "trigger": "receipt",
                "product_tmpl_id": self.tubing.product_tmpl_id.id,
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
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        self.receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "partner_id": self.supplier.id,
                "origin": "PO-试运行-0701",
                "move_ids": [
                    Command.create(
                        {"name": self.tubing.name, "product_id": self.tubing.id, "product_uom_qty": 20}
                    )
                ],
            }
        )
        self.receipt.action_confirm()

    def arrival(self, viewport):
        receipts = self.env.ref("md_udi_trace.action_md_receipts")
        self.walk(f"/odoo/action-{receipts.id}", "md_trial_arrival_receipt", self.storekeeper, viewport)
        self.assertEqual(self.receipt.state, "done")
        lot = self.receipt.move_line_ids.lot_id
        self.assertEqual((lot.name, lot.product_qty), (LOT, 20.0))
        self.assertEqual(str(lot.expiration_date.date()), "2049-12-31")
        self.assertEqual(lot.md_status, "quarantine", "the received lot waits for its incoming inspection")
        inspection = self.receipt.md_inspection_ids
        self.assertEqual((inspection.state, inspection.lot_ids), ("draft", lot))

        inspections = self.env.ref("md_quality.md_quality_inspection_action")
        self.walk(f"/odoo/action-{inspections.id}", "md_trial_arrival_inspection", self.inspector, viewport)
        self.assertEqual(inspection.state, "passed")
        self.assertEqual(inspection.inspector_id, self.inspector)
        diameter = inspection.line_ids.filtered(lambda line: line.test_type == "measurement")
        self.assertEqual(diameter.measurement_ids.mapped("value"), [3.01, 2.98, 3.02])
        self.assertEqual(inspection.line_ids.mapped("result"), ["pass", "pass"])
        signature = inspection.md_signature_ids
        self.assertEqual((signature.signer_id, signature.meaning), (self.inspector, "verified"))
        self.assertEqual(lot.md_status, "released", "the passed inspection lifts the quarantine")
        holds = self.env["md.lot.hold"].search([("lot_id", "=", lot.id), ("state", "=", "active")])
        self.assertFalse(holds)

    def test_arrival_journey_on_a_desktop(self):
        self.arrival(DESKTOP)

    def test_arrival_journey_on_a_phone(self):
        self.arrival(PHONE)
