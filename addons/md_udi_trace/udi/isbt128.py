"""ICCBBA ISBT 128 data structures used in HCT/P and blood-bag UDIs (ST-001, ST-011).

No maintained Python library parses ISBT 128. Each data structure starts with its data identifier
and has a fixed length; the identifiers and lengths below are those of the ICCBBA ST-001 data
structure table as AccessGUDID reads them (not re-verified against ST-001 itself).
"""

import calendar
import datetime
import re
from dataclasses import dataclass, field

from .errors import UdiError

# data identifier -> (name, data length, result field or None for extra only)
_STRUCTURES = {
    "&,1": ("MPHO lot number", 18, "lot"),
    "=/": ("processor product identification code (PPIC)", 16, "di"),
    "=)": ("container manufacturer and catalog number", 10, "di"),
    "=,": ("serial number", 6, "serial"),
    "&)": ("container lot number", 10, "lot"),
    "=>": ("expiration date cYYJJJ", 6, "expiry"),
    "&>": ("expiration date and time cYYJJJhhmm", 10, "expiry"),
    "=}": ("production date cYYJJJ", 6, "production_date"),
    "&}": ("production date and time cYYJJJhhmm", 10, "production_date"),
    "=*": ("collection date cYYJJJ", 6, None),
    "&*": ("collection date and time cYYJJJhhmm", 10, None),
    "=+": ("compound message header", 6, None),
}
# Donation identification number: '=' then a character A-N, P-Z or 1-9 that starts the 15 data characters.
_DIN_START = re.compile(r"=[A-NP-Z1-9]")
_DIN_LENGTH = 15
_DATA = re.compile(r"[A-Z0-9]+")


@dataclass
class IsbtData:
    """What an ISBT 128 string carries; di is None when it holds production identifiers only."""

    di: str | None = None
    lot: str | None = None
    serial: str | None = None
    expiry: datetime.date | None = None
    production_date: datetime.date | None = None
    extra: dict = field(default_factory=dict)


def is_isbt128(text):
    """True if ``text`` starts with an ISBT 128 data identifier ('=' or '&')."""
    return text[:1] in ("=", "&")


def parse_isbt128(text):
    """Parse concatenated ISBT 128 data structures; raise UdiError naming the problem."""
    result = IsbtData()
    seen = set()
    position = 0
    while position < len(text):
        identifier, name, length, target = _identify(text, position)
        start = position + (1 if identifier == "=" else len(identifier))
        value = text[start : start + length]
        if len(value) != length or not _DATA.fullmatch(value):
            raise UdiError(
                f"ISBT 128 {name} at position {position + 1} needs {length} letters or digits, got {value!r}"
            )
        if identifier in seen:
            raise UdiError(f"ISBT 128 {name} appears twice")
        seen.add(identifier)
        _store(result, identifier, name, value, target)
        position = start + length
    return result


def _identify(text, position):
    for identifier, (name, length, target) in _STRUCTURES.items():
        if text.startswith(identifier, position):
            return identifier, name, length, target
    if _DIN_START.match(text, position):
        return "=", "donation identification number", _DIN_LENGTH, None
    raise UdiError(
        f"ISBT 128: no known data identifier at position {position + 1} ({text[position : position + 3]!r})"
    )


def _store(result, identifier, name, value, target):
    if identifier == "=":
        result.extra["din"] = value
    elif identifier == "=+":
        result.extra["compound_message"] = value
    elif identifier in ("=*", "&*"):
        result.extra["collection_date"] = cyyjjj(value, name).isoformat()
    elif target in ("expiry", "production_date"):
        moment = cyyjjj(value, name)
        setattr(result, target, moment.date())
        if len(value) == 10:
            result.extra[f"{target}_time"] = moment.isoformat()
    elif target == "di" and result.di:
        raise UdiError(f"ISBT 128 carries two device identifiers ({result.di!r} and {value!r})")
    else:
        setattr(result, target, value)


def cyyjjj(value, name="date"):
    """Datetime of an ISBT 128 ``cYYJJJ[hhmm]`` value: century digit (0 = 2000s), year, day of year."""
    if not value.isdigit():
        raise UdiError(f"ISBT 128 {name}: {value!r} must be digits")
    year = 2000 + 100 * int(value[0]) + int(value[1:3])
    day_of_year = int(value[3:6])
    days = 366 if calendar.isleap(year) else 365
    if not 1 <= day_of_year <= days:
        raise UdiError(f"ISBT 128 {name} {value}: {year} has no day {day_of_year}")
    hour, minute = (int(value[6:8]), int(value[8:10])) if len(value) == 10 else (0, 0)
    if hour > 23 or minute > 59:
        raise UdiError(f"ISBT 128 {name} {value}: time {value[6:]} does not exist")
    return datetime.datetime(year, 1, 1, hour, minute) + datetime.timedelta(days=day_of_year - 1)
