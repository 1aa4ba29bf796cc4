"""The monthly temperature and humidity record of a monitored place (温湿度记录), printed
(GSP, NMPA announcement 2023 No. 153, Art. 21(9) and 74(4): temperature and humidity records;
ISO 13485:2016 4.2.5)."""

from datetime import date, datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import SQL


class MdEnvRecordPrint(models.TransientModel):
    _name = "md.env.record.print"
    _description = "Print a Temperature and Humidity Record"

    place_id = fields.Many2one(
        "md.env.place", required=True, default=lambda self: self.env.context.get("active_id")
    )
    month = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="Any day of the month to print.",
    )

    def action_print(self):
        self.ensure_one()
        return self.env.ref("md_udi_trace.action_report_md_env_record").report_action(self)

    def _md_period(self):
        """The month's first and last day, and its bounds in UTC for the user's time zone."""
        first = self.month.replace(day=1)
        last = first + relativedelta(months=1, days=-1)
        zone = pytz.timezone(self.env.user.tz or "UTC")
        start = zone.localize(datetime.combine(first, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
        end = zone.localize(datetime.combine(last + relativedelta(days=1), time.min)).astimezone(pytz.utc)
        return first, last, start, end.replace(tzinfo=None), zone.zone

    def _md_days(self):
        """One row per day of the month (one statement): readings, lowest, highest and average
        temperature and humidity, in the user's time zone."""
        self.ensure_one()
        first, last, start, end, zone = self._md_period()
        self.env["md.env.reading"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT (measured_at AT TIME ZONE 'UTC' AT TIME ZONE %(zone)s)::date AS day, COUNT(*),
                       MIN(temperature), MAX(temperature), AVG(temperature), MIN(humidity), MAX(humidity)
                  FROM md_env_reading
                 WHERE place_id = %(place)s AND measured_at >= %(start)s AND measured_at < %(end)s
                 GROUP BY 1
                """,
                zone=zone,
                place=self.place_id.id,
                start=start,
                end=end,
            )
        )
        found = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        days = []
        day = first
        while day <= last:
            count, low, high, mean, humidity_low, humidity_high = found.get(
                day, (0, None, None, None, None, None)
            )
            days.append(
                {
                    "day": day,
                    "count": count,
                    "low": low,
                    "high": high,
                    "mean": mean,
                    "humidity_low": humidity_low,
                    "humidity_high": humidity_high,
                    "outside": count and (low < self.place_id.temp_min or high > self.place_id.temp_max),
                }
            )
            day += relativedelta(days=1)
        return days

    def _md_excursions(self):
        _first, _last, start, end, _zone = self._md_period()
        return self.env["md.env.excursion"].search(
            [
                ("place_id", "=", self.place_id.id),
                ("start", "<", end),
                "|",
                ("end", ">=", start),
                ("end", "=", False),
            ],
            order="start",
        )

    def _md_month_label(self):
        return date(self.month.year, self.month.month, 1).strftime("%Y-%m")
