"""Temperature and humidity readings, and their intake from data loggers.

A reading is raw evidence of storage conditions: written once by the intake, never changed
or deleted by anyone (21 CFR 11.10(a) and (c); ISO 13485:2016 4.2.5; GSP keeps the
temperature records). A batch is checked row by row and stored whole or not at all.
"""

import io
from collections import namedtuple
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.md_base.models.module_data import module_data_uninstalling

# What each row is checked against, read once per batch (tz: a pytz zone; valid_until: UTC,
# the first instant after the calibration due date).
LoggerInfo = namedtuple("LoggerInfo", "record id place_id company_id tz valid_until")
# NULL in PostgreSQL's COPY text format.
NULL = "\\N"
# A reading dated later than this after the server's clock is refused (a logger's wrong clock).
FUTURE_TOLERANCE = timedelta(minutes=5)


class MdEnvReading(models.Model):
    _name = "md.env.reading"
    _description = "Temperature/Humidity Reading"
    _order = "measured_at desc, id desc"
    _rec_name = "measured_at"

    logger_id = fields.Many2one(
        "md.env.logger", "Data Logger", required=True, readonly=True, index=True, ondelete="restrict"
    )
    place_id = fields.Many2one("md.env.place", required=True, readonly=True, index=True, ondelete="restrict")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    measured_at = fields.Datetime("Measured On", required=True, readonly=True, index=True)
    temperature = fields.Float("Temperature (°C)", readonly=True, aggregator="avg")
    humidity = fields.Float("Relative Humidity (%)", readonly=True, aggregator="avg")

    _sql_constraints = [
        ("logger_time_unique", "unique(logger_id, measured_at)", "A logger has one reading per instant."),
    ]

    def init(self):
        # The excursion scan reads a place's readings in time order.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS md_env_reading_place_time_idx "
            "ON md_env_reading (place_id, measured_at)"
        )

    @api.model_create_multi
    def create(self, vals_list):
        if vals_list:  # readings are inserted by md_ingest only
            raise UserError(
                self.env._(
                    "Readings are recorded from data loggers only: upload a logger file or send them "
                    "in a batch."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if self:
            raise UserError(self.env._("A temperature/humidity reading is a record: it cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _unlink_never(self):
        if module_data_uninstalling(self):  # Odoo's uninstall flag alone is a context key
            return
        raise UserError(self.env._("A temperature/humidity reading is a record: it cannot be deleted."))

    # --- intake ------------------------------------------------------------------

    @api.model
    def md_ingest(self, rows):
        """Store a batch of readings from data loggers, all or nothing.

        JSON-RPC: ``call_kw("md.env.reading", "md_ingest", [rows])`` with ``rows`` a list of
        ``{"logger": serial, "measured_at": "2026-11-03T14:05:00+08:00", "temperature": 4.2,
        "humidity": 55}`` (``humidity`` optional; a time without an offset is read in the
        logger's time zone). Returns ``{"stored": n, "errors": [{"row": i, "message": text}],
        "excursion_ids": [...]}``: with any error, nothing is stored and every bad row is
        reported (rows counted from 1).
        """
        self.check_access("create")
        checked, errors = self._md_check_rows(rows)
        if checked:
            errors = sorted(errors + self._md_already_stored(checked), key=lambda error: error["row"])
        if errors:
            return {"stored": 0, "errors": errors, "excursion_ids": []}
        self._md_insert(checked)
        excursions = self._md_detect_after_intake(checked)
        return {"stored": len(checked), "errors": [], "excursion_ids": excursions.ids}

    def _md_check_rows(self, rows):
        """``(readings, errors)``: each row parsed against its logger; readings are
        ``(row number, logger, measured_at UTC, temperature, humidity)``."""
        if not isinstance(rows, list) or not rows:
            raise UserError(self.env._("Send the readings as a non-empty list of rows."))
        loggers = self._md_loggers(
            {str(row.get("logger") or "").strip() for row in rows if isinstance(row, dict)}
        )
        now = fields.Datetime.now()
        readings, errors, seen = [], [], set()
        for number, row in enumerate(rows, start=1):
            try:
                reading = self._md_check_row(row, loggers, now)
            except UserError as error:
                errors.append({"row": number, "message": error.args[0]})
                continue
            key = (reading[0].id, reading[1])
            if key in seen:
                errors.append({"row": number, "message": self._md_duplicate_message(reading)})
                continue
            seen.add(key)
            readings.append((number, *reading))
        return readings, errors

    def _md_loggers(self, serials):
        """``{serial: LoggerInfo}`` of the loggers of the user's companies: what each row is
        checked against, read once per batch rather than once per row."""
        loggers = {}
        for logger in self.env["md.env.logger"].search([("serial", "in", list(serials))]):
            if logger.company_id not in self.env.companies:
                continue
            tz = pytz.timezone(logger.tz)
            # The first instant after the calibration due date, in the logger's time zone.
            day_after_due = datetime.combine(logger.calibration_due + timedelta(days=1), time.min)
            valid_until = tz.localize(day_after_due).astimezone(pytz.utc).replace(tzinfo=None)
            loggers[logger.serial] = LoggerInfo(
                logger, logger.id, logger.place_id.id, logger.company_id.id, tz, valid_until
            )
        return loggers

    def _md_check_row(self, row, loggers, now):
        if not isinstance(row, dict):
            raise UserError(self.env._("The row is not a set of named values."))
        serial = str(row.get("logger") or "").strip()
        logger = loggers.get(serial)
        if not logger:
            raise UserError(self.env._("Unknown data logger %r.", serial))
        measured_at = self._md_parse_time(row.get("measured_at"), logger.tz)
        if measured_at > now + FUTURE_TOLERANCE:
            raise UserError(
                self.env._("The time %s is in the future: check the logger's clock.", row["measured_at"])
            )
        if measured_at >= logger.valid_until:
            raise UserError(
                self.env._(
                    "Logger %(serial)s was due for calibration on %(due)s: its readings after that date "
                    "are not valid.",
                    serial=serial,
                    due=logger.record.calibration_due,
                )
            )
        temperature = self._md_number(row.get("temperature"), "temperature")
        if temperature is None:
            raise UserError(self.env._("The temperature is missing."))
        humidity = self._md_number(row.get("humidity"), "humidity")
        if humidity is not None and not 0 <= humidity <= 100:
            raise UserError(self.env._("The relative humidity %s is not between 0 and 100 %%.", humidity))
        return logger, measured_at, temperature, humidity

    def _md_number(self, value, measure):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return float(value.strip().replace(",", ".")) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            label = self.env._("temperature") if measure == "temperature" else self.env._("humidity")
            raise UserError(
                self.env._("The %(label)s %(value)r is not a number.", label=label, value=value)
            ) from None

    def _md_parse_time(self, value, tz):
        """A UTC naive datetime from an ISO 8601 time (an offset is honoured; without one, the
        time is local to the logger's time zone), a slash-separated date, or a datetime."""
        if isinstance(value, datetime):
            moment = value
        else:
            text = str(value or "").strip().replace("/", "-")
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                raise UserError(
                    self.env._("The time %r cannot be read (use 2026-11-03 14:05:00).", value)
                ) from None
        if moment.tzinfo is None:
            moment = tz.localize(moment)
        return moment.astimezone(pytz.utc).replace(tzinfo=None, microsecond=0)

    def _md_duplicate_message(self, reading):
        return self.env._(
            "Logger %(serial)s already has a reading at %(time)s (UTC).",
            serial=reading[0].record.serial,
            time=reading[1],
        )

    def _md_already_stored(self, readings):
        """Errors for the rows whose logger already has a reading at that instant (one query)."""
        by_key = {(logger.id, moment): (number, logger, moment) for number, logger, moment, *_ in readings}
        self.env.cr.execute(
            SQL(
                """
                SELECT r.logger_id, r.measured_at
                  FROM md_env_reading r
                  JOIN unnest(%s::int[], %s::timestamp[]) AS batch(logger_id, measured_at)
                    ON r.logger_id = batch.logger_id AND r.measured_at = batch.measured_at
                """,
                # One text literal per array: psycopg2 would send a constant per element.
                "{" + ",".join(str(key[0]) for key in by_key) + "}",
                "{" + ",".join(key[1].isoformat() for key in by_key) + "}",
            )
        )
        duplicates = sorted(by_key[key] for key in self.env.cr.fetchall())
        return [
            {"row": number, "message": self._md_duplicate_message((logger, moment))}
            for number, logger, moment in duplicates
        ]

    def _md_insert(self, readings):
        """One COPY of the whole batch: no ORM record, no statement per reading."""
        self.env["md.env.logger"].flush_model(["place_id", "company_id"])
        now = fields.Datetime.to_string(fields.Datetime.now())
        buffer = io.StringIO()
        for _number, logger, moment, temperature, humidity in readings:
            buffer.write(
                f"{logger.id}\t{logger.place_id}\t{logger.company_id}\t{moment.isoformat()}\t"
                f"{temperature!r}\t{NULL if humidity is None else repr(humidity)}\t"
                f"{self.env.uid}\t{self.env.uid}\t{now}\t{now}\n"
            )
        buffer.seek(0)
        self.env.cr.copy_expert(
            "COPY md_env_reading (logger_id, place_id, company_id, measured_at, temperature, humidity, "
            "create_uid, write_uid, create_date, write_date) FROM STDIN",
            buffer,
        )
        self.invalidate_model()

    def _md_detect_after_intake(self, readings):
        """Look for excursions in each place that received readings, from its first new one."""
        first_by_place = {}
        for _number, logger, moment, *_ in readings:
            place = logger.record.place_id
            first_by_place[place] = min(moment, first_by_place.get(place, moment))
        excursions = self.env["md.env.excursion"]
        for place, since in first_by_place.items():
            excursions |= excursions._md_detect(place, since)
        return excursions
