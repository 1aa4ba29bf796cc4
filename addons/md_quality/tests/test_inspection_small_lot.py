from odoo.exceptions import UserError
from odoo.tests import tagged

from .inspection_common import InspectionCase


@tagged("post_install", "-at_install")
class TestInspectionSmallLot(InspectionCase):
    """Every lot size gets a plan or a clear refusal, never a traceback (ISO 2859-1:1999 Table 1 starts at
    2 items; where the sample size equals or exceeds the lot size every item is inspected, footnote of
    the arrows of Tables 2-A to 2-C)."""

    def test_receipt_of_one_unit_inspects_it(self):
        lot = self.receive(self.tubing, "TUBE-ONE", 1)
        inspection = self.inspections_of(lot)
        self.assertEqual(len(inspection), 1)
        # Table 1 first row (2 to 8 items), level II: A; AQL 1.0: arrow down to E (n = 13, Ac 0)
        self.assertEqual(
            (
                inspection.quantity,
                inspection.code_letter,
                inspection.sample_size,
                inspection.accept_number,
                inspection.reject_number,
            ),
            (1, "E", 1, 0, 1),
        )
        self.assertEqual(lot.md_status, "quarantine")
        self.enter_results(inspection)
        self.sign(inspection)
        self.assertEqual((inspection.state, lot.md_status), ("passed", "released"))

    def test_lots_of_one_to_eight_units(self):
        for units in range(1, 9):
            sampling = self.iqc_plan._md_sampling(units)
            self.assertEqual((sampling["sample_size"], sampling["accept_number"]), (units, 0), units)

    def test_fraction_of_a_unit_is_one_unit(self):
        self.assertEqual(self.iqc_plan._md_sampling(0.5)["sample_size"], 1)
        self.assertEqual(self.iqc_plan._md_sampling(2.6)["sample_size"], 2)

    def test_refused_plan_is_a_user_error_naming_the_plan(self):
        """ISO 2859-1:1999 Table 2-B, code letter A, AQL 10: the transcriptions disagree, so refused."""
        plan = self.plan(self.pouch, "receipt", aql="10", inspection_level="II")
        with self.assertRaises(UserError) as error:
            plan._md_sampling(5, "tightened")
        message = str(error.exception)
        self.assertIn(plan.name, message)
        self.assertIn("Table 2-B, code letter A, AQL 10", message)
        self.assertIn("ISO 2859-1:1999", message)

    def test_receipt_refused_with_a_user_error_not_a_traceback(self):
        plan = self.plan(self.pouch, "receipt", aql="10", inspection_level="II")
        state = self.env["md.quality.plan.severity"].create(
            {"plan_id": plan.id, "partner_id": self.supplier.id, "product_id": self.pouch.id}
        )
        state._md_write_transition({"severity": "tightened"})
        picking = self._picking(
            self.warehouse.in_type_id, self.supplier_location, self.stock_location, self.supplier
        )
        move = self._move(picking, self.pouch, 5)
        move.move_line_ids = [(0, 0, self._line_vals(move, 5, lot_name="POUCH-REFUSED"))]
        with self.assertRaises(UserError) as error:
            self._validate(picking)
        self.assertIn(plan.name, str(error.exception))
        self.assertNotEqual(picking.state, "done")
