"""Result entry per characteristic and sample (ISO 13485:2016 8.2.6): one row per sample prepared
when the inspection starts, unmeasured until a value is entered, no verdict before every sample is
measured, limits and values with the characteristic's decimal places, required photos."""

import base64
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .inspection_common import InspectionCase

# A 1x1 PNG: the photo of a result.
PHOTO = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63f8cfc0f01f0005000201"
        "5d8c3a4c0000000049454e44ae426082"
    )
)


class SampleEntryCase(InspectionCase):
    def started(self, lot_name):
        inspection = self.inspections_of(self.receive(self.tubing, lot_name, 500))
        inspection.with_user(self.inspector).action_start()
        return inspection

    def line_of(self, inspection, item):
        return inspection.line_ids.filtered(lambda line: line.test_item_id == item).with_user(self.inspector)


@tagged("post_install", "-at_install")
class TestInspectionSampleRows(SampleEntryCase):
    def test_start_prepares_one_row_per_sample(self):
        inspection = self.started("TUBE-ROWS")
        line = self.line_of(inspection, self.length)
        rows = line.measurement_ids
        self.assertEqual(rows.mapped("sample_no"), [1, 2, 3], "values per inspection: 3")
        self.assertEqual(rows.mapped("sample_label"), ["1 / 3", "2 / 3", "3 / 3"])
        self.assertEqual(rows.mapped("measured"), [False] * 3)
        self.assertEqual(rows.mapped("value_entry"), [False] * 3, "empty until measured, never 0.000")
        self.assertEqual(line.sample_progress, "0 / 3")
        self.assertFalse(self.line_of(inspection, self.seal).measurement_ids, "a check has no values")
        self.assertFalse(inspection.samples_to_prepare)
        inspection.with_user(self.inspector).action_md_prepare_samples()
        self.assertEqual(len(line.measurement_ids), 3, "prepared once")

    def test_every_sampled_unit_when_values_per_inspection_is_zero(self):
        self.length.measure_count = 0
        inspection = self.started("TUBE-ROWS-ALL")
        rows = self.line_of(inspection, self.length).measurement_ids
        self.assertEqual(rows.mapped("sample_no"), list(range(1, inspection.sample_size + 1)))

    def test_rows_missing_are_prepared_on_an_open_inspection_only(self):
        inspection = self.inspections_of(self.receive(self.tubing, "TUBE-ROWS-LATE", 500))
        self.assertTrue(inspection.samples_to_prepare, "a draft inspection has no rows yet")
        inspection.with_user(self.inspector).action_md_prepare_samples()
        self.assertFalse(inspection.samples_to_prepare)
        inspection.action_cancel()
        with self.assertRaisesRegex(UserError, "Preparing the sample rows is not possible"):
            inspection.with_user(self.inspector).action_md_prepare_samples()

    def test_plain_user_cannot_enter_values(self):
        inspection = self.started("TUBE-ROWS-USER")
        row = self.line_of(inspection, self.length).measurement_ids[0]
        with self.assertRaises(AccessError):
            row.with_user(self.plain_user).value_entry = "3.0"

    def test_record_values_fills_the_prepared_rows_first(self):
        inspection = self.started("TUBE-ROWS-RPC")
        line = self.line_of(inspection, self.length)
        line.md_record_values([3.0, 3.01])
        line.md_record_values([3.02])
        self.assertEqual(len(line.measurement_ids), 3, "no row added while prepared rows are empty")
        self.assertEqual(line.measurement_ids.mapped("value"), [3.0, 3.01, 3.02])
        self.assertEqual(line.sample_progress, "3 / 3")


