"""Cold-chain transport records (冷链运输记录): how devices that need refrigerated or frozen
management travelled, and whether their temperature was kept.

China's medical device GSP (医疗器械经营质量管理规范, NMPA announcement 2023 No. 153):

- Art. 63: on receiving devices that need refrigerated or frozen management, the transport
  mode, the arrival and in-transit temperatures, the departure and arrival times are verified
  and recorded;
- Art. 67: at acceptance the transport mode, the temperature record of the transport, the
  transport time and the arrival temperature are checked (for a sales return, also the
  temperature record while sold); devices that do not meet the temperature requirement are
  refused (拒收);
- Art. 95: (1) the vehicle cold box or insulated box is pre-cooled to the required temperature
  before use; (2) packing is done within the labelled temperature range; (3) a refrigerated
  vehicle is checked running and at temperature before loading;
- Art. 97: refrigerated vehicles (冷藏车), vehicle-mounted refrigerated/freezer boxes
  (车载冷藏冷冻箱) and insulated boxes (保温箱) meet the transport temperature requirements.

The record is made for one delivery or receipt: its required range is the storage range shared
by the picking's temperature-controlled devices, fixed at creation; the data logger that travels
with the goods provides the in-transit temperature record (its readings between departure and
arrival, summarised by one statement); on arrival the result (conform or excursion) and what
failed are stored and the record is closed (ISO 13485:2016 7.5.11 preservation of product,
4.2.5 control of records).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

TRANSPORT_MODES = [
    ("refrigerated_vehicle", "Refrigerated Vehicle"),
    ("vehicle_cold_box", "Vehicle-Mounted Refrigerated/Freezer Box"),
    ("insulated_box", "Insulated Box"),
]
STATES = [("draft", "Draft"), ("in_transit", "In Transit"), ("arrived", "Arrived")]
RESULTS = [("conform", "Conform"), ("excursion", "Temperature Excursion")]
DIRECTIONS = [("outgoing", "Delivery to a Customer"), ("incoming", "Receipt or Sales Return")]
# Written only by action_depart / action_arrive.
TRANSITION_FIELDS = ("result", "result_summary", "arrival_temperature_recorded")
# What was verified at departure is fixed once the goods are on their way (Art. 95).
DEPARTURE_FIELDS = ("transport_mode", "container_ref", "logger_id", "departure", "container_precooled")


class MdEnvTransport(models.Model):
    _name = "md.env.transport"
    _description = "Cold-Chain Transport Record"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.workflow.mixin"]
    _order = "departure desc, id desc"
    _check_company_auto = True

    _md_transition_fields = TRANSITION_FIELDS
    _md_create_only_fields = ("name", "picking_id", "temp_min", "temp_max")
    _md_closed_states = ("arrived",)
    _md_field_states = {
        **dict.fromkeys(DEPARTURE_FIELDS, ("draft",)),
        "arrival": ("in_transit",),
        "arrival_temperature": ("in_transit",),
    }

    name = fields.Char("Reference", required=True, readonly=True, copy=False, default="/")
    picking_id = fields.Many2one(
        "stock.picking", "Transfer", required=True, index=True, ondelete="restrict", check_company=True,
        help="The delivery to a customer, the receipt from a supplier or the sales return transported.",
    )  # fmt: skip
    company_id = fields.Many2one(related="picking_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="picking_id.partner_id", string="Partner")
    direction = fields.Selection(DIRECTIONS, compute="_compute_direction", store=True)
    state = fields.Selection(STATES, required=True, default="draft", index=True, tracking=True, copy=False)
    transport_mode = fields.Selection(TRANSPORT_MODES, tracking=True, help="GSP Art. 97.")
    container_ref = fields.Char(
        "Vehicle Plate or Box Number", tracking=True, help="The refrigerated vehicle's plate, or the number "
        "of the vehicle-mounted box or insulated box.",
    )  # fmt: skip
    logger_id = fields.Many2one(
        "md.env.logger", "Data Logger", tracking=True, check_company=True, ondelete="restrict",
        help="The logger that travels with the goods: its readings between departure and arrival are the "
        "temperature record of the transport.",
    )  # fmt: skip
    carrier_id = fields.Many2one("res.partner", tracking=True)
    temp_min = fields.Float("Minimum Temperature (°C)", readonly=True)
    temp_max = fields.Float("Maximum Temperature (°C)", readonly=True)
    container_precooled = fields.Boolean(
        "Container Pre-Cooled", tracking=True,
        help="GSP Art. 95: the cold box or insulated box reached the required temperature before use, the "
        "refrigerated vehicle was checked running and at temperature before loading, and the goods were "
        "packed within their labelled temperature range.",
    )  # fmt: skip
    departure = fields.Datetime(tracking=True)
    arrival = fields.Datetime(tracking=True)
    arrival_temperature = fields.Float("Arrival Temperature (°C)", tracking=True)
    arrival_temperature_recorded = fields.Boolean(readonly=True, copy=False)
    result = fields.Selection(RESULTS, readonly=True, copy=False, tracking=True, index=True)
    result_summary = fields.Text("Result Details", readonly=True, copy=False)
    note = fields.Text()
    # The readings of the window (one statement for all the records read).
    reading_count = fields.Integer("Readings", compute="_compute_readings")
    reading_temp_min = fields.Float("Lowest Reading (°C)", compute="_compute_readings")
    reading_temp_max = fields.Float("Highest Reading (°C)", compute="_compute_readings")
    reading_out_count = fields.Integer("Readings Out of Range", compute="_compute_readings")
    reading_max_gap = fields.Integer(
        "Longest Interval (minutes)", compute="_compute_readings",
        help="The longest time without a reading, from the departure to the first reading, between two "
        "readings and from the last reading to the arrival.",
    )  # fmt: skip
    max_interval = fields.Integer(
        "Maximum Interval (minutes)", related="logger_id.place_id.max_interval",
    )  # fmt: skip
    reading_gap_exceeded = fields.Boolean("Gap in the Record", compute="_compute_readings")

    @api.depends("picking_id", "picking_id.location_id.usage", "picking_id.location_dest_id.usage")
    def _compute_direction(self):
        for transport in self:
            transport.direction = transport.picking_id._md_cold_chain_direction()

    @api.depends(
        "logger_id",
        "departure",
        "arrival",
        "temp_min",
        "temp_max",
        "state",
        "logger_id.place_id.max_interval",
    )
    def _compute_readings(self):
        summaries = self._md_reading_summaries()
        for transport in self:
            summary = summaries.get(transport.id, {})
            transport.reading_count = summary.get("count", 0)
            transport.reading_temp_min = summary.get("min") or 0.0
            transport.reading_temp_max = summary.get("max") or 0.0
            transport.reading_out_count = summary.get("out", 0)
            transport.reading_max_gap = summary.get("max_gap", 0)
            transport.reading_gap_exceeded = summary.get("gap_exceeded", False)

    # --- creation -------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        pickings = self.env["stock.picking"].browse(
            [vals["picking_id"] for vals in vals_list if vals.get("picking_id")]
        )
        pickings.check_access("read")
        for vals in vals_list:
            for name in ("arrival", "arrival_temperature"):
                if vals.get(name) is not None and vals.get(name) is not False:
                    raise UserError(
                        self.env._(
                            "The arrival of a cold-chain transport is recorded once the goods are in "
                            "transit, not when the record is created."
                        )
                    )
                vals.pop(name, None)
            picking = self.env["stock.picking"].browse(vals.get("picking_id"))
            if picking:
                vals["temp_min"], vals["temp_max"] = picking.sudo()._md_cold_chain_range()
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("md.env.transport") or "/"
        return super().create(vals_list)

    def write(self, vals):
        result = super().write(vals)
        if "arrival_temperature" in vals:
            self.filtered(lambda t: not t.arrival_temperature_recorded)._md_write_transition(
                {"arrival_temperature_recorded": True}
            )
        return result

    # --- readings of the window ------------------------------------------------------

    def _md_window(self):
        """``(start, end)`` of the transport's temperature record: departure to arrival (to now
        while the goods are in transit), or ``None`` when it has not started."""
        self.ensure_one()
        if not self.departure:
            return None
        end = self.arrival or (fields.Datetime.now() if self.state != "arrived" else self.departure)
        return self.departure, max(end, self.departure)

    def _md_reading_summaries(self):
        """``{id: {count, min, max, out, max_gap, gap_exceeded}}`` of the records with a logger
        and a departure: the logger's readings in the window, counted against the required range,
        and the longest interval without a reading (the departure to the first reading and the
        last reading to the arrival included), in one statement."""
        windows = []
        for transport in self:
            window = transport._md_window() if transport.logger_id and isinstance(transport.id, int) else None
            if window:
                windows.append(
                    SQL(
                        "(%s, %s, %s::timestamp, %s::timestamp, %s::float8, %s::float8, %s)",
                        transport.id,
                        transport.logger_id.id,
                        window[0],
                        window[1],
                        transport.temp_min,
                        transport.temp_max,
                        transport.logger_id.place_id.max_interval,
                    )
                )
        if not windows:
            return {}
        self.env["md.env.reading"].flush_model(["logger_id", "measured_at", "temperature"])
        self.env.cr.execute(
            SQL(
                """
                WITH win(id, logger_id, t0, t1, low, high, max_interval) AS (VALUES %(windows)s),
                steps AS (
                    SELECT w.id, r.measured_at, r.temperature,
                           r.measured_at - LAG(r.measured_at) OVER (PARTITION BY w.id ORDER BY r.measured_at)
                               AS step
                      FROM win w
                      JOIN md_env_reading r
                        ON r.logger_id = w.logger_id AND r.measured_at BETWEEN w.t0 AND w.t1
                )
                SELECT w.id, COUNT(s.measured_at), MIN(s.temperature), MAX(s.temperature),
                       COUNT(s.measured_at) FILTER (WHERE s.temperature < w.low OR s.temperature > w.high),
                       CEIL(GREATEST(
                           EXTRACT(EPOCH FROM MAX(s.step)),
                           EXTRACT(EPOCH FROM MIN(s.measured_at) - w.t0),
                           EXTRACT(EPOCH FROM w.t1 - MAX(s.measured_at)),
                           CASE WHEN COUNT(s.measured_at) = 0 THEN EXTRACT(EPOCH FROM w.t1 - w.t0) END
                       ) / 60)::int AS max_gap,
                       w.max_interval
                  FROM win w
                  LEFT JOIN steps s ON s.id = w.id
                 GROUP BY w.id, w.t0, w.t1, w.max_interval
                """,
                windows=SQL(", ").join(windows),
            )
        )
        return {
            transport_id: {
                "count": count,
                "min": low,
                "max": high,
                "out": out,
                "max_gap": max_gap or 0,
                "gap_exceeded": (max_gap or 0) > max_interval,
            }
            for transport_id, count, low, high, out, max_gap, max_interval in self.env.cr.fetchall()
        }

    # --- workflow ---------------------------------------------------------------------

    def action_depart(self):
        """The goods leave: mode, container, logger and departure time are recorded; for a
        delivery the container was pre-cooled (GSP Art. 95, 97)."""
        self.check_access("write")
        self._md_check_state(("draft",), self.env._("Recording the departure"))
        for transport in self:
            transport._md_check_departure()
        self._md_write_transition({"state": "in_transit"})
        return True

    def _md_check_departure(self):
        self.ensure_one()
        missing = [
            self._fields[name]._description_string(self.env)
            for name in ("transport_mode", "container_ref", "logger_id", "departure")
            if not self[name]
        ]
        if missing:
            raise UserError(
                self.env._(
                    "%(record)s: record %(fields)s before the departure (GSP Art. 63, 97).",
                    record=self.display_name,
                    fields=", ".join(missing),
                )
            )
        if self.direction == "outgoing" and not self.container_precooled:
            raise UserError(
                self.env._(
                    "%s: the container must be pre-cooled to the required temperature (and a refrigerated "
                    "vehicle checked running and at temperature) before loading (GSP Art. 95).",
                    self.display_name,
                )
            )
        if self.logger_id.calibration_due and self.departure.date() > self.logger_id.calibration_due:
            raise UserError(
                self.env._(
                    "%(record)s: data logger %(logger)s was due for calibration on %(due)s; its readings "
                    "are not a valid temperature record (GSP Art. 49).",
                    record=self.display_name,
                    logger=self.logger_id.serial,
                    due=self.logger_id.calibration_due,
                )
            )

    def action_arrive(self):
        """The goods arrive: the temperature record of the transport and the arrival temperature
        are checked against the required range; the result and what failed are stored and the
        record is closed (GSP Art. 63, 67)."""
        self.check_access("write")
        self._md_check_state(("in_transit",), self.env._("Recording the arrival"))
        for transport in self:
            transport._md_check_arrival()
        summaries = self._md_reading_summaries()
        for transport in self:
            failures = transport._md_failures(summaries.get(transport.id, {}))
            transport._md_write_transition(
                {
                    "state": "arrived",
                    "result": "excursion" if failures else "conform",
                    "result_summary": "\n".join(failures) or transport._md_conform_summary(summaries),
                }
            )
        return True

    def _md_check_arrival(self):
        self.ensure_one()
        if not self.arrival or not self.arrival_temperature_recorded:
            raise UserError(
                self.env._(
                    "%s: record the arrival time and the arrival temperature (GSP Art. 63).",
                    self.display_name,
                )
            )
        if self.arrival < self.departure:
            raise UserError(
                self.env._(
                    "%(record)s: the arrival (%(arrival)s) is before the departure (%(departure)s).",
                    record=self.display_name,
                    arrival=self.arrival,
                    departure=self.departure,
                )
            )

    def _md_failures(self, summary):
        """What failed in the transport: the messages stored with an excursion result."""
        self.ensure_one()
        failures = []
        if not summary.get("count"):
            failures.append(
                self.env._(
                    "No reading of data logger %s between the departure and the arrival.",
                    self.logger_id.serial,
                )
            )
        elif summary["out"]:
            failures.append(
                self.env._(
                    "%(count)s readings outside %(low)s–%(high)s °C (lowest %(min)s °C, highest %(max)s °C).",
                    count=summary["out"],
                    low=self.temp_min,
                    high=self.temp_max,
                    min=summary["min"],
                    max=summary["max"],
                )
            )
        if summary.get("count") and summary["gap_exceeded"]:
            failures.append(
                self.env._(
                    "%(gap)s minutes without a reading, more than the %(max)s minutes allowed for %(place)s.",
                    gap=summary["max_gap"],
                    max=self.logger_id.place_id.max_interval,
                    place=self.logger_id.place_id.name,
                )
            )
        if not self.temp_min <= self.arrival_temperature <= self.temp_max:
            failures.append(
                self.env._(
                    "Arrival temperature %(value)s °C outside %(low)s–%(high)s °C.",
                    value=self.arrival_temperature,
                    low=self.temp_min,
                    high=self.temp_max,
                )
            )
        return failures

    def _md_conform_summary(self, summaries):
        summary = summaries[self.id]
        return self.env._(
            "%(count)s readings within %(low)s–%(high)s °C (lowest %(min)s °C, highest %(max)s °C); arrival "
            "temperature %(arrival)s °C.",
            count=summary["count"],
            low=self.temp_min,
            high=self.temp_max,
            min=summary["min"],
            max=summary["max"],
            arrival=self.arrival_temperature,
        )

    def action_view_readings(self):
        """The logger's readings between the departure and the arrival (now while in transit)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("md_udi_trace.action_md_env_reading")
        window = self._md_window()
        domain = [("logger_id", "=", self.logger_id.id)]
        if window:
            domain += [("measured_at", ">=", window[0]), ("measured_at", "<=", window[1])]
        action.update(
            {
                "name": self.env._("Readings of %s", self.display_name),
                "domain": domain,
                "context": {},
                "view_mode": "list,graph",
                "views": [(False, "list"), (False, "graph")],
            }
        )
        return action
