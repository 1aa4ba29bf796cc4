"""HIBC LIC primary, secondary and concatenated data (ANSI/HIBC 2.6-2016).

Published examples: ANSI/HIBC 2.6-2016 Figure 2 (primary), Figure 6 (secondary symbol) and the figure
of 4.3.3 (concatenated), as reproduced in bwipp/postscriptbarcode tests/ps_tests/hibccode39.ps.test
and hibcdatamatrix.ps.test; secondary formats as bwipp/postscriptbarcode wiki "HIBC Data Structures"
lists them.
"""

import datetime

import pytest
import udi

TODAY = datetime.date(2026, 11, 22)
PRIMARY = "+A123BJC5D6E71G"  # the standard's primary example: check character G
LINK = "G"


def checked(data):
    return data + udi.hibcc_check_character(data)


def secondary(data):
    """A stand-alone secondary symbol linked to PRIMARY."""
    return checked(f"+{data}{LINK}")


def parse(raw):
    return udi.parse(raw, today=TODAY)


def test_mod43_check_character_of_the_standard_example():
    # + A 1 2 3 B J C 5 D 6 E 7 1 = 41+10+1+2+3+11+19+12+5+13+6+14+7+1 = 145; 145 mod 43 = 16 -> G
    assert udi.hibcc_check_character("+A123BJC5D6E71") == "G"


@pytest.mark.parametrize(
    ("char", "value"), [("-", 36), (".", 37), (" ", 38), ("$", 39), ("/", 40), ("%", 42)]
)
def test_mod43_values_of_special_characters(char, value):
    # "+" (41) plus the character: the sum mod 43 identifies the character's value.
    assert (
        udi.hibcc_check_character("+" + char)
        == "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"[(41 + value) % 43]
    )


def test_primary():
    result = parse(PRIMARY)
    assert (result.issuer, result.di, result.pi_only) == ("hibcc", "A123BJC5D6E71", False)
    assert result.extra == {"lic": "A123", "pcn": "BJC5D6E7", "unit_of_measure": 1}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("+A123BJC5D6E71H", "check character should be 'G', not 'H'"),
        ("+a123BJC5D6E71G", "character 'a' at position 2 is not in the HIBC character set"),
        (checked("+A12"), "must be a 4-character labeler code"),
        (checked("+A123BJC5D6E7X"), "1-digit unit of measure"),
        (checked("+A123" + "P" * 19 + "1"), "product code of 1 to 18"),
        ("+", "too short"),
    ],
)
def test_primary_errors(raw, message):
    with pytest.raises(udi.UdiError, match=message):
        parse(raw)


@pytest.mark.parametrize(
    ("data", "lot", "serial", "expiry", "quantity"),
    [
        ("$LOT123", "LOT123", None, None, None),
        ("$+SER1", None, "SER1", None, None),
        ("$$0927LOT1", "LOT1", None, datetime.date(2027, 9, 30), None),  # MMYY: end of month
        ("$$1227LOT1", "LOT1", None, datetime.date(2027, 12, 31), None),
        ("$$2093027LOT1", "LOT1", None, datetime.date(2027, 9, 30), None),  # MMDDYY
        ("$$3270930LOT1", "LOT1", None, datetime.date(2027, 9, 30), None),  # YYMMDD
        ("$$427093014LOT1", "LOT1", None, datetime.date(2027, 9, 30), None),  # YYMMDDHH
        ("$$527273LOT1", "LOT1", None, datetime.date(2027, 9, 30), None),  # YYJJJ
        ("$$62806012LOT1", "LOT1", None, datetime.date(2028, 2, 29), None),  # YYJJJHH, leap year
        ("$$7LOT1", "LOT1", None, None, None),  # no date
        ("$$805" + "3270930LOT1", "LOT1", None, datetime.date(2027, 9, 30), 5),  # 2-digit quantity
        ("$$900100" + "7LOT1", "LOT1", None, None, 100),  # 5-digit quantity
        ("$$+3270930SER9", None, "SER9", datetime.date(2027, 9, 30), None),
        ("$$+7SER9", None, "SER9", None, None),
        ("$$+0927SER9", None, "SER9", datetime.date(2027, 9, 30), None),  # serial after MMYY
        ("$$+824" + "7SER9", None, "SER9", None, 24),  # serial after a quantity
        ("27273LOT1", "LOT1", None, datetime.date(2027, 9, 30), None),  # legacy +YYJJJlot
        ("27273", None, None, datetime.date(2027, 9, 30), None),  # legacy date, lot omitted
        ("27273" + "L" * 13, "L" * 13, None, datetime.date(2027, 9, 30), None),  # legacy lot: 13 at most
        ("$LOT1/SSER2", "LOT1", "SER2", None, None),
        ("$LOT1/16D20250115", "LOT1", None, None, None),
        ("$LOT1/14D20270930", "LOT1", None, datetime.date(2027, 9, 30), None),
        ("$LOT1/Q24", "LOT1", None, None, 24),
    ],
)
def test_secondary(data, lot, serial, expiry, quantity):
    result = parse(secondary(data))
    assert (result.issuer, result.di, result.pi_only) == ("hibcc", None, True)
    assert (result.lot, result.serial, result.expiry, result.quantity) == (lot, serial, expiry, quantity)
    assert result.extra["link_character"] == LINK