@tagged("post_install", "-at_install")
class TestInspectionUnmeasuredSamples(SampleEntryCase):
    def test_no_verdict_until_every_sample_is_measured(self):
        inspection = self.started("TUBE-VERDICT")
        line = self.line_of(inspection, self.length)
        rows = line.measurement_ids
        rows[0].value_entry = "3.0"
        rows[1].value_entry = "3.05"
        self.line_of(inspection, self.seal).check_result = "pass"
        self.assertEqual((line.sample_progress, line.complete, line.result), ("2 / 3", False, "pending"))
        self.assertFalse(rows[2].out_of_limits, "an unmeasured sample is no value outside 2.9-3.1")
        self.assertEqual(inspection.defect_count, 0)
        with self.assertRaisesRegex(UserError, "lacks results for: Outer diameter"):
            self.sign(inspection)
        rows[2].value_entry = "3.5"
        self.assertEqual((line.sample_progress, line.result), ("3 / 3", "fail"))
        self.assertEqual(inspection.defect_count, 1)
        self.sign(inspection)
        self.assertEqual(inspection.state, "passed", "n = 50, Ac = 1: one defective unit is accepted")

    def test_zero_is_a_measured_value(self):
        flatness = self.item(self.iqc_plan, "Flatness deviation", lower=-0.05, upper=0.05, measure_count=1)
        inspection = self.started("TUBE-ZERO")
        line = self.line_of(inspection, flatness)
        line.measurement_ids.value_entry = "0"
        self.assertEqual(
            (line.measurement_ids.measured, line.measurement_ids.value_entry, line.result),
            (True, "0.000", "pass"),
        )

    def test_erasing_an_entry_makes_the_sample_unmeasured(self):
        inspection = self.started("TUBE-ERASE")
        line = self.line_of(inspection, self.length)
        row = line.measurement_ids[0]
        row.value_entry = "3.5"
        self.assertTrue(row.out_of_limits)
        row.value_entry = False
        self.assertEqual((row.measured, row.value_entry, row.out_of_limits), (False, False, False))
        self.assertEqual(line.sample_progress, "0 / 3")

    def test_entry_must_be_a_number(self):
        inspection = self.started("TUBE-NAN")
        row = self.line_of(inspection, self.length).measurement_ids[0]
        with self.assertRaisesRegex(UserError, "Outer diameter, sample 1: 3.0x is not a number"):
            row.value_entry = "3.0x"

    def test_measured_flag_time_and_sample_are_not_editable(self):
        inspection = self.started("TUBE-FLAG")
        row = self.line_of(inspection, self.length).measurement_ids[0]
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            row.write({"measured": True})
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            row.write({"date": fields.Datetime.now() - timedelta(days=1)})
        with self.assertRaisesRegex(UserError, "fixed once the record exists"):
            row.write({"sample_no": 2})
        before = fields.Datetime.now()
        row.value_entry = "3.0"
        self.assertGreaterEqual(row.date, before, "the time of the measurement is the entry's")

    def test_decided_inspection_refuses_entries_and_corrections(self):
        inspection = self.started("TUBE-CLOSED")
        self.enter_results(inspection)
        self.sign(inspection)
        row = self.line_of(inspection, self.length).measurement_ids[0]
        for entry in ("3.0", False):
            with self.assertRaisesRegex(UserError, "no longer takes changes"):
                row.value_entry = entry
        with self.assertRaisesRegex(UserError, "no longer takes changes"):
            row.write({"value": row.value})


@tagged("post_install", "-at_install")
class TestInspectionPrecision(SampleEntryCase):
    def test_limits_and_values_with_the_decimal_places(self):
        self.length.decimal_places = 2
        inspection = self.started("TUBE-DIGITS")
        line = self.line_of(inspection, self.length)
        self.assertEqual((line.decimal_places, line.limits_display), (2, "2.90 – 3.10"))
        rows = line.measurement_ids
        rows[0].value_entry = "3"
        rows[1].value_entry = "3.005"
        self.assertEqual(
            rows[:2].mapped("value_entry"), ["3.00", "3.005"], "a recorded digit is never hidden"
        )
        self.length.decimal_places = 4
        self.assertEqual(line.limits_display, "2.90 – 3.10", "the inspection keeps its criteria")

    def test_one_sided_limit_is_shown_as_such(self):
        strength = self.item(
            self.iqc_plan, "Tensile strength", lower=10.0, has_upper_limit=False, decimal_places=1
        )
        inspection = self.inspections_of(self.receive(self.tubing, "TUBE-ONE-SIDED", 500))
        self.assertEqual(self.line_of(inspection, strength).limits_display, "≥ 10.0")

    def test_decimal_places_outside_zero_to_six_refused(self):
        for places in (-1, 7):
            with self.assertRaisesRegex(ValidationError, "between 0 and 6"):
                self.length.decimal_places = places


@tagged("post_install", "-at_install")
class TestInspectionPhoto(SampleEntryCase):
    def test_visual_checks_require_a_photo_by_default(self):
        visual = self.item(self.iqc_plan, "Label legible", test_type="visual")
        self.assertEqual((visual.photo_required, self.seal.photo_required), (True, False))

    def test_required_photo_is_announced_then_enforced(self):
        self.seal.photo_required = True
        inspection = self.inspections_of(self.receive(self.tubing, "TUBE-PHOTO", 500))
        seal = self.line_of(inspection, self.seal)
        self.assertEqual(
            (seal.photo_required, seal.photo_status), (True, "required"), "announced before entry"
        )
        self.enter_results(inspection)
        self.assertEqual((seal.complete, seal.result), (False, "pending"))
        with self.assertRaisesRegex(
            UserError, "the photo required for Surface free of particles is missing. Attach it"
        ):
            self.sign(inspection)
        seal.photo = PHOTO
        self.assertEqual((seal.photo_status, seal.result), ("attached", "pass"))
        self.sign(inspection)
        self.assertEqual(inspection.state, "passed")

    def test_photo_requirement_is_fixed_on_the_inspection(self):
        inspection = self.inspections_of(self.receive(self.tubing, "TUBE-PHOTO-FIXED", 500))
        seal = self.line_of(inspection, self.seal)
        with self.assertRaisesRegex(UserError, "fixed once the record exists"):
            seal.photo_required = True
