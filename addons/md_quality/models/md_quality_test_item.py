from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, float_repr, float_round

TEST_TYPES = [("measurement", "Measurement"), ("check", "Pass/Fail Check"), ("visual", "Visual Check")]
# Measured values are stored with 6 decimals (digits (16, 6)): no characteristic can be finer.
MAX_DECIMAL_PLACES = 6


def md_format_value(value, decimal_places):
    """``value`` with the characteristic's decimal places, or with more when it was recorded finer:
    a display never hides a recorded digit (ISO 13485:2016 4.2.5, records remain legible)."""
    value = value + 0.0  # no "-0.000"
    rounded = float_round(value, precision_digits=decimal_places)
    if float_round(value, precision_digits=MAX_DECIMAL_PLACES) != float_round(
        rounded, precision_digits=MAX_DECIMAL_PLACES
    ):
        return float_repr(value, MAX_DECIMAL_PLACES).rstrip("0")
    return float_repr(rounded + 0.0, decimal_places)


class MdQualityTestItem(models.Model):
    """One characteristic an inspection plan checks (ISO 13485 7.1, 8.2.6:
    acceptance criteria documented), with its process capability over the
    measured values of decided inspections."""

    _name = "md.quality.test.item"
    _description = "Inspection Test Item"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one("md.quality.inspection.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Characteristic", required=True)
    test_type = fields.Selection(TEST_TYPES, required=True, default="measurement")
    instructions = fields.Text()
    uom_id = fields.Many2one("uom.uom", string="Unit")
    lower_limit = fields.Float(string="Lower Limit (LSL)", digits=(16, 6))
    upper_limit = fields.Float(string="Upper Limit (USL)", digits=(16, 6))
    has_lower_limit = fields.Boolean(default=True)
    has_upper_limit = fields.Boolean(default=True)
    nominal = fields.Float(digits=(16, 6))
    measure_count = fields.Integer(
        string="Values per Inspection",
        help="Values to measure per inspection; 0 measures every sampled unit.",
    )
    decimal_places = fields.Integer(
        default=3,
        help="The resolution of the characteristic: its limits and measured values are shown with this "
        "number of decimal places (0 to 6).",
    )
    photo_required = fields.Boolean(
        compute="_compute_photo_required",
        store=True,
        readonly=False,
        precompute=True,
        help="The inspector attaches a photo of the result before signing the inspection (by default for "
        "visual checks).",
    )
    # Process capability (computed set-based, see _compute_capability)
    measurement_count = fields.Integer(compute="_compute_capability", string="Values")
    mean = fields.Float(compute="_compute_capability", digits=(16, 6))
    stddev = fields.Float(compute="_compute_capability", string="Std. Deviation (s)", digits=(16, 6))
    cp = fields.Float(compute="_compute_capability", digits=(16, 3))
    cpk = fields.Float(compute="_compute_capability", digits=(16, 3))

    @api.constrains("test_type", "lower_limit", "upper_limit", "has_lower_limit", "has_upper_limit")
    def _check_limits(self):
        for item in self.filtered(lambda i: i.test_type == "measurement"):
            if not (item.has_lower_limit or item.has_upper_limit):
                raise ValidationError(
                    self.env._("Measurement %s needs at least one specification limit.", item.name)
                )
            if item.has_lower_limit and item.has_upper_limit and item.lower_limit > item.upper_limit:
                raise ValidationError(
                    self.env._("The lower limit of %s is above its upper limit.", item.name)
                )

    @api.depends("test_type")
    def _compute_photo_required(self):
        for item in self:
            item.photo_required = item.test_type == "visual"

    @api.constrains("decimal_places")
    def _check_decimal_places(self):
        for item in self.filtered(lambda i: not 0 <= i.decimal_places <= MAX_DECIMAL_PLACES):
            raise ValidationError(
                self.env._(
                    "%(item)s: the decimal places must be between 0 and %(max)s.",
                    item=item.name,
                    max=MAX_DECIMAL_PLACES,
                )
            )

    @api.constrains("measure_count")
    def _check_measure_count(self):
        for item in self.filtered(lambda i: i.measure_count < 0):
            raise ValidationError(self.env._("Values per inspection of %s cannot be negative.", item.name))

    def _md_is_out_of_limits(self, value):
        self.ensure_one()
        return (self.has_lower_limit and value < self.lower_limit) or (
            self.has_upper_limit and value > self.upper_limit
        )

    def _compute_capability(self):
        stats = self._md_capability_stats()
        for item in self:
            count, mean, stddev = stats.get(item.id, (0, 0.0, None))
            item.measurement_count = count
            item.mean = mean or 0.0
            item.stddev = stddev or 0.0
            item.cp, item.cpk = item._md_capability_indices(mean, stddev)

    def _md_capability_stats(self):
        """``{item_id: (count, mean, sample standard deviation)}`` over the values
        of passed and failed inspections (open ones may still change), one SQL
        aggregate for all items."""
        ids = [item_id for item_id in self.ids if isinstance(item_id, int)]
        if not ids:
            return {}
        self.env["md.quality.measurement"].flush_model(["test_item_id", "value", "measured", "inspection_id"])
        self.env["md.quality.inspection"].flush_model(["state"])
        self.env.cr.execute(
            SQL(
                """
                SELECT m.test_item_id, COUNT(*), AVG(m.value), STDDEV_SAMP(m.value)
                  FROM md_quality_measurement m
                  JOIN md_quality_inspection i ON i.id = m.inspection_id
                 WHERE m.test_item_id = ANY(%s) AND m.measured AND i.state IN ('passed', 'failed')
              GROUP BY m.test_item_id
                """,
                ids,
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def _md_capability_indices(self, mean, stddev):
        """Cp = (USL - LSL) / 6s and Cpk = min(USL - mean, mean - LSL) / 3s;
        with one limit, Cpk uses that side and Cp is not defined (0)."""
        if not stddev or self.test_type != "measurement":
            return 0.0, 0.0
        sides = []
        if self.has_upper_limit:
            sides.append((self.upper_limit - mean) / (3 * stddev))
        if self.has_lower_limit:
            sides.append((mean - self.lower_limit) / (3 * stddev))
        cp = (self.upper_limit - self.lower_limit) / (6 * stddev) if len(sides) == 2 else 0.0
        return cp, min(sides)

    def action_open_control_chart(self):
        """Individual values over time (control chart) of this characteristic."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("md_quality.md_quality_measurement_action")
        # A sample prepared for entry but not measured yet is no data point.
        action["domain"] = [("test_item_id", "=", self.id), ("measured", "=", True)]
        action["view_mode"] = "graph,list,pivot"
        action["name"] = self.env._("Control Chart: %s", self.name)
        return action
