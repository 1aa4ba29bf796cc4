from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

GSP_ACTIONS = (
    "md_regulatory.action_md_gsp_purchase_records",
    "md_regulatory.action_md_gsp_acceptance_records",
    "md_regulatory.action_md_gsp_storage_in_records",
    "md_regulatory.action_md_gsp_sales_records",
    "md_regulatory.action_md_gsp_outbound_records",
    "md_regulatory.action_md_gsp_return_records",
)


@tagged("post_install", "-at_install")
class TestGspLists(TransactionCase):
    """The GSP record lists (NMPA announcement 2023 No. 153, Art. 58, 65, 70, 84, 88, 107) as an
    inspector opens them: every filter and grouping of their search views runs."""

    def search_filters(self, action):
        arch = self.env[action.res_model].get_view(action.search_view_id.id, "search")["arch"]
        return etree.fromstring(arch).iter("filter")

    def test_every_filter_and_grouping_of_the_gsp_lists_runs(self):
        # what the web client gives a search view's domains
        eval_context = dict(
            self.env["ir.actions.actions"]._get_eval_context(),
            context_today=lambda: fields.Date.context_today(self.env.user),
            relativedelta=relativedelta,
        )
        for xmlid in GSP_ACTIONS:
            action = self.env.ref(xmlid)
            model = self.env[action.res_model]
            base = safe_eval(action.domain or "[]", eval_context)
            for element in self.search_filters(action):
                with self.subTest(action=xmlid, filter=element.get("name")):
                    if element.get("domain"):
                        domain = safe_eval(element.get("domain"), eval_context)
                        model.search_count(base + domain)
                    group_by = safe_eval(element.get("context") or "{}", eval_context).get("group_by")
                    if group_by:
                        model.read_group(base, [], [group_by])
                    self.assertTrue(element.get("domain") or group_by or element.get("date"))

    def test_gsp_record_flags_select_the_lines_of_each_list(self):
        """The storage-in, sales and return lists select their lines by a stored flag (for their
        indexes): the flags select exactly the lines the usage of their locations gives, for
        the lines set in SQL at install and for those computed since, also after a location
        changes its usage."""
        by_usage = {
            "md_gsp_storage_in": [
                ("location_id.usage", "=", "supplier"),
                ("location_dest_id.usage", "=", "internal"),
            ],
            "md_gsp_sale": [("location_dest_id.usage", "=", "customer")],
            "md_gsp_return": [
                "|",
                ("location_id.usage", "=", "customer"),
                ("location_dest_id.usage", "=", "supplier"),
            ],
        }
        consignment = self.env["stock.location"].create({"name": "Hospital Consignment", "usage": "internal"})
        product = self.env["product.product"].create({"name": "Suture Kit", "is_storable": True})
        line = self.env["stock.move.line"].create(
            {
                "company_id": self.env.company.id,
                "product_id": product.id,
                "product_uom_id": product.uom_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": consignment.id,
            }
        )
        self.assertEqual((line.md_gsp_storage_in, line.md_gsp_sale, line.md_gsp_return), (True, False, False))
        consignment.usage = "customer"
        self.assertEqual((line.md_gsp_storage_in, line.md_gsp_sale, line.md_gsp_return), (False, True, False))
        lines = self.env["stock.move.line"]
        for flag, domain in by_usage.items():
            with self.subTest(flag=flag):
                self.assertEqual(lines.search([(flag, "=", True)]), lines.search(domain))

    def test_not_fully_received_purchases(self):
        """The purchase records' "Not Fully Received" filter compares two quantities of a line."""
        vendor = self.env["res.partner"].create({"name": "Catheter Supplier"})
        # a service: its received quantity is entered by hand, no receipt needed for the test
        product = self.env["product.product"].create({"name": "Catheter Sterilisation", "type": "service"})
        order = self.env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_qty": 10, "qty_received_manual": 10}),
                    Command.create({"product_id": product.id, "product_qty": 10, "qty_received_manual": 4}),
                ],
            }
        )
        full, short = order.order_line
        lines = self.env["purchase.order.line"].search(
            [("order_id", "=", order.id), ("md_not_fully_received", "=", True)]
        )
        self.assertEqual(lines, short)
        self.assertEqual((full.md_not_fully_received, short.md_not_fully_received), (False, True))
        received = self.env["purchase.order.line"].search(
            [("order_id", "=", order.id), ("md_not_fully_received", "=", False)]
        )
        self.assertEqual(received, full)
