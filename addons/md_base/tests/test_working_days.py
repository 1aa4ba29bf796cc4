from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from ..models.working_days import add_working_days

# Wednesday 30 September 2026; China's National Day holiday runs 1-7 October.
EVE_OF_NATIONAL_DAY = date(2026, 9, 30)
SHANGHAI_OFFSET = timedelta(hours=8)


def attendances(weekdays, hour_from=8.0, hour_to=17.0):
    return [Command.clear()] + [
        Command.create(
            {"name": f"Day {day}", "dayofweek": str(day), "hour_from": hour_from, "hour_to": hour_to}
        )
        for day in weekdays
    ]


@tagged("post_install", "-at_install")
class TestWorkingDayCalendar(TransactionCase):
    """Working days of regulatory deadlines (21 CFR 806.10(b) 10 working days,
    803.53(a) 5 work days, CFDA Order 29 recall plan 5 working days) from a
    resource.calendar: its working weekdays minus its public holidays."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.calendar_cn = cls.env["resource.calendar"].create(
            {"name": "Suzhou plant", "tz": "Asia/Shanghai", "attendance_ids": attendances(range(5))}
        )

    def holiday(self, calendar, local_from, local_to, **vals):
        """A public holiday (global time off) given in Shanghai local time (UTC+8)."""
        values = {
            "name": "Public holiday",
            "calendar_id": calendar.id,
            "date_from": local_from - SHANGHAI_OFFSET,
            "date_to": local_to - SHANGHAI_OFFSET,
        }
        values.update(vals)
        return self.env["resource.calendar.leaves"].create(values)

    def national_day(self, calendar=None, **vals):
        return self.holiday(
            calendar or self.calendar_cn, datetime(2026, 10, 1), datetime(2026, 10, 7, 23, 59, 59), **vals
        )

    def count(self, calendar, start, days):
        return calendar._md_working_day_counter([start], days)(start, days)

    # --- the pure count ------------------------------------------------------------

    def test_pure_count_skips_non_working_dates_and_weekdays(self):
        self.assertEqual(add_working_days(EVE_OF_NATIONAL_DAY, 5), date(2026, 10, 7))
        holidays = {date(2026, 10, day) for day in range(1, 8)}
        self.assertEqual(add_working_days(EVE_OF_NATIONAL_DAY, 5, holidays), date(2026, 10, 14))
        monday_to_saturday = frozenset(range(6))
        self.assertEqual(
            add_working_days(EVE_OF_NATIONAL_DAY, 3, working_weekdays=monday_to_saturday), date(2026, 10, 3)
        )
        # A datetime keeps its time of day.
        self.assertEqual(add_working_days(datetime(2026, 10, 9, 15, 30), 1), datetime(2026, 10, 12, 15, 30))
        with self.assertRaises(ValueError):
            add_working_days(EVE_OF_NATIONAL_DAY, 1, working_weekdays=frozenset())

    # --- the calendar ------------------------------------------------------------------

    def test_public_holiday_of_the_calendar_pushes_the_deadline(self):
        self.assertEqual(self.count(self.calendar_cn, EVE_OF_NATIONAL_DAY, 5), date(2026, 10, 7))
        self.national_day()
        self.assertEqual(self.count(self.calendar_cn, EVE_OF_NATIONAL_DAY, 5), date(2026, 10, 14))
        self.assertEqual(
            self.calendar_cn._md_non_working_dates(date(2026, 9, 28), date(2026, 10, 10)),
            {date(2026, 10, day) for day in (1, 2, 5, 6, 7)},  # the weekend is not a working day anyway
        )

    def test_holidays_read_in_one_query(self):
        self.national_day()
        self.holiday(self.calendar_cn, datetime(2026, 9, 25), datetime(2026, 9, 25, 23, 59, 59))
        hours = self.calendar_cn._md_attendance_hours()
        self.env.flush_all()
        with self.assertQueryCount(1):
            dates = self.calendar_cn._md_non_working_dates(date(2026, 9, 1), date(2026, 12, 31), hours)
        self.assertEqual(len(dates), 6)
        self.assertIn(date(2026, 9, 25), dates)

    def test_only_full_day_global_time_off_of_this_calendar_counts(self):
        """A holiday makes the deadline later only when it is really a non-working day
        of the calendar: a half day, an employee's own leave, time off of type "other"
        and holidays of another calendar leave the working day (the earlier deadline)."""
        other_calendar = self.env["resource.calendar"].create(
            {"name": "Beijing office", "tz": "Asia/Shanghai", "attendance_ids": attendances(range(5))}
        )
        employee = self.env["resource.resource"].create(
            {"name": "QA engineer", "calendar_id": self.calendar_cn.id}
        )
        october_1 = datetime(2026, 10, 1)
        self.holiday(self.calendar_cn, october_1.replace(hour=8), october_1.replace(hour=12))  # morning only
        self.national_day(resource_id=employee.id)
        self.national_day(time_type="other")
        self.national_day(other_calendar)
        self.assertEqual(self.count(self.calendar_cn, EVE_OF_NATIONAL_DAY, 1), date(2026, 10, 1))
        # Covering the attendance hours (08:00-17:00), as the time-off form enters a day, is enough.
        self.holiday(self.calendar_cn, october_1.replace(hour=8), october_1.replace(hour=17))
        self.assertEqual(self.count(self.calendar_cn, EVE_OF_NATIONAL_DAY, 1), date(2026, 10, 2))

    def test_company_holiday_without_calendar_counts_for_its_calendars(self):
        self.assertEqual(self.calendar_cn.company_id, self.company)
        holiday = self.holiday(
            self.env["resource.calendar"], datetime(2026, 10, 1), datetime(2026, 10, 7, 23, 59, 59)
        )
        self.assertFalse(holiday.calendar_id)
        self.assertEqual(self.count(self.calendar_cn, EVE_OF_NATIONAL_DAY, 5), date(2026, 10, 14))

    def test_weekdays_come_from_the_attendances(self):
        """A calendar with Saturday attendance counts Saturdays; one without Friday
        attendance skips Fridays; one without any working day refuses to count."""
        six_days = self.env["resource.calendar"].create(
            {"name": "Six days", "tz": "Asia/Shanghai", "attendance_ids": attendances(range(6))}
        )
        four_days = self.env["resource.calendar"].create(
            {"name": "Four days", "tz": "Asia/Shanghai", "attendance_ids": attendances(range(4))}
        )
        friday = date(2026, 3, 6)
        self.assertEqual(self.count(six_days, friday, 1), date(2026, 3, 7))  # Saturday
        self.assertEqual(self.count(self.calendar_cn, friday, 1), date(2026, 3, 9))  # Monday
        self.assertEqual(self.count(four_days, date(2026, 3, 5), 1), date(2026, 3, 9))  # Thursday -> Monday
        never = self.env["resource.calendar"].create({"name": "Never", "attendance_ids": [Command.clear()]})
        with self.assertRaisesRegex(UserError, "no working day"):
            self.count(never, friday, 1)

    def test_datetime_counted_on_the_local_date(self):
        """A naive UTC datetime is counted on the calendar's local dates: 20:00 UTC on
        30 September is 04:00 on 1 October in Shanghai, a holiday."""
        self.national_day()
        aware = datetime(2026, 9, 30, 20, 0)
        # Thursday 8 October, 04:00 in Shanghai.
        self.assertEqual(self.count(self.calendar_cn, aware, 1), datetime(2026, 10, 7, 20, 0))

    # --- the company's deadline calendars ------------------------------------------------

    def test_company_calendars_default_to_its_working_hours(self):
        company = self.company
        self.assertFalse(company.md_fda_calendar_id)
        self.assertEqual(company._md_deadline_calendar("fda"), company.resource_calendar_id)
        self.assertEqual(company._md_deadline_calendar("nmpa"), company.resource_calendar_id)
        settings = self.env["res.config.settings"].create({"md_nmpa_calendar_id": self.calendar_cn.id})
        settings.execute()
        self.assertEqual(company.md_nmpa_calendar_id, self.calendar_cn)
        self.assertEqual(company._md_deadline_calendar("nmpa"), self.calendar_cn)
        self.assertEqual(company._md_deadline_calendar("fda"), company.resource_calendar_id)
        self.national_day()
        count = company._md_working_day_counter("nmpa", [EVE_OF_NATIONAL_DAY], 5)
        self.assertEqual(count(EVE_OF_NATIONAL_DAY, 5), date(2026, 10, 14))
        count = company._md_working_day_counter("fda", [EVE_OF_NATIONAL_DAY], 5)
        self.assertEqual(count(EVE_OF_NATIONAL_DAY, 5), date(2026, 10, 7))
