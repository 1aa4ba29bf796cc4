"""GS1 element strings: raw (FNC1 as GS) and human-readable (parenthesised) forms.

biip supplies the Application Identifier table (format, CSET 82 patterns, which
AIs need a separator); this module adds the GS1 rules biip does not enforce:
key check digits, dates against a given ``today`` (century window, DD=00),
duplicate AIs, lengths without silent truncation and the AI association rules.
References: GS1 General Specifications (GenSpecs) 3.2, 4.14, 7.8, 7.9, 7.12 and the GS1 Barcode
Syntax Dictionary, release 2026-01-27 (gs1_syntax.py: its association rules, transcribed).
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from biip import ParseConfig, ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_element_strings import GS1ElementString

from . import gs1_syntax
from .checks import gtin_check_digit
from .errors import UdiError

GS = "\x1d"

# biip's own date check uses the current date; dates are checked below against ``today``.
_BIIP_CONFIG = ParseConfig(gs1_element_strings_verify_date=False)

# GS1 CSET 82 (GenSpecs figure 7.11-1): the characters allowed in "X" fields.
CSET82 = frozenset("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")

# Keys with a mod-10 check digit (GenSpecs 7.9.1): AI -> (start, end) of the checked digits.
_CHECKED_KEYS = {
    "00": (0, 18),
    "01": (0, 14),
    "02": (0, 14),
    "03": (0, 14),
    "253": (0, 13),
    "255": (0, 13),
    "402": (0, 17),
    "410": (0, 13),
    "411": (0, 13),
    "412": (0, 13),
    "413": (0, 13),
    "414": (0, 13),
    "415": (0, 13),
    "416": (0, 13),
    "417": (0, 13),
    "8003": (1, 14),
    "8006": (0, 14),
    "8017": (0, 18),
    "8018": (0, 18),
    "8026": (0, 14),
}
_KEY_NAMES = {"00": "SSCC", "01": "GTIN", "02": "GTIN", "03": "GTIN", "8006": "GTIN", "8026": "GTIN"}

# Date layout per AI (Syntax Dictionary linters): "d0" = YYMMDD with DD=00 allowed (last day of the
# month, GenSpecs 7.12), "dd" = YYMMDD with a real day; then optional time parts.
_DATE_FIELDS = {
    "11": "d0",
    "12": "d0",
    "13": "d0",
    "15": "d0",
    "16": "d0",
    "17": "d0",
    "4324": "d0 hhmm",
    "4325": "d0 hhmm",
    "4326": "dd",
    "7003": "dd hhmm",
    "7006": "dd",
    "7007": "dd [dd]",
    "7011": "dd [hhmm]",
    "8008": "dd hh [mm] [ss]",
}
DATE_AIS = frozenset(_DATE_FIELDS)

# GS1 identification keys: a symbol without one carries production identifiers only (split labels).
PRIMARY_KEYS = frozenset(
    [
        *("00", "01", "02", "03", "253", "255", "401", "402", "414", "415"),
        *("417", "8003", "8004", "8006", "8010", "8013", "8017", "8018", "8026"),
    ]
)
# AIs that carry a GS1 UDI-DI: the GTIN (01) and the made-to-order GTIN (03), which the Syntax
# Dictionary accepts with the same production identifiers (10, 11, 17, 21... "req=01,02,03,...").
DEVICE_IDENTIFIERS = ("01", "03")


@dataclass(frozen=True)
class Element:
    """One GS1 element string: Application Identifier and its data field."""

    ai: str
    value: str


def lookup_ai(ai):
    """Return biip's definition of exactly ``ai``; UdiError if GS1 defines no such AI."""
    try:
        definition = GS1ApplicationIdentifier.extract(ai)
    except ParseError:
        definition = None
    if definition is None or definition.ai != ai:
        raise UdiError(f"({ai}) is not a GS1 Application Identifier")
    return definition


