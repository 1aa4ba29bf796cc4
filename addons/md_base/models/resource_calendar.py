from datetime import date, datetime, time, timedelta

import pytz

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .working_days import add_working_days

# Public holidays are looked up this far beyond the deadline counted without them.
HOLIDAY_HORIZON = timedelta(days=366)
# resource.calendar.attendance treats 24:00 as the end of the day.
END_OF_DAY = time(23, 59, 59)


class ResourceCalendar(models.Model):
    """Working days of regulatory deadlines (21 CFR 806.10(b), 803.53(a), CFDA
    Order 29): the weekdays the calendar has attendances on, minus its public
    holidays (global leaves: time off without a resource).

    China's make-up working days (调休: a Saturday or Sunday worked instead of a
    bridge day) cannot be entered in a resource.calendar: they count as
    non-working, so a deadline spanning one falls at most that many days later
    than the official count (see the readme)."""

    _inherit = "resource.calendar"

    def _md_attendance_hours(self):
        """{weekday (0 = Monday): (first hour, last hour)} of the calendar's global
        attendances. In a two-week calendar a weekday worked in either week counts
        (the earlier deadline)."""
        self.ensure_one()
        hours = {}
        for attendance in self._get_global_attendances():
            weekday = int(attendance.dayofweek)
            first, last = hours.get(weekday, (attendance.hour_from, attendance.hour_to))
            hours[weekday] = (min(first, attendance.hour_from), max(last, attendance.hour_to))
        return hours

    def _md_non_working_dates(self, date_from, date_to, hours=None):
        """The working weekdays from ``date_from`` to ``date_to`` (dates in the
        calendar's time zone) on which public holidays of this calendar cover all of
        the day's attendance hours: one query. A half-day holiday leaves a working day, and so the earlier
        deadline. Holidays are the global leaves of the calendar, and those of its
        company without a calendar (as resource.calendar counts them)."""
        self.ensure_one()
        hours = self._md_attendance_hours() if hours is None else hours
        self.env["resource.calendar.leaves"].flush_model(
            ["calendar_id", "company_id", "resource_id", "time_type", "date_from", "date_to"]
        )
        # Leaves are stored in UTC: a day either side covers any time zone.
        self.env.cr.execute(
            SQL(
                """
                SELECT (date_from AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s,
                       (date_to AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s
                  FROM resource_calendar_leaves
                 WHERE resource_id IS NULL AND time_type = 'leave'
                   AND (calendar_id = %(calendar)s
                        OR (calendar_id IS NULL AND company_id = %(company)s))
                   AND date_from < %(until)s AND date_to > %(since)s
                 ORDER BY date_from
                """,
                tz=self.tz or "UTC",
                calendar=self.id,
                company=self.company_id.id,
                since=datetime.combine(date_from - timedelta(days=1), time.min),
                until=datetime.combine(date_to + timedelta(days=2), time.min),
            )
        )
        dates = set()
        for start, end in _merge_intervals(self.env.cr.fetchall()):
            day = max(start.date(), date_from)
            while day <= min(end.date(), date_to):
                if _covers_attendance(start, end, day, hours.get(day.weekday())):
                    dates.add(day)
                day += timedelta(days=1)
        return frozenset(dates)

    def _md_working_day_counter(self, starts, max_days):
        """A function ``count(start, days)`` adding working days of this calendar to
        one of ``starts`` (dates, or naive UTC datetimes counted in the calendar's
        time zone), for ``days`` up to ``max_days``. The holidays of the whole range
        are read in one query."""
        self.ensure_one()
        hours = self._md_attendance_hours()
        if not hours:
            raise UserError(
                self.env._(
                    "The working hours %s have no working day: deadlines cannot be counted.", self.name
                )
            )
        weekdays = frozenset(hours)
        tz = pytz.timezone(self.tz or "UTC")
        local_days = [self._md_local(start, tz) for start in starts]
        local_days = [day.date() if isinstance(day, datetime) else day for day in local_days]
        first = min(local_days, default=date.today())
        last = (
            max(local_days, default=first) + timedelta(weeks=max_days // len(weekdays) + 1) + HOLIDAY_HORIZON
        )
        non_working = self._md_non_working_dates(first, last, hours)

        def count(start, days):
            deadline = add_working_days(self._md_local(start, tz), days, non_working, weekdays)
            if (deadline.date() if isinstance(deadline, datetime) else deadline) > last:
                raise UserError(
                    self.env._(
                        "The working hours %(calendar)s have public holidays for more than a year after "
                        "%(start)s: check their time off.",
                        calendar=self.name,
                        start=start,
                    )
                )
            if isinstance(deadline, datetime):
                return tz.localize(deadline).astimezone(pytz.utc).replace(tzinfo=None)
            return deadline

        return count

    @staticmethod
    def _md_local(start, tz):
        """A naive UTC datetime as a naive datetime of ``tz``; a date unchanged."""
        if isinstance(start, datetime):
            return pytz.utc.localize(start).astimezone(tz).replace(tzinfo=None)
        return start


def _merge_intervals(intervals):
    """Overlapping or touching (start, end) intervals, sorted by start, joined."""
    merged = []
    for start, end in intervals:
        if merged and start <= merged[-1][1] + timedelta(seconds=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _covers_attendance(start, end, day, hours):
    """Whether the interval covers ``day``'s attendance hours (first, last)."""
    if hours is None:
        return False  # not a working weekday anyway
    first, last = hours
    day_start = datetime.combine(day, time.min) + timedelta(hours=first)
    day_end = min(datetime.combine(day, time.min) + timedelta(hours=last), datetime.combine(day, END_OF_DAY))
    return start <= day_start and end >= day_end
