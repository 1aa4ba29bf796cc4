from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval


@tagged("post_install", "-at_install")
class TestQualityDashboard(TransactionCase):
    """Dashboard figures (ISO 13485 8.4) on a small data set, against hand counts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supplier_a = cls.env["res.partner"].create({"name": "Supplier A", "is_company": True})
        cls.supplier_b = cls.env["res.partner"].create({"name": "Supplier B", "is_company": True})
        cls.component = cls.env["product.product"].create({"name": "Dashboard tubing", "is_storable": True})
        cls.finished = cls.env["product.product"].create({"name": "Dashboard kit", "is_storable": True})
        cls.plan = cls.env["md.quality.inspection.plan"].create(
            {
                "name": "Dashboard incoming",
                "trigger": "receipt",
                "product_tmpl_id": cls.component.product_tmpl_id.id,
            }
        )

    def inspection(self, partner, state):
        inspection = self.env["md.quality.inspection"].create(
            {
                "plan_id": self.plan.id,
                "trigger": "receipt",
                "product_id": self.component.id,
                "partner_id": partner.id,
                "quantity": 100.0,
                "sample_size": 13,
            }
        )
        if state != "draft":
            inspection._md_write_transition({"state": state, "date_done": fields.Datetime.now()})
        return inspection

    def done_production(self):
        production = self.env["mrp.production"].create({"product_id": self.finished.id, "product_qty": 1.0})
        production.action_confirm()
        production.qty_producing = 1.0
        production.button_mark_done()
        self.assertEqual(production.state, "done")
        return production

    def averages(self, model, groupby, measure, domain):
        """``{group: (average of measure, row count)}`` as the graph and pivot views read them."""
        groups = self.env[model]._read_group(domain, [groupby], [f"{measure}:avg", "__count"])
        return {group: (average, count) for group, average, count in groups}

    def test_incoming_rejection_rate_by_supplier(self):
        for state in ("passed", "failed", "passed", "draft"):
            self.inspection(self.supplier_a, state)
        self.inspection(self.supplier_b, "passed")
        self.env.flush_all()
        figures = self.averages(
            "md.quality.report.incoming",
            "partner_id",
            "rejection_rate",
            [("partner_id", "in", (self.supplier_a | self.supplier_b).ids)],
        )
        rate_a, count_a = figures[self.supplier_a]
        self.assertEqual(count_a, 3)  # the open inspection is not counted
        self.assertAlmostEqual(rate_a, 100.0 / 3, places=1)
        self.assertEqual(figures[self.supplier_b], (0.0, 1))

    def test_first_pass_yield_by_product(self):
        productions = [self.done_production() for _i in range(3)]
        self.env["md.quality.ncr"].create(
            {
                "source": "production",
                "production_id": productions[0].id,
                "product_id": self.finished.id,
                "quantity": 1.0,
                "description": "Seal width out of tolerance",
            }
        )
        self.env.flush_all()
        rate, count = self.averages(
            "md.quality.report.first.pass",
            "product_id",
            "first_pass_yield",
            [("product_id", "=", self.finished.id)],
        )[self.finished]
        self.assertEqual(count, 3)
        self.assertAlmostEqual(rate, 200.0 / 3, places=1)
        failed = self.env["md.quality.report.first.pass"].search(
            [("product_id", "=", self.finished.id), ("first_pass_count", "=", 0)]
        )
        self.assertEqual(failed.production_id, productions[0])

    def capa(self, due_days, state="draft", closed_days=None):
        capa = self.env["md.quality.capa"].create(
            {
                "title": "Dashboard CAPA",
                "problem_statement": "Recurring seal failures",
                "product_id": self.finished.id,
                "date_due": fields.Date.today() + timedelta(days=due_days) if due_days is not None else False,
            }
        )
        if state != "draft":
            # Report fixture: the CAPA workflow itself is tested in test_capa.
            self.env.cr.execute(
                "UPDATE md_quality_capa SET state = %s, date_closed = %s WHERE id = %s",
                (
                    state,
                    fields.Date.today() + timedelta(days=closed_days) if closed_days is not None else None,
                    capa.id,
                ),
            )
        return capa

    def test_capa_on_time_rate(self):
        on_time = self.capa(-10, "closed", closed_days=-12)
        late = self.capa(-10, "closed", closed_days=-5)
        overdue = self.capa(-1)
        self.capa(5)  # open, not yet due
        self.capa(-3, "cancelled")
        self.capa(None, "closed", closed_days=-1)  # no target date
        self.env.flush_all()
        rows = self.env["md.quality.report.capa.timeliness"].search([("product_id", "=", self.finished.id)])
        self.assertEqual(rows.capa_id, on_time | late | overdue)
        rate, count = self.averages(
            "md.quality.report.capa.timeliness",
            "product_id",
            "on_time_rate",
            [("product_id", "=", self.finished.id)],
        )[self.finished]
        self.assertEqual(count, 3)
        self.assertAlmostEqual(rate, 100.0 / 3, places=1)

    def test_open_holds_and_complaint_trend_actions(self):
        lots = self.env["stock.lot"].create(
            [{"name": f"DASH-{i}", "product_id": self.component.id} for i in range(2)]
        )
        holds = lots._md_place_hold("hold", "Dashboard check")
        holds[:1]._md_release("Checked")
        action = self.env.ref("md_quality.md_quality_dashboard_hold_action")
        open_holds = self.env["md.lot.hold"].search([*safe_eval(action.domain), ("lot_id", "in", lots.ids)])
        self.assertEqual(open_holds, holds[1:])
        complaint_action = self.env.ref("md_quality.md_quality_dashboard_complaint_action")
        self.assertEqual(complaint_action.res_model, "md.quality.complaint")
        Complaint = self.env["md.quality.complaint"]
        Complaint.create(
            [
                {
                    "title": f"C{i}",
                    "description": "Leak",
                    "product_id": self.finished.id,
                    "awareness_date": fields.Datetime.now() - timedelta(days=40 * i),
                }
                for i in range(3)
            ]
        )
        months = Complaint._read_group(
            [("product_id", "=", self.finished.id)], ["awareness_date:month"], ["__count"]
        )
        self.assertEqual(sum(count for _month, count in months), 3)
        self.assertGreaterEqual(len(months), 2)