def _fixed_length(definition):
    """Length of the data field of an AI of predefined length (no GS needed after it)."""
    return sum(int(part[1:]) for part in definition.format.split("+")[1:])


def split_raw(data):
    """Split raw element strings (FNC1 transmitted as GS) into Elements, in order.

    AIs of predefined length end after their length (GenSpecs 7.8.5); every other AI runs to the
    next GS or the end. Superfluous, doubled or trailing GS are tolerated (GenSpecs 7.8.6).
    """
    elements = []
    position = 0
    while position < len(data):
        if data[position] == GS:
            position += 1
            continue
        try:
            definition = GS1ApplicationIdentifier.extract(data[position:])
        except ParseError:
            found = data[position : position + 4]
            raise UdiError(
                f"no GS1 Application Identifier starts at position {position + 1} ({found!r})"
            ) from None
        start = position + len(definition.ai)
        if definition.separator_required:
            end = data.find(GS, start)
            end = len(data) if end < 0 else end
        else:
            end = start + _fixed_length(definition)
            field = data[start:end]
            if GS in field or end > len(data):
                raise UdiError(
                    f"AI ({definition.ai}) needs exactly {_fixed_length(definition)} characters, "
                    f"got {field.split(GS)[0]!r}"
                )
        elements.append(Element(definition.ai, data[start:end]))
        position = end
    if not elements:
        raise UdiError("no GS1 element string found")
    return elements


_HRI_AI = re.compile(r"\((\d{2,4})\)")


def split_hri(text):
    """Split the human-readable form ``(01)...(17)...(10)...`` into Elements.

    A parenthesised number starts a new element only if it is a GS1 AI, so data such as
    a lot ``A(1)`` keeps its parentheses (they are valid CSET 82 characters).
    """
    text = text.strip()
    starts = [match for match in _HRI_AI.finditer(text) if _is_ai(match.group(1))]
    if not starts or starts[0].start() != 0:
        raise UdiError(f"human-readable GS1 data must start with an AI in parentheses, got {text[:6]!r}")
    elements = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        elements.append(Element(match.group(1), text[match.end() : end].strip()))
    return elements


def _is_ai(code):
    try:
        lookup_ai(code)
    except UdiError:
        return False
    return True


def check_elements(elements, today):
    """Validate every element and the message as a whole; return {ai: value} in message order.

    Raises UdiError naming the AI and the rule at the first problem.
    """
    values = {}
    for element in elements:
        check_element(element.ai, element.value, today)
        previous = values.get(element.ai)
        if previous is not None and previous != element.value:
            raise UdiError(
                f"AI ({element.ai}) appears twice with different values ({previous!r} and {element.value!r})"
            )
        values[element.ai] = element.value
    check_exclusions(values)
    return values


def check_element(ai, value, today):
    """Check one element: format and character set (biip), check digit, dates."""
    definition = lookup_ai(ai)
    if not value:
        raise UdiError(f"AI ({ai}) {definition.data_title} has no data")
    try:
        GS1ElementString.parse(ai + value, config=_BIIP_CONFIG)
    except ParseError:
        date_part = value[:6]
        if ai in _DATE_FIELDS and len(date_part) == 6 and date_part.isascii() and date_part.isdigit():
            # biip's pattern refuses month 13 or day 32: say which part of the date is wrong
            yymmdd_to_date(date_part, today, _DATE_FIELDS[ai].startswith("d0"), _title(definition))
        raise UdiError(_format_problem(definition, value)) from None
    _check_digit(ai, value)
    if ai in _DATE_FIELDS:
        parse_ai_date(ai, value, today)


def _title(definition):
    return f"AI ({definition.ai}) {definition.data_title}"


