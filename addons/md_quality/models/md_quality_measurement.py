from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .md_quality_test_item import md_format_value


class MdQualityMeasurement(models.Model):
    """One measured value of one sampled unit: the raw data of control charts
    and process capability (ISO 13485 8.4 analysis of data, 8.2.5/8.2.6
    monitoring and measurement).

    Starting the inspection prepares one row per sample to measure; a row is
    unmeasured (``measured`` False, its value empty on screen, never a 0.0 taken
    for a result) until a value is entered, and only then counts for the
    verdict, the control chart and the capability."""

    _name = "md.quality.measurement"
    _description = "Measured Value"
    _inherit = ["md.workflow.mixin"]
    # Entry order: per characteristic, sample by sample (the analysis views sort by date).
    _order = "line_id, sample_no, id"

    # Recorded while the inspection is open; that a value was measured, and when, is the
    # system's record of the entry, never a caller's value (ALCOA: attributable, contemporaneous).
    _md_state_field = None
    _md_parent_field = "line_id"
    _md_transition_fields = ("date", "measured")
    # Which sampled unit a row is stays as prepared.
    _md_create_only_fields = ("line_id", "sample_no")

    line_id = fields.Many2one("md.quality.inspection.line", required=True, ondelete="cascade", index=True)
    inspection_id = fields.Many2one(related="line_id.inspection_id", store=True, index=True)
    test_item_id = fields.Many2one(
        related="line_id.test_item_id", store=True, index=True, string="Characteristic"
    )
    line_name = fields.Char(related="line_id.name", string="Characteristic Name")
    product_id = fields.Many2one(related="inspection_id.product_id", store=True, index=True)
    lot_id = fields.Many2one(related="inspection_id.lot_id", store=True, index=True)
    company_id = fields.Many2one(related="inspection_id.company_id", store=True, index=True)
    sample_no = fields.Integer(string="Sample", required=True, default=1)
    sample_label = fields.Char(
        compute="_compute_sample_label",
        string="Sample No.",
        help="This sample's number / samples to measure.",
    )
    value = fields.Float(digits=(16, 6), aggregator="avg")
    measured = fields.Boolean(
        readonly=True, index=True, help="A value was entered for this sample; until then it is not measured."
    )
    value_entry = fields.Char(
        compute="_compute_value_entry",
        inverse="_inverse_value_entry",
        string="Measured Value",
        help="The measured value, shown with the characteristic's decimal places; empty until measured. "
        "Erase it to correct an entry while the inspection is open.",
    )
    limits_display = fields.Char(related="line_id.limits_display")
    uom_id = fields.Many2one(related="line_id.uom_id", string="Unit")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    out_of_limits = fields.Boolean(compute="_compute_out_of_limits", store=True)

    _sql_constraints = [
        (
            "line_sample_unique",
            "unique(line_id, sample_no)",
            "A characteristic has one value per sampled unit.",
        ),
    ]

    @api.depends(
        "value",
        "measured",
        "line_id.lower_limit",
        "line_id.upper_limit",
        "line_id.has_lower_limit",
        "line_id.has_upper_limit",
    )
    def _compute_out_of_limits(self):
        for measurement in self:
            line = measurement.line_id
            measurement.out_of_limits = measurement.measured and (
                (line.has_lower_limit and measurement.value < line.lower_limit)
                or (line.has_upper_limit and measurement.value > line.upper_limit)
            )

    @api.depends("sample_no", "line_id.required_value_count")
    def _compute_sample_label(self):
        for measurement in self:
            measurement.sample_label = f"{measurement.sample_no} / {measurement.line_id.required_value_count}"

    @api.depends("value", "measured", "line_id.decimal_places")
    def _compute_value_entry(self):
        for measurement in self:
            measurement.value_entry = (
                md_format_value(measurement.value, measurement.line_id.decimal_places)
                if measurement.measured
                else False
            )

    def _inverse_value_entry(self):
        for measurement in self:
            value = measurement._md_parse_entry(measurement.value_entry)
            if value is None:
                measurement._md_clear()
            else:
                measurement.write({"value": value})
        # Shown again as recorded (the characteristic's decimal places), not as typed.
        self.invalidate_recordset(["value_entry"])

    def _md_parse_entry(self, text):
        """The number typed by the inspector (the user's decimal point, or "."), None when erased."""
        text = (text or "").strip().replace(" ", "")
        if not text:
            return None
        lang = self.env["res.lang"]._get_data(code=self.env.user.lang or "en_US")
        decimal_point = (lang and lang.decimal_point) or "."
        if decimal_point != "." and "." not in text:
            text = text.replace(decimal_point, ".")
        try:
            return float(text)
        except ValueError as error:
            raise UserError(
                self.env._(
                    "%(item)s, sample %(sample)s: %(value)s is not a number.",
                    item=self.line_id.name,
                    sample=self.sample_no,
                    value=text,
                )
            ) from error

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        measured = records.browse(
            record.id for record, vals in zip(records, vals_list, strict=True) if "value" in vals
        )
        if measured:
            measured._md_write_transition({"measured": True})
        return records

    def write(self, vals):
        result = super().write(vals)
        if "value" in vals and not self._md_in_transition():
            # Re-entering the value a row already has passes the guard (nothing changed) but is still
            # an entry: refused once decided.
            self._md_check_parent_not_closed(self.env._("Entering a measured value"))
            # Entering a value, 0.0 included, is the measurement; the time is the system's.
            self._md_write_transition({"measured": True, "date": fields.Datetime.now()})
        return result

    def _md_clear(self):
        """An erased entry makes the sample unmeasured again: a correction, under the same guard as
        an entry (open inspection, write access)."""
        self.check_access("write")
        self._md_check_parent_not_closed(self.env._("Erasing a measured value"))
        self._md_write_transition({"value": 0.0, "measured": False, "date": fields.Datetime.now()})

    @api.constrains("sample_no", "line_id")
    def _check_sample_no(self):
        for measurement in self:
            if not 1 <= measurement.sample_no <= measurement.inspection_id.sample_size:
                raise ValidationError(
                    self.env._(
                        "Sample %(no)s of %(item)s is outside the sample of %(size)s units.",
                        no=measurement.sample_no,
                        item=measurement.line_id.name,
                        size=measurement.inspection_id.sample_size,
                    )
                )
