"""HIBC LIC primary, secondary and concatenated data (ANSI/HIBC 2.6, regulatory.md section 2)."""

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
        ("27273LOT1", "LOT1", None, datetime.date(2027, 9, 30), None),  # legacy +YYJJJlot
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