def test_secondary_hour_and_manufacturing_date():
    assert parse(secondary("$$427093014LOT1")).extra["expiry_hour"] == 14
    assert parse(secondary("$LOT1/16D20250115")).production_date == datetime.date(2025, 1, 15)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("$$1327LOT1", "month 13 does not exist"),
        ("$$527366LOT1", "2027 has no day 366"),
        ("$$3270231LOT1", "270231 is not a valid date"),
        ("$$427093025LOT1", "hour 25 does not exist"),
        ("$$8A" + "7LOT1", "quantity after flag 8 must be 2 digits"),
        ("$$3270930" + "L" * 19, "lot number 'LLLLLLLLLLLLLLLLLLL' must be 1 to 18"),
        ("27273" + "L" * 14, "lot number 'LLLLLLLLLLLLLL' must be 1 to 13"),
        ("$$7", "carries no lot, serial number, date or quantity"),
        ("$$9001", "quantity after flag 9 must be 5 digits, got '001'"),
        ("$$82410X3", "HIBC expiry date MMYY expected, got '10X3'"),  # a format digit starts a date
        ("$$A", "format digit after \\$\\$ must be 0 to 9, got 'A'"),
        ("$LOT1/X12", "supplemental data /X12 is not /S, /16D, /14D or /Q"),
        ("$LOT1/16D2025011", "manufacturing date must be YYYYMMDD"),
        ("$+", "serial number '' must be 1 to 18"),
        ("%LOT", "must start with \\$, \\$\\+, \\$\\$, \\$\\$\\+ or a YYJJJ date"),
    ],
)
def test_secondary_errors(data, message):
    with pytest.raises(udi.UdiError, match=message):
        parse(secondary(data))


def test_secondary_wrong_check_character():
    good = secondary("$LOT123")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(udi.UdiError, match=f"check character should be '{good[-1]}'"):
        parse(wrong)


def test_concatenated():
    raw = checked("+A123BJC5D6E71/$$3270930LOT1/SSER9/16D20250115")
    result = parse(raw)
    assert (result.di, result.lot, result.serial) == ("A123BJC5D6E71", "LOT1", "SER9")
    assert (result.expiry, result.production_date, result.pi_only) == (
        datetime.date(2027, 9, 30),
        datetime.date(2025, 1, 15),
        False,
    )
    assert "link_character" not in result.extra


def test_concatenated_wrong_check_character():
    raw = checked("+A123BJC5D6E71/$LOT1")
    with pytest.raises(udi.UdiError, match="check character should be"):
        parse(raw[:-1] + ("A" if raw[-1] != "A" else "B"))


def test_hibc_with_a_non_gs1_aim_identifier():
    assert parse("]C0" + PRIMARY).symbology == "]C0"


# --- published examples: ANSI/HIBC 2.6-2016 figures -----------------------------------------------

FIGURE_6 = "+$$52001510X3G" + "D"  # secondary symbol: $$5 YYJJJ 20015, lot 10X3, link G, check D


