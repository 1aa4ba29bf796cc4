"""The GSP journey of a distributor, walked in Simplified Chinese by the demo trial team on a
desktop and on a phone: receipt, acceptance (验收), storage (入库), outbound check (出库复核) by a
second person, delivery and its accompanying document (随货同行单). NMPA announcement 2023
No. 153, Art. 60-70, 87-92."""

from datetime import datetime

from odoo import Command
from odoo.tests import HttpCase, tagged

from .market_access import grant_market_access

DESKTOP = "1440,900"
PHONE = "390,844"
LOT = "GSP-2612"
REGISTRATION = "国械注准20243140612"


@tagged("post_install", "-at_install")
class TestGspJourney(HttpCase):
    def setUp(self):
        super().setUp()
        self.storekeeper = self._trial_user("user_trial_warehouse")
        self.checker = self._trial_user("user_trial_inspector")
        company = self.env.company
        company.write(
            {
                "country_id": self.env.ref("base.cn").id,
                "md_acceptance_required": True,
                "md_outbound_check_required": True,
            }
        )
        self.warehouse = self.env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        china = self.env.ref("base.cn")
        self.supplier = self.env["res.partner"].create(
            {"name": "上海瑞康医疗器械有限公司", "is_company": True, "country_id": china.id}
        )
        self.hospital = self.env["res.partner"].create(
            {"name": "苏州市第二人民医院", "is_company": True, "country_id": china.id, "lang": "zh_CN"}
        )
        self.syringe = self.env["product.product"].create(
            {
                "name": "一次性使用无菌注射器 (GSP)",
                "is_storable": True,
                "md_is_device": True,
                "md_risk_class_cn": "III",
                "md_label_lot": True,
                "md_label_expiry": True,
                "md_udi_di": "06901234567892",
            }
        )
        grant_market_access(
            self.env,
            self.syringe,
            customers=self.hospital,
            suppliers=self.supplier,
            numbers={"CN": REGISTRATION},
        )

    def _trial_user(self, xmlid):
        user = self.env.ref(f"md_udi_trace.{xmlid}", raise_if_not_found=False)
        if not user:
            self.skipTest("The trial team is demo data: install the addons with demo data.")
        return user

    def _walk(self, url, tour, user, viewport):
        self.browser_size = viewport
        self.touch_enabled = viewport == PHONE
        self.start_tour(url, tour, login=user.login)

    def _receipt(self):
        suppliers, stock = self.env.ref("stock.stock_location_suppliers"), self.warehouse.lot_stock_id
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "partner_id": self.supplier.id,
                "origin": "PO-GSP-1203",
                "move_ids": [
                    Command.create(
                        {"name": self.syringe.name, "product_id": self.syringe.id, "product_uom_qty": 10}
                    )
                ],
            }
        )
        receipt.action_confirm()
        receipt.move_ids.move_line_ids.unlink()
        receipt.move_ids.move_line_ids = [
            Command.create(
                {
                    "product_id": self.syringe.id,
                    "lot_name": LOT,
                    "expiration_date": datetime(2049, 12, 31, 12, 0),
                    "quantity": 10,
                    "location_id": suppliers.id,
                    "location_dest_id": stock.id,
                    "picking_id": receipt.id,
                }
            )
        ]
        return receipt

    def _delivery(self):
        stock, customers = self.warehouse.lot_stock_id, self.env.ref("stock.stock_location_customers")
        delivery = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "partner_id": self.hospital.id,
                "user_id": self.storekeeper.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.syringe.name,
                            "product_id": self.syringe.id,
                            "product_uom_qty": 2,
                            "location_id": stock.id,
                            "location_dest_id": customers.id,
                        }
                    )
                ],
            }
        )
        delivery.action_confirm()
        delivery.action_assign()
        delivery.with_user(self.storekeeper).move_ids.picked = True  # picked by the storekeeper
        return delivery

    def journey(self, viewport):
        transfers = self.env.ref("stock.action_picking_tree_all")
        receipt = self._receipt()
        self._walk(
            f"/odoo/action-{transfers.id}/{receipt.id}", "md_gsp_receipt_journey", self.storekeeper, viewport
        )
        acceptance = receipt.md_acceptance_ids
        self.assertEqual((acceptance.state, acceptance.inspector_id), ("done", self.storekeeper))
        self.assertEqual(receipt.state, "done")
        lot = receipt.move_line_ids.lot_id
        self.assertEqual((lot.name, lot.product_qty), (LOT, 10.0))

        storage_in = self.env.ref("md_regulatory.action_md_gsp_storage_in_records")
        self._walk(f"/odoo/action-{storage_in.id}", "md_gsp_storage_records", self.storekeeper, viewport)

        delivery = self._delivery()
        self._walk(
            f"/odoo/action-{transfers.id}/{delivery.id}", "md_gsp_outbound_journey", self.checker, viewport
        )
        check = delivery.md_outbound_check_ids
        self.assertEqual((check.state, check.checker_id), ("done", self.checker))
        self.assertEqual(check.line_ids.mapped("quantity_checked"), [2.0])
        self.assertEqual(delivery.state, "done")

        html = (
            self.env["ir.actions.report"]
            .with_user(self.storekeeper)
            ._render_qweb_html("md_regulatory.report_md_accompanying_document", delivery.ids)[0]
            .decode()
        )
        for expected in ("随货同行单", REGISTRATION, LOT, "苏州市第二人民医院", self.checker.name):
            self.assertIn(expected, html)

    def test_gsp_journey_on_a_desktop(self):
        self.journey(DESKTOP)

    def test_gsp_journey_on_a_phone(self):
        self.journey(PHONE)
