from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .md_quality_test_item import TEST_TYPES


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
    required_value_count = fields.Integer(compute="_compute_required_value_count", string="Values Needed")
    measurement_ids = fields.One2many("md.quality.measurement", "line_id", string="Measured Values")
    value_count = fields.Integer(compute="_compute_value_stats", string="Values Entered", store=True)
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
        }

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

    @api.depends("measurement_ids.out_of_limits")
    def _compute_value_stats(self):
        for line in self:
            line.value_count = len(line.measurement_ids)
            line.out_of_limit_count = len(line.measurement_ids.filtered("out_of_limits"))

    @api.depends(
        "test_type", "value_count", "required_value_count", "out_of_limit_count", "check_result", "photo"
    )
    def _compute_complete(self):
        for line in self:
            if line.test_type == "measurement":
                line.complete = line.value_count >= line.required_value_count
                failing = line.out_of_limit_count
            else:
                line.complete = bool(line.check_result) and (line.test_type != "visual" or bool(line.photo))
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
        """Record measured values for the next samples of this line, one row
        per value (phone entry and XML-RPC: ``md_record_values([id], [1.02, 0.99])``)."""
        self.ensure_one()
        if self.test_type != "measurement":
            raise UserError(self.env._("%s is not a measurement.", self.name))
        try:
            numbers = [float(value) for value in values]
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Measured values must be numbers: %s", values)) from error
        start = max(self.measurement_ids.mapped("sample_no"), default=0)
        self.env["md.quality.measurement"].create(
            [
                {"line_id": self.id, "sample_no": start + i, "value": value}
                for i, value in enumerate(numbers, 1)
            ]
        )
        return True
