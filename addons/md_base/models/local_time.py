"""Times shown with the time zone they are in (21 CFR 11.50(a)(2), 11.10(e); EU GMP Annex 11 §9).

Stored times are UTC. The web client converts Datetime fields to the browser's zone without
saying so, and RPC callers receive UTC: a regulated time is therefore also given as text in
the user's time zone, naming it.
"""

import pytz


def user_time_zone(env):
    """The zone of the context or of the user, UTC when unknown."""
    tz_name = env.context.get("tz") or env.user.tz or "UTC"
    return tz_name if tz_name in pytz.all_timezones_set else "UTC"


def local_time_label(env, utc_value):
    """'2026-12-03 18:40:00 CST (Asia/Shanghai)' for a naive UTC datetime; False for none."""
    if not utc_value:
        return False
    tz_name = user_time_zone(env)
    local = pytz.utc.localize(utc_value).astimezone(pytz.timezone(tz_name))
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()} ({tz_name})"