def test_figure_6_secondary_symbol():
    result = parse(FIGURE_6)
    assert (result.di, result.lot, result.expiry, result.pi_only) == (
        None,
        "10X3",
        datetime.date(2020, 1, 15),
        True,
    )
    assert result.extra == {"link_character": "G"}


def test_figure_in_4_3_3_concatenated_symbol():
    result = parse("+A123BJC5D6E71/$$52001510X3C")
    assert (result.di, result.lot, result.expiry) == ("A123BJC5D6E71", "10X3", datetime.date(2020, 1, 15))


# --- primary and secondary printed as two linear symbols, read back to back -----------------------


@pytest.mark.parametrize(
    "raw",
    [
        PRIMARY + FIGURE_6,
        FIGURE_6 + PRIMARY,  # the secondary scanned first
        PRIMARY + "\r\n" + FIGURE_6,  # each read ending with the scanner's suffix
        PRIMARY + "\t" + FIGURE_6,
    ],
)
def test_primary_and_secondary_symbols_read_together(raw):
    result = parse(raw)
    assert (result.di, result.lot, result.expiry, result.pi_only) == (
        "A123BJC5D6E71",
        "10X3",
        datetime.date(2020, 1, 15),
        False,
    )
    assert result.extra["link_character"] == LINK
    assert result.extra["symbols"] == 2


def test_secondary_of_another_primary_is_refused():
    other = checked("+A123BJC5D6E72")  # check character H, not G
    with pytest.raises(udi.UdiError, match="link character 'G' does not match the primary symbol's check"):
        parse(other + FIGURE_6)


def test_space_as_check_character_is_data_not_a_separator():
    # A space (value 38) can be a check character: only CR, LF and Tab separate two reads.
    alphanumerics = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    primary = next(
        p for a in alphanumerics for b in alphanumerics if (p := checked(f"+A123{a}{b}1")).endswith(" ")
    )
    secondary = checked(f"+$LOT1{primary[-1]}")
    result = parse(primary + secondary)
    assert (result.di, result.lot) == (primary[1:-1], "LOT1")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (PRIMARY + "\r\n" + PRIMARY, "must be a primary symbol and its secondary symbol"),
        (FIGURE_6 + "\n" + FIGURE_6, "must be a primary symbol and its secondary symbol"),
        (PRIMARY + "\n" + FIGURE_6 + "\n" + FIGURE_6, "a primary and a secondary symbol at most"),
        (PRIMARY + "\n" + FIGURE_6[:-1] + "E", "check character should be 'D', not 'E'"),
    ],
)
def test_symbols_read_together_errors(raw, message):
    with pytest.raises(udi.UdiError, match=message):
        parse(raw)


# --- quantity formats $$8 (2 digits) and $$9 (5 digits), then optionally a date format -----------


@pytest.mark.parametrize(
    ("data", "quantity", "expiry", "lot"),
    [
        ("$$824" + "0927" + "LOT1", 24, datetime.date(2027, 9, 30), "LOT1"),  # then MMYY
        ("$$824" + "2093027" + "LOT1", 24, datetime.date(2027, 9, 30), "LOT1"),  # then MMDDYY
        ("$$824" + "527273" + "LOT1", 24, datetime.date(2027, 9, 30), "LOT1"),  # then YYJJJ
        ("$$824" + "7" + "LOT1", 24, None, "LOT1"),  # "7": no date
        ("$$824" + "LOT1", 24, None, "LOT1"),  # no date format: the lot follows
        ("$$824", 24, None, None),  # quantity only
        ("$$900100" + "3270930" + "LOT1", 100, datetime.date(2027, 9, 30), "LOT1"),
        ("$$999999" + "X1", 99999, None, "X1"),
    ],
)
def test_quantity_formats(data, quantity, expiry, lot):
    result = parse(secondary(data))
    assert (result.quantity, result.expiry, result.lot) == (quantity, expiry, lot)


def test_trailing_space_check_character_is_kept():
    alphanumerics = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    primary = next(
        p for a in alphanumerics for b in alphanumerics if (p := checked(f"+A123{a}{b}1")).endswith(" ")
    )
    assert parse(primary + "\r\n").di == primary[1:-1]
