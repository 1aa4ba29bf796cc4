"""HIBC LIC data (ANSI/HIBC 2.6): primary, secondary and concatenated structures, mod 43 check.

No maintained Python library parses HIBC, so this is written from regulatory.md section 2.
Result fields: di = LIC + PCN + unit of measure (no '+', no check character).
"""

import calendar
import datetime
import re
from dataclasses import dataclass, field

from .checks import HIBCC_CHARSET, hibcc_check_character
from .errors import UdiError
from .gs1 import resolve_year

_PRIMARY = re.compile(r"(?P<lic>[A-Z][A-Z0-9]{3})(?P<pcn>[A-Z0-9]{1,18})(?P<um>[0-9])")
_LOT = re.compile(r"[A-Z0-9\-. ]{1,18}")
# "$$" date formats: flag -> (layout, length); "0"/"1" are not flags but the first digit of MMYY.
_DATE_FORMATS = {
    "2": ("MMDDYY", 6),
    "3": ("YYMMDD", 6),
    "4": ("YYMMDDHH", 8),
    "5": ("YYJJJ", 5),
    "6": ("YYJJJHH", 7),
}


@dataclass
class HibcData:
    """What an HIBC symbol carries; di is None for a secondary (PI only) symbol."""

    di: str | None = None
    lot: str | None = None
    serial: str | None = None
    expiry: datetime.date | None = None
    production_date: datetime.date | None = None
    quantity: int | None = None
    extra: dict = field(default_factory=dict)


def parse_hibcc(text, today):
    """Parse HIBC data starting with '+'; raise UdiError naming the problem."""
    for position, char in enumerate(text, start=1):
        if char not in HIBCC_CHARSET:
            raise UdiError(
                f"HIBC: character {char!r} at position {position} is not in the HIBC character set"
            )
    if len(text) < 3:
        raise UdiError(f"HIBC data {text!r} is too short")
    data, check = text[:-1], text[-1]
    expected = hibcc_check_character(data)
    if check != expected:
        raise UdiError(f"HIBC {text}: check character should be {expected!r}, not {check!r}")
    body = data[1:]
    result = HibcData()
    if body[:1].isalpha():
        primary, slash, secondary = body.partition("/")
        _parse_primary(primary, result)
        if slash:
            # Concatenated: the secondary follows without its '+' and without a link character.
            _parse_secondary(secondary, result, today)
    else:
        # Secondary alone: its last character links it to the primary's check character.
        if len(body) < 2:
            raise UdiError(f"HIBC secondary data {text!r} is too short")
        result.extra["link_character"] = body[-1]
        _parse_secondary(body[:-1], result, today)
    return result


def _parse_primary(primary, result):
    match = _PRIMARY.fullmatch(primary)
    if not match:
        raise UdiError(
            f"HIBC primary data {primary!r} must be a 4-character labeler code starting with a letter, "
            "a product code of 1 to 18 letters or digits and a 1-digit unit of measure"
        )
    result.di = primary
    result.extra.update(lic=match["lic"], pcn=match["pcn"], unit_of_measure=int(match["um"]))


def _parse_secondary(secondary, result, today):
    """Secondary data: lot/serial line with optional date and quantity, then '/' supplements."""
    line, *supplements = secondary.split("/")
    _parse_line(line, result, today)
    for supplement in supplements:
        _parse_supplement(supplement, result)


def _parse_line(line, result, today):
    if line.startswith("$$"):
        rest = line[2:]
        is_serial = rest.startswith("+")
        rest = rest[1:] if is_serial else rest
        if rest[:1] in ("8", "9"):
            size = 2 if rest[0] == "8" else 5
            quantity = rest[1 : 1 + size]
            if len(quantity) != size or not quantity.isdigit():
                raise UdiError(f"HIBC quantity after flag {rest[0]} must be {size} digits, got {quantity!r}")
            result.quantity = int(quantity)
            rest = rest[1 + size :]
        rest = _parse_flagged_date(rest, result, today)
        _set_lot_or_serial(rest, result, is_serial)
    elif line.startswith("$+"):
        _set_lot_or_serial(line[2:], result, True)
    elif line.startswith("$"):
        _set_lot_or_serial(line[1:], result, False)
    elif line[:5].isdigit() and len(line) >= 5:
        # Legacy secondary: YYJJJ expiry followed by the lot.
        result.expiry = _julian_date(line[:5], today)
        _set_lot_or_serial(line[5:], result, False)
    else:
        raise UdiError(f"HIBC secondary data {line!r} must start with $, $+, $$, $$+ or a YYJJJ date")


