"""What biip (the GS1 library udi builds on) leaves to udi, pinned so a biip upgrade is noticed.

Each test shows biip's behaviour next to udi's: if biip starts enforcing a rule, the first
assertion fails and the hand-written check in udi can be reconsidered.
"""

import datetime

import pytest
import udi
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_messages import GS1Message

TODAY = datetime.date(2026, 11, 22)
GTIN = "00614141123452"


def test_7003_with_dd00():
    biip = GS1Message.parse(f"01{GTIN}70032612001200")
    assert biip.element_strings.get(ai="7003").date == datetime.date(2026, 12, 31)
    with pytest.raises(udi.UdiError, match="day 00 is not allowed"):
        udi.parse(f"01{GTIN}70032612001200", today=TODAY)


def test_wrong_gtin_check_digit_is_only_noted():
    biip = GS1Message.parse(f"01{GTIN[:-1]}3")
    assert biip.element_strings.get(ai="01").gtin_error
    with pytest.raises(udi.UdiError, match="check digit should be 2"):
        udi.parse(f"01{GTIN[:-1]}3", today=TODAY)


def test_association_rules():
    assert GS1Message.parse("00106141411234567897" + "21S").element_strings.get(ai="21").value == "S"
    with pytest.raises(udi.UdiError, match=r"AI \(21\) requires AI \(01\) or \(03\) or \(8006\)"):
        udi.parse("00106141411234567897" + "21S", today=TODAY)


def test_digital_link_duplicate_and_lot_in_query():
    uri = f"https://id.gs1.org/01/{GTIN}?17=261231&17=261130&10=LOT"
    biip = GS1DigitalLinkURI.parse(uri)
    assert [(element.ai.ai, element.value) for element in biip.element_strings][1:] == [
        ("17", "261130"),
        ("10", "LOT"),
    ]
    with pytest.raises(udi.UdiError, match=r"AI \(17\) appears twice"):
        udi.parse(uri, today=TODAY)


def test_digital_link_zero_suppressed_gtin():
    # biip pads silently; udi pads too (legacy labels) but says so, or refuses when asked to.
    assert GS1DigitalLinkURI.parse("https://id.gs1.org/01/614141123452").element_strings[0].value == GTIN
    result = udi.parse("https://id.gs1.org/01/614141123452", today=TODAY)
    assert (result.di, result.extra["zero_suppressed_gtin"]) == (GTIN, "614141123452")
    with pytest.raises(udi.UdiError, match="must have 14 digits"):
        udi.parse("https://id.gs1.org/01/614141123452", today=TODAY, permit_zero_suppressed_gtin=False)
