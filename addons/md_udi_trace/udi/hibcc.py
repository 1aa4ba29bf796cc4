"""HIBC LIC data (ANSI/HIBC 2.6-2016, HIBC Supplier Labeling Standard): primary, secondary and
concatenated structures, separate primary and secondary symbols, modulus 43 check character.

Sources (the standard itself is sold by HIBCC; these publish its content):
- bwipp/postscriptbarcode wiki "HIBC Data Structures": primary = "+", 4-character LIC starting with a
  letter, product/catalogue number of 1 to 18 digits or capital letters, unit of measure digit.
  Secondary data begins with a five-digit Julian date YYJJJ "optionally followed by a lot number of
  up to 13 characters", or "$" + lot, or "$+" + serial, or "$$" (lot) / "$$+" (serial) and a format
  digit: "0 or 1 is the first digit of the date MMYY"; "2, 3, 4, 5 and 6 are followed by the date
  MMDDYY, YYMMDD, YYMMDDHH, YYJJJ and YYJJJHH respectively"; "7 indicates no date"; "8 and 9 are
  followed by a quantity of two and five digits respectively, and then optionally by one of the date
  formats"; then a lot or serial number of up to 18 characters.
- bwipp tests/ps_tests/hibc*.ps.test, citing ANSI/HIBC 2.6-2016: Figure 2 "+A123BJC5D6E71G"
  (primary), Figure 6 "+$$52001510X3G" + check (a secondary symbol; "G" is its link character, the
  primary's check character), the figure in 4.3.3 "+A123BJC5D6E71/$$52001510X3C" (concatenated).

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
_LOT_CHARS = re.compile(r"[A-Z0-9\-. ]*")
_LOT_MAX = 18
_LEGACY_LOT_MAX = 13  # "a five-digit Julian date, YYJJJ, optionally followed by a lot number of up to 13"
# Format digits after "$$" (and after a quantity): digit -> (layout, length); "0"/"1" start MMYY.
_DATE_FORMATS = {
    "2": ("MMDDYY", 6),
    "3": ("YYMMDD", 6),
    "4": ("YYMMDDHH", 8),
    "5": ("YYJJJ", 5),
    "6": ("YYJJJHH", 7),
}
_DATE_FLAGS = "01234567"
_QUANTITY_SIZES = {"8": 2, "9": 5}
# Scanners end each read with a suffix (CR, LF or Tab, as configured): two symbols read back to back
# may arrive separated by one. A space is an HIBC character (even a check character), never a separator.
_SCAN_SEPARATORS = re.compile(r"[\r\n\t]+")


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
    check_character: str | None = field(default=None, repr=False)
    concatenated: bool = field(default=False, repr=False)


def parse_hibcc(text, today):
    """Parse HIBC data starting with '+': one symbol, or a primary and a secondary symbol read back
    to back (in either order, optionally separated by the scanner's CR/LF/Tab); raise UdiError."""
    for position, char in enumerate(text, start=1):
        if char not in HIBCC_CHARSET and not _SCAN_SEPARATORS.fullmatch(char):
            raise UdiError(
                f"HIBC: character {char!r} at position {position} is not in the HIBC character set"
            )
    chunks = [chunk for chunk in _SCAN_SEPARATORS.split(text) if chunk]
    if len(chunks) == 2:
        return _parse_pair(chunks[0], chunks[1], today)
    if len(chunks) != 1:
        raise UdiError("HIBC: a primary and a secondary symbol at most can be read together")
    try:
        return _parse_symbol(chunks[0], today)
    except UdiError as error:
        single_error = error
    # Not one valid symbol: two symbols read back to back, if some cut gives two valid symbols.
    for first, second in _split_pairs(chunks[0]):
        try:
            symbols = (_parse_symbol(first, today), _parse_symbol(second, today))
        except UdiError:
            continue
        return _join(*symbols)
    raise single_error


def _has_valid_check(symbol):
    try:
        return len(symbol) >= 3 and hibcc_check_character(symbol[:-1]) == symbol[-1]
    except UdiError:
        return False


def _split_pairs(text):
    """Ways of cutting ``text`` into two symbols that both start with '+' and end with a valid check."""
    for index in range(3, len(text) - 2):
        first, second = text[:index], text[index:]
        if second[0] == "+" and _has_valid_check(first) and _has_valid_check(second):
            yield first, second


def _parse_pair(first, second, today):
    return _join(_parse_symbol(first, today), _parse_symbol(second, today))


def _join(*symbols):
    """A primary symbol and its secondary symbol: the secondary's link character must be the
    primary's check character (ANSI/HIBC 2.6 Figure 6: link "G" = check character of Figure 2)."""
    primaries = [data for data in symbols if data.di is not None]
    if len(primaries) != 1 or primaries[0].concatenated:
        raise UdiError("HIBC: two symbols read together must be a primary symbol and its secondary symbol")
    primary = primaries[0]
    secondary = symbols[1] if symbols[0] is primary else symbols[0]
    link = secondary.extra["link_character"]
    if link != primary.check_character:
        raise UdiError(
            f"HIBC secondary symbol's link character {link!r} does not match the primary symbol's "
            f"check character {primary.check_character!r}: they are not from the same label"
        )
    result = HibcData(
        di=primary.di,
        lot=secondary.lot,
        serial=secondary.serial,
        expiry=secondary.expiry,
        production_date=secondary.production_date,
        quantity=secondary.quantity,
        extra={**primary.extra, **secondary.extra, "symbols": 2},
        check_character=primary.check_character,
    )
    return result


def _parse_symbol(text, today):
    """One symbol: primary, stand-alone secondary or concatenated, with its check character."""
    if not text.startswith("+"):
        raise UdiError(f"HIBC data {text[:6]!r} must start with '+'")
    if len(text) < 3:
        raise UdiError(f"HIBC data {text!r} is too short")
    data, check = text[:-1], text[-1]
    expected = hibcc_check_character(data)
    if check != expected:
        raise UdiError(f"HIBC {text}: check character should be {expected!r}, not {check!r}")
    body = data[1:]
    result = HibcData(check_character=check)
    if body[:1].isalpha():
        primary, slash, secondary = body.partition("/")
        _parse_primary(primary, result)
        if slash:
            # Concatenated: the secondary follows without its '+' and without a link character.
            result.concatenated = True
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
    if not any((result.lot, result.serial, result.expiry, result.production_date, result.quantity)):
        raise UdiError(f"HIBC secondary data {secondary!r} carries no lot, serial number, date or quantity")


def _parse_line(line, result, today):
    if line.startswith("$$"):
        rest = line[2:]
        is_serial = rest.startswith("+")
        rest = rest[1:] if is_serial else rest
        flag = rest[:1]
        if not flag:
            raise UdiError(f"HIBC secondary data {line!r}: a format digit must follow $$")
        if flag in _QUANTITY_SIZES:
            size = _QUANTITY_SIZES[flag]
            quantity = rest[1 : 1 + size]
            if len(quantity) != size or not quantity.isdigit():
                raise UdiError(f"HIBC quantity after flag {flag} must be {size} digits, got {quantity!r}")
            result.quantity = int(quantity)
            rest = rest[1 + size :]
            # "then optionally by one of the date formats": a format digit starts a date field.
            if rest and rest[0] in _DATE_FLAGS:
                rest = _parse_flagged_date(rest, result, today)
        elif flag in _DATE_FLAGS:
            rest = _parse_flagged_date(rest, result, today)
        else:
            raise UdiError(f"HIBC format digit after $$ must be 0 to 9, got {flag!r}")
        _set_lot_or_serial(rest, result, is_serial, optional=True)
    elif line.startswith("$+"):
        _set_lot_or_serial(line[2:], result, True)
    elif line.startswith("$"):
        _set_lot_or_serial(line[1:], result, False)
    elif line[:5].isdigit() and len(line) >= 5:
        # Legacy secondary without "$": YYJJJ expiry, optionally followed by a lot of up to 13.
        result.expiry = _julian_date(line[:5], today)
        _set_lot_or_serial(line[5:], result, False, optional=True, maximum=_LEGACY_LOT_MAX)
    else:
        raise UdiError(f"HIBC secondary data {line!r} must start with $, $+, $$, $$+ or a YYJJJ date")


def _parse_flagged_date(rest, result, today):
    """Read the expiry date at a format digit (after '$$' or a quantity); return what follows it."""
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


def _set_lot_or_serial(value, result, is_serial, optional=False, maximum=_LOT_MAX):
    what = "serial number" if is_serial else "lot number"
    if optional and not value:
        return
    if not value or len(value) > maximum or not _LOT_CHARS.fullmatch(value):
        raise UdiError(f"HIBC {what} {value!r} must be 1 to {maximum} letters, digits, '-', '.' or spaces")
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