def _parse_flagged_date(rest, result, today):
    """Read the expiry date after '$$' (and after a quantity); return what follows it."""
    flag = rest[:1]
    if flag in ("0", "1"):
        digits = rest[:4]
        if len(digits) != 4 or not digits.isdigit():
            raise UdiError(f"HIBC expiry date MMYY expected, got {digits!r}")
        month, year = int(digits[:2]), resolve_year(int(digits[2:]), today)
        if not 1 <= month <= 12:
            raise UdiError(f"HIBC expiry date {digits}: month {digits[:2]} does not exist")
        # A month-only expiry date means the end of that month (as GS1 DD=00).
        result.expiry = datetime.date(year, month, calendar.monthrange(year, month)[1])
        return rest[4:]
    if flag == "7":
        return rest[1:]
    if flag not in _DATE_FORMATS:
        raise UdiError(f"HIBC date format flag {flag!r} is not one of 0-9")
    layout, size = _DATE_FORMATS[flag]
    digits = rest[1 : 1 + size]
    if len(digits) != size or not digits.isdigit():
        raise UdiError(f"HIBC expiry date {layout} expected after flag {flag}, got {digits!r}")
    if layout.startswith("YYJJJ"):
        result.expiry = _julian_date(digits[:5], today)
    else:
        order = {"MMDDYY": (4, 0, 2), "YYMMDD": (0, 2, 4), "YYMMDDHH": (0, 2, 4)}[layout]
        year_at, month_at, day_at = order
        result.expiry = _date(
            resolve_year(int(digits[year_at : year_at + 2]), today),
            digits[month_at : month_at + 2],
            digits[day_at : day_at + 2],
            digits,
        )
    if layout.endswith("HH"):
        hour = int(digits[-2:])
        if hour > 23:
            raise UdiError(f"HIBC expiry date {digits}: hour {hour} does not exist")
        result.extra["expiry_hour"] = hour
    return rest[1 + size :]


def _parse_supplement(supplement, result):
    if supplement.startswith("S"):
        _set_lot_or_serial(supplement[1:], result, True)
    elif supplement.startswith("16D"):
        result.production_date = _yyyymmdd(supplement[3:], "manufacturing date")
    elif supplement.startswith("14D"):
        result.expiry = _yyyymmdd(supplement[3:], "expiry date")
    elif supplement.startswith("Q"):
        quantity = supplement[1:]
        if not quantity.isdigit() or len(quantity) > 5:
            raise UdiError(f"HIBC quantity supplement /Q{quantity} must be 1 to 5 digits")
        result.quantity = int(quantity)
    else:
        raise UdiError(f"HIBC supplemental data /{supplement} is not /S, /16D, /14D or /Q")


def _set_lot_or_serial(value, result, is_serial):
    what = "serial number" if is_serial else "lot number"
    if not _LOT.fullmatch(value):
        raise UdiError(f"HIBC {what} {value!r} must be 1 to 18 letters, digits, '-', '.' or spaces")
    if is_serial:
        if result.serial and result.serial != value:
            raise UdiError(f"HIBC serial number given twice ({result.serial!r} and {value!r})")
        result.serial = value
    else:
        result.lot = value


def _julian_date(digits, today):
    year = resolve_year(int(digits[:2]), today)
    day_of_year = int(digits[2:5])
    days = 366 if calendar.isleap(year) else 365
    if not 1 <= day_of_year <= days:
        raise UdiError(f"HIBC date {digits}: {year} has no day {day_of_year}")
    return datetime.date(year, 1, 1) + datetime.timedelta(days=day_of_year - 1)


def _date(year, month, day, digits):
    try:
        return datetime.date(year, int(month), int(day))
    except ValueError:
        raise UdiError(f"HIBC date {digits} is not a valid date") from None


def _yyyymmdd(digits, what):
    if len(digits) != 8 or not digits.isdigit():
        raise UdiError(f"HIBC {what} must be YYYYMMDD, got {digits!r}")
    return _date(int(digits[:4]), digits[4:6], digits[6:8], digits)
