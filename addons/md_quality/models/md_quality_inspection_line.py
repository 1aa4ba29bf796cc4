from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .md_quality_test_item import TEST_TYPES, md_format_value


class MdQualityInspectionLine(models.Model):
    """The result of one test item in one inspection. The item's limits are
    copied so the record keeps the acceptance criteria it was judged against
    (ISO 13485 4.2.5: records stay legible when the plan changes later)."""

    _name = "md.quality.inspection.line"
    _description = "Inspection Result Line"
    _inherit = ["md.workflow.mixin"]
    _order = "inspection_id, sequence, id"

    # Results are entered while the inspection is open; the acceptance criteria copied from
    # the test item stay as they were judged against.
    _md_state_field = None
    _md_parent_field = "inspection_id"
    _md_create_only_fields = (
        "inspection_id",
        "test_item_id",
        "name",
        "test_type",
        "instructions",
        "uom_id",
        "lower_limit",
        "upper_limit",
        "has_lower_limit",
        "has_upper_limit",
        "nominal",
        "decimal_places",
        "photo_required",
    )

    inspection_id = fields.Many2one("md.quality.inspection", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="inspection_id.company_id", store=True, index=True)
    state = fields.Selection(related="inspection_id.state")
    test_item_id = fields.Many2one("md.quality.test.item", required=True, ondelete="restrict", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Characteristic", required=True)
    test_type = fields.Selection(TEST_TYPES, required=True)
    instructions = fields.Text(readonly=True)
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    lower_limit = fields.Float(string="LSL", digits=(16, 6), readonly=True)
    upper_limit = fields.Float(string="USL", digits=(16, 6), readonly=True)
    has_lower_limit = fields.Boolean(readonly=True)
    has_upper_limit = fields.Boolean(readonly=True)
    nominal = fields.Float(digits=(16, 6), readonly=True)
    decimal_places = fields.Integer(default=3, readonly=True)
    limits_display = fields.Char(
        compute="_compute_limits_display",
        string="Limits",
        help="The specification limits with the characteristic's decimal places.",
    )
    photo_required = fields.Boolean(
        compute="_compute_photo_required", store=True, readonly=False, precompute=True
    )
    photo_missing = fields.Boolean(
        compute="_compute_photo_missing", help="A photo is required and not attached yet."
    )
    photo_status = fields.Selection(
        [("required", "Photo required"), ("attached", "Photo attached")],
        compute="_compute_photo_missing",
    )
    required_value_count = fields.Integer(compute="_compute_required_value_count", string="Values Needed")
    measurement_ids = fields.One2many("md.quality.measurement", "line_id", string="Measured Values")
    value_count = fields.Integer(compute="_compute_value_stats", string="Values Entered", store=True)
    sample_progress = fields.Char(
        compute="_compute_sample_progress",
        string="Samples Measured",
        help="Samples measured / samples to measure.",
    )
    out_of_limit_count = fields.Integer(compute="_compute_value_stats", string="Out of Limits", store=True)
    check_result = fields.Selection([("pass", "Pass"), ("fail", "Fail")], string="Check")
    defect_units = fields.Integer(
        string="Failing Units",
        help="Sampled units failing this check (checks and visual checks).",
    )
    photo = fields.Image(max_width=1920, max_height=1920, attachment=True)
    note = fields.Text()
    complete = fields.Boolean(compute="_compute_complete")
    result = fields.Selection(
        [("pending", "Pending"), ("pass", "Pass"), ("fail", "Fail")], compute="_compute_complete"
    )

    @api.model
    def _md_vals_from_item(self, item):
        return {
            "test_item_id": item.id,
            "sequence": item.sequence,
            "name": item.name,
            "test_type": item.test_type,
            "instructions": item.instructions,
            "uom_id": item.uom_id.id,
            "lower_limit": item.lower_limit,
            "upper_limit": item.upper_limit,
            "has_lower_limit": item.has_lower_limit,
            "has_upper_limit": item.has_upper_limit,
            "nominal": item.nominal,
            "decimal_places": item.decimal_places,
            "photo_required": item.photo_required,
        }

    @api.depends("test_type")
    def _compute_photo_required(self):
        # Lines recorded before the choice existed keep the rule they were judged by: visual checks.
        for line in self:
            line.photo_required = line.test_type == "visual"

    @api.depends("photo_required", "photo")
    def _compute_photo_missing(self):
        for line in self:
            line.photo_missing = line.photo_required and not line.photo
            # Announced on the result before signing, not discovered when the signature is refused.
            line.photo_status = (line.photo and "attached") or (line.photo_required and "required") or False

    @api.depends(
        "test_type", "lower_limit", "upper_limit", "has_lower_limit", "has_upper_limit", "decimal_places"
    )
    def _compute_limits_display(self):
        for line in self:
            line.limits_display = line._md_limits_text() if line.test_type == "measurement" else False

    def _md_limits_text(self):
        low, high = (
            md_format_value(limit, self.decimal_places) for limit in (self.lower_limit, self.upper_limit)
        )
        if self.has_lower_limit and self.has_upper_limit:
            return f"{low} – {high}"
        return f"≥ {low}" if self.has_lower_limit else f"≤ {high}"

    @api.depends("test_type", "value_count", "required_value_count")
    def _compute_sample_progress(self):
        for line in self:
            line.sample_progress = (
                f"{line.value_count} / {line.required_value_count}"
                if line.test_type == "measurement"
                else False
            )

    @api.depends("test_type", "test_item_id.measure_count", "inspection_id.sample_size")
    def _compute_required_value_count(self):
        for line in self:
            if line.test_type != "measurement":
                line.required_value_count = 0
            else:
                line.required_value_count = min(
                    line.test_item_id.measure_count or line.inspection_id.sample_size,
                    line.inspection_id.sample_size,
                )

    @api.depends("measurement_ids.measured", "measurement_ids.out_of_limits")
    def _compute_value_stats(self):
        for line in self:
            # A sample prepared for entry counts once it is measured.
            line.value_count = len(line.measurement_ids.filtered("measured"))
            line.out_of_limit_count = len(line.measurement_ids.filtered("out_of_limits"))

    @api.depends(
        "test_type",
        "value_count",
        "required_value_count",
        "out_of_limit_count",
        "check_result",
        "photo_missing",
    )
    def _compute_complete(self):
        # No verdict before every sample is measured and the required photo attached (ISO 13485:2016
        # 8.2.6: the record shows conformity with the acceptance criteria, not a part of it).
        for line in self:
            if line.test_type == "measurement":
                line.complete = line.value_count >= line.required_value_count and not line.photo_missing
                failing = line.out_of_limit_count
            else:
                line.complete = bool(line.check_result) and not line.photo_missing
                failing = line.check_result == "fail"
            line.result = "pending" if not line.complete else ("fail" if failing else "pass")

    @api.constrains("check_result", "defect_units")
    def _check_defect_units(self):
        for line in self:
            if line.defect_units < 0 or (line.check_result == "pass" and line.defect_units):
                raise ValidationError(
                    self.env._(
                        "%s: failing units must be zero for a passed check and never negative.", line.name
                    )
                )

    @api.onchange("check_result")
    def _onchange_check_result(self):
        if self.check_result == "fail" and not self.defect_units:
            self.defect_units = 1
        elif self.check_result == "pass":
            self.defect_units = 0

    def write(self, vals):
        if vals.get("check_result") == "fail" and not vals.get("defect_units"):
            vals["defect_units"] = max(vals.get("defect_units", 0), 1)
        if vals.get("check_result") == "pass":
            vals["defect_units"] = 0
        return super().write(vals)

    def md_record_values(self, values):
        """Record measured values for the next samples of this line: the samples prepared and not
        measured yet first, in their order, then new rows (phone entry and XML-RPC:
        ``md_record_values([id], [1.02, 0.99])``)."""
        self.ensure_one()
        if self.test_type != "measurement":
            raise UserError(self.env._("%s is not a measurement.", self.name))
        try:
            numbers = [float(value) for value in values]
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Measured values must be numbers: %s", values)) from error
        unmeasured = self.measurement_ids.filtered(lambda m: not m.measured).sorted("sample_no")
        for measurement, value in zip(unmeasured, numbers, strict=False):
            measurement.write({"value": value})
        extra = numbers[len(unmeasured) :]
        start = max(self.measurement_ids.mapped("sample_no"), default=0)
        self.env["md.quality.measurement"].create(
            [{"line_id": self.id, "sample_no": start + i, "value": value} for i, value in enumerate(extra, 1)]
        )
        return True

    def _md_prepare_samples(self):
        """One empty row per sample to measure (sample 1..n), so that the inspector only fills the
        values; rows that exist are kept (idempotent). One create for all the lines."""
        vals_list = []
        for line in self.filtered(lambda line: line.test_type == "measurement"):
            existing = set(line.measurement_ids.mapped("sample_no"))
            vals_list += [
                {"line_id": line.id, "sample_no": number}
                for number in range(1, line.required_value_count + 1)
                if number not in existing
            ]
        return self.env["md.quality.measurement"].create(vals_list)

    def _md_results_entered(self):
        """Whether the values or the check result are entered (the photo aside)."""
        self.ensure_one()
        if self.test_type == "measurement":
            return self.value_count >= self.required_value_count
        return bool(self.check_result)

    def _md_samples_missing(self):
        """The measurement lines with fewer rows than samples to measure."""
        return self.filtered(
            lambda line: (
                line.test_type == "measurement" and len(line.measurement_ids) < line.required_value_count
            )
        )
