from odoo import api, fields, models

from odoo.addons.base.models.res_partner import _tz_get


class MdEnvLogger(models.Model):
    """A temperature/humidity data logger (or probe) placed in a monitored place.

    Its readings are valid only while its calibration is (ISO 13485:2016 7.6: monitoring and
    measuring equipment calibrated or verified at specified intervals; GSP, NMPA announcement
    2023 No. 153, Art. 49: temperature and humidity monitoring equipment is calibrated or
    verified periodically, with records). Its time zone reads the local times of its exports.
    """

    _name = "md.env.logger"
    _description = "Data Logger"
    _inherit = ["mail.thread"]
    _order = "serial"
    _rec_name = "serial"

    serial = fields.Char("Serial Number", required=True, tracking=True)
    model_name = fields.Char("Model", tracking=True)
    place_id = fields.Many2one("md.env.place", required=True, index=True, tracking=True, ondelete="restrict")
    company_id = fields.Many2one(related="place_id.company_id", store=True, index=True)
    tz = fields.Selection(
        _tz_get,
        "Time Zone",
        required=True,
        default=lambda self: self.env.user.tz or "UTC",
        tracking=True,
        help="The time zone of the local times in the logger's exports.",
    )
    calibration_due = fields.Date(
        required=True,
        tracking=True,
        help="Readings measured after this date are refused until the logger is calibrated again.",
    )
    active = fields.Boolean(default=True, tracking=True)
    reading_count = fields.Integer(compute="_compute_reading_count")

    _sql_constraints = [
        (
            "serial_company_unique",
            "unique(serial, company_id)",
            "A logger's serial number is unique per company.",
        ),
    ]

    @api.depends("serial")
    def _compute_reading_count(self):
        counts = dict(
            self.env["md.env.reading"]._read_group(
                [("logger_id", "in", self.ids)], ["logger_id"], ["__count"]
            )
        )
        for logger in self:
            logger.reading_count = counts.get(logger, 0)
