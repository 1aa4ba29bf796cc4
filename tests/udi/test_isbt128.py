"""ICCBBA ISBT 128 data structures for HCT/P and blood-bag UDIs (ICCBBA ST-001, ST-011)."""

import datetime

import pytest
import udi

TODAY = datetime.date(2026, 11, 22)
# AccessGUDID's HCT/P example: PPIC, serial, DIN, expiry, production date, MPHO lot.
EXAMPLE = "=/A9999XYZ100T0944=,000025=A99971312345600=>014032=}013032&,1000000000000XYZ123"


def parse(raw):
    return udi.parse(raw, today=TODAY)


def test_hctp_example():
    result = parse(EXAMPLE)
    assert (result.issuer, result.di, result.serial, result.lot) == (
        "iccbba",
        "A9999XYZ100T0944",
        "000025",
        "000000000000XYZ123",
    )
    assert result.expiry == datetime.date(2014, 2, 1)  # 014032: 2014, day 32
    assert result.production_date == datetime.date(2013, 2, 1)
    assert result.extra == {"din": "A99971312345600"}
    assert result.pi_only is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("014032", datetime.date(2014, 2, 1)),
        ("024001", datetime.date(2024, 1, 1)),
        ("024366", datetime.date(2024, 12, 31)),  # leap year
        ("025365", datetime.date(2025, 12, 31)),
    ],
)
def test_cyyjjj_dates(value, expected):
    assert parse(f"=/A9999XYZ100T0944=>{value}").expiry == expected


def test_date_and_time_structures():
    result = parse("=/A9999XYZ100T0944&>0270011230&}0260151545")
    assert result.expiry == datetime.date(2027, 1, 1)
    assert result.production_date == datetime.date(2026, 1, 15)
    assert result.extra["expiry_time"] == "2027-01-01T12:30:00"


def test_pi_only_and_blood_bag_container():
    result = parse("=,000025=>027001")
    assert (result.di, result.serial, result.pi_only) == (None, "000025", True)
    bag = parse("=)1BA1234567&)0000LOT123")
    assert (bag.di, bag.lot) == ("1BA1234567", "0000LOT123")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("=/A9999XYZ100T094", "processor product identification code .PPIC. at position 1 needs 16"),
        ("=/A9999XYZ100T0944=>025366", "2025 has no day 366"),
        ("=/A9999XYZ100T0944=>025000", "2025 has no day 0"),
        ("=/A9999XYZ100T0944&>0250012460", "time 2460 does not exist"),
        ("=/A9999XYZ100T0944=,00002", "serial number at position 19 needs 6"),
        ("=/A9999XYZ100T0944=,000025=,000026", "serial number appears twice"),
        ("=/a9999xyz100t0944", "needs 16 letters or digits"),
        ("=/A9999XYZ100T0944=0", "no known data identifier at position 19"),
        ("=/A9999XYZ100T0944=)1BA1234567", "two device identifiers"),
        ("&X", "no known data identifier at position 1"),
    ],
)
def test_errors(raw, message):
    with pytest.raises(udi.UdiError, match=message):
        parse(raw)