def _format_problem(definition, value):
    """Say in words why ``value`` does not fit the AI's format (only single-part formats in detail)."""
    name = _title(definition)
    parts = definition.format.split("+")[1:]
    if len(parts) == 1:
        spec = parts[0]
        kind, variable, size = spec[0], ".." in spec, int(spec.lstrip("NXY."))
        for position, char in enumerate(value[:size], start=1):
            if kind == "N" and not ("0" <= char <= "9"):
                return f"{name}: {char!r} at position {position} of {value!r} is not a digit"
            if kind == "X" and char not in CSET82:
                return (
                    f"{name}: character {char!r} at position {position} of {value!r} "
                    "is not allowed (GS1 character set 82)"
                )
        if variable and len(value) > size:
            return (
                f"{name}: {value!r} has {len(value)} characters, at most {size} allowed "
                "(is a GS separator missing?)"
            )
        if not variable and len(value) != size:
            return f"{name}: {value!r} has {len(value)} characters, exactly {size} needed"
    return f"{name}: {value!r} does not match the format {definition.format}"


# GMN check character pair (GenSpecs 7.9.5): CSET 82 positions weighted by primes from the right.
_CSET82_ORDER = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
_CSET32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_GMN_WEIGHTS = (83, 79, 73, 71, 67, 61, 59, 53, 47, 43, 41, 37, 31, 29, 23, 19, 17, 13, 11, 7, 5, 3, 2)


