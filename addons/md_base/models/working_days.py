"""Counting working days for regulatory deadlines, without Odoo.

21 CFR 806.10(b) gives 10 working days for a correction or removal report,
21 CFR 803.53(a) 5 work days for a report needing remedial action, and China's
医疗器械召回管理办法 (CFDA Order 29) 5 working days for the investigation report
and recall plan. A working day is a weekday the company's calendar works on
that is not a public holiday; ``resource.calendar._md_working_day_counter``
supplies both from a resource.calendar.
"""

from datetime import datetime, timedelta

MONDAY_TO_FRIDAY = frozenset(range(5))
ONE_DAY = timedelta(days=1)


def add_working_days(start, days, non_working_dates=frozenset(), working_weekdays=MONDAY_TO_FRIDAY):
    """``start`` (a date or a datetime) plus ``days`` working days.

    A working day is a day whose weekday (0 = Monday) is in ``working_weekdays``
    and whose date is not in ``non_working_dates`` (public holidays). The start
    day itself is not counted; a datetime keeps its time of day."""
    if not working_weekdays:
        raise ValueError("A working-day count needs at least one working weekday.")
    current, left = start, days
    while left > 0:
        current += ONE_DAY
        day = current.date() if isinstance(current, datetime) else current
        if day.weekday() in working_weekdays and day not in non_working_dates:
            left -= 1
    return current
