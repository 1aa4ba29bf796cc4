from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MdQualityMeasurement(models.Model):
    """One measured value of one sampled unit: the raw data of control charts
    and process capability (ISO 13485 8.4 analysis of data, 8.2.5/8.2.6
    monitoring and measurement)."""

    _name = "md.quality.measurement"
    _description = "Measured Value"
    _inherit = ["md.workflow.mixin"]
    _order = "date, id"

    # Recorded while the inspection is open; the time of measurement is the system's.
    _md_state_field = None
    _md_parent_field = "line_id"
    _md_transition_fields = ("date",)
    _md_create_only_fields = ("line_id",)

    line_id = fields.Many2one("md.quality.inspection.line", required=True, ondelete="cascade", index=True)
    inspection_id = fields.Many2one(related="line_id.inspection_id", store=True, index=True)
    test_item_id = fields.Many2one(
        related="line_id.test_item_id", store=True, index=True, string="Characteristic"
    )
    product_id = fields.Many2one(related="inspection_id.product_id", store=True, index=True)
    lot_id = fields.Many2one(related="inspection_id.lot_id", store=True, index=True)
    company_id = fields.Many2one(related="inspection_id.company_id", store=True, index=True)
    sample_no = fields.Integer(string="Sample", required=True, default=1)
    value = fields.Float(required=True, digits=(16, 6), aggregator="avg")
    uom_id = fields.Many2one(related="line_id.uom_id", string="Unit")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    out_of_limits = fields.Boolean(compute="_compute_out_of_limits", store=True)

    @api.depends(
        "value",
        "line_id.lower_limit",
        "line_id.upper_limit",
        "line_id.has_lower_limit",
        "line_id.has_upper_limit",
    )
    def _compute_out_of_limits(self):
        for measurement in self:
            line = measurement.line_id
            measurement.out_of_limits = (line.has_lower_limit and measurement.value < line.lower_limit) or (
                line.has_upper_limit and measurement.value > line.upper_limit
            )

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