def gmn_check_characters(data):
    """The check character pair of ``data`` (GenSpecs 7.9.5).

    Used by the GMN (AI 8013, the GS1 Basic UDI-DI) and the MUDI (AI 8014).
    """
    weights = _GMN_WEIGHTS[len(_GMN_WEIGHTS) - len(data) :]
    total = sum(_CSET82_ORDER.index(char) * weight for char, weight in zip(data, weights, strict=True)) % 1021
    return _CSET32[total // 32] + _CSET32[total % 32]


# AIs whose data ends with a GS1 alphanumeric check character pair (Syntax Dictionary linters
# "csumalpha,gcppos1"; AI 8014 also "hasnondigit"): GMN (the GS1 Basic UDI-DI) and MUDI.
_CHECK_PAIR_AIS = {"8013": "GMN", "8014": "MUDI"}
_GCP_MIN_LENGTH = 4  # gs1-syntax-engine lint_gcppos1.c: the shortest GS1 Company Prefix has 4 digits


def _check_digit(ai, value):
    if ai in _CHECK_PAIR_AIS:
        _check_pair(ai, value)
        return
    span = _CHECKED_KEYS.get(ai)
    if span is None:
        return
    digits = value[span[0] : span[1]]
    expected = gtin_check_digit(digits[:-1])
    if int(digits[-1]) != expected:
        name = _KEY_NAMES.get(ai, "key")
        raise UdiError(f"{name} {digits} in AI ({ai}): check digit should be {expected}")


def _check_pair(ai, value):
    name = _CHECK_PAIR_AIS[ai]
    prefix = value[:_GCP_MIN_LENGTH]
    if len(prefix) < _GCP_MIN_LENGTH or not prefix.isdigit():
        raise UdiError(
            f"{name} {value} in AI ({ai}) must start with a GS1 Company Prefix (at least 4 digits)"
        )
    if len(value) < 3:
        raise UdiError(f"{name} {value} in AI ({ai}) is too short: it ends with two check characters")
    if ai == "8014" and value.isdigit():
        raise UdiError(f"{name} {value} in AI ({ai}) must contain a character that is not a digit")
    expected = gmn_check_characters(value[:-2])
    if expected != value[-2:]:
        raise UdiError(f"{name} {value} in AI ({ai}): check characters should be {expected}")


def resolve_year(two_digits, today):
    """Full year of a two-digit year, GenSpecs 7.12 century window relative to ``today``."""
    current = today.year % 100
    century = today.year - current
    difference = two_digits - current
    if difference >= 51:
        century -= 100
    elif difference <= -50:
        century += 100
    return century + two_digits


def yymmdd_to_date(text, today, allow_last_day=True, what="date"):
    """Date of ``YYMMDD``; DD=00 is the last day of the month when ``allow_last_day`` (GenSpecs 7.12)."""
    year = resolve_year(int(text[0:2]), today)
    month, day = int(text[2:4]), int(text[4:6])
    if not 1 <= month <= 12:
        raise UdiError(f"{what} {text}: month {text[2:4]} does not exist")
    last_day = calendar.monthrange(year, month)[1]
    if day == 0:
        if not allow_last_day:
            raise UdiError(f"{what} {text}: day 00 is not allowed here")
        return datetime.date(year, month, last_day)
    if day > last_day:
        raise UdiError(f"{what} {text}: {year}-{month:02d} has no day {day}")
    return datetime.date(year, month, day)


def parse_ai_date(ai, value, today):
    """Return the date of a date AI (the first date for 7007), checking its time parts too."""
    layout = _DATE_FIELDS[ai].split()
    what = _title(lookup_ai(ai))
    result = yymmdd_to_date(value[:6], today, allow_last_day=layout[0] == "d0", what=what)
    rest = value[6:]
    for part in layout[1:]:
        optional = part.startswith("[")
        part = part.strip("[]")
        if not rest and optional:
            break
        if part == "dd":
            if len(rest) < 6:
                raise UdiError(f"{what}: second date {rest!r} in {value!r} is not YYMMDD")
            yymmdd_to_date(rest[:6], today, allow_last_day=False, what=what)
            rest = rest[6:]
            continue
        limits = {"hhmm": (23, 59), "hh": (23,), "mm": (59,), "ss": (59,)}[part]
        size = 2 * len(limits)
        chunk = rest[:size]
        if len(chunk) != size or any(int(chunk[i * 2 : i * 2 + 2]) > top for i, top in enumerate(limits)):
            raise UdiError(f"{what}: time {chunk!r} in {value!r} is not a valid {part}")
        rest = rest[size:]
    if rest:
        raise UdiError(f"{what}: unexpected {rest!r} after the date in {value!r}")
    return result


def check_exclusions(values):
    """Invalid AI pairs in one message (Syntax Dictionary "ex", checked both ways; GenSpecs 4.14.1).

    Reported in message order. An AI is not exclusive of itself even if it matches a pattern, so
    two variants of one measure (3100 and 3101, "ex=310n") are refused but one alone is not.
    """
    present = list(values)
    for index, ai in enumerate(present):
        for other in present[index + 1 :]:
            if _excluded(ai, other) or _excluded(other, ai):
                raise UdiError(f"AI ({ai}) and AI ({other}) must not appear together")


def _excluded(ai, other):
    patterns = gs1_syntax.rules(ai).excludes
    return other != ai and any(gs1_syntax.matches(other, pattern) for pattern in patterns)


def requirements(ai):
    """Mandatory association rules of ``ai`` (Syntax Dictionary "req"): a tuple of rules, each a
    tuple of alternatives, each alternative a tuple of AIs or patterns that must all be present."""
    return gs1_syntax.rules(ai).requires


def _satisfied(alternative, present):
    return all(any(gs1_syntax.matches(ai, item) for ai in present) for item in alternative)


def check_requirements(values, deferred=()):
    """Mandatory associations (Syntax Dictionary "req", GenSpecs 4.14.2) within one message.

    A symbol carrying only production identifiers is joined later to the GTIN scanned in the other
    symbol: the Syntax Dictionary evaluates pairings "over the combined data received from all GS1
    carriers marking a physical item", so ``deferred`` AIs count as present.
    """
    present = set(values) | set(deferred)
    for ai in values:
        for rule in requirements(ai):
            if any(_satisfied(alternative, present) for alternative in rule):
                continue
            needed = " or ".join("+".join(f"({item})" for item in alternative) for alternative in rule)
            raise UdiError(f"AI ({ai}) requires AI {needed} in the same symbol")
