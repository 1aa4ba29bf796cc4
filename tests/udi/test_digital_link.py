"""GS1 Digital Link URIs (GS1 Digital Link URI Syntax; regulatory.md section 1)."""

import datetime

import pytest
import udi

TODAY = datetime.date(2026, 11, 22)
GTIN = "00614141123452"


def parse(raw):
    return udi.parse(raw, today=TODAY)


def test_path_qualifiers_and_query_attributes():
    result = parse(f"https://id.gs1.org/01/{GTIN}/10/LOT1/21/SER1?17=270100&11=250115")
    assert (result.issuer, result.di, result.lot, result.serial) == ("gs1", GTIN, "LOT1", "SER1")
    assert result.expiry == datetime.date(2027, 1, 31)  # DD=00
    assert result.production_date == datetime.date(2025, 1, 15)
    assert result.extra == {"digital_link": True}


def test_any_domain_and_stem_even_one_containing_01():
    result = parse(f"HTTP://example.com/products/01/x/01/{GTIN}/22/V1/10/L?linkType=gs1:pip#frag")
    assert (result.di, result.lot, result.extra["22"]) == (GTIN, "L", "V1")


def test_percent_encoding_and_literal_plus():
    result = parse(f"https://d.example/01/{GTIN}/10/A%2FB%25C?240=X+Y&8012=1.0")
    assert result.lot == "A/B%C"
    assert result.extra["240"] == "X+Y"
    assert result.extra["8012"] == "1.0"


def test_unknown_non_ai_query_parameters_are_ignored():
    assert parse(f"https://d.example/01/{GTIN}?utm_source=x&17=261231&empty").expiry == datetime.date(
        2026, 12, 31
    )


def test_qualifier_235_alternative():
    assert parse(f"https://d.example/01/{GTIN}/235/TPX1").extra["235"] == "TPX1"


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        (
            f"https://d.example/01/{GTIN}/21/S/10/L",
            "qualifiers 21/10 after \\(01\\) must follow the order 22/10/21",
        ),
        (f"https://d.example/01/{GTIN}/10/L/22/V", "must follow the order"),
        (f"https://d.example/01/{GTIN}/10/L/235/T", "must follow the order 22/10/21 or 235"),
        (f"https://d.example/01/{GTIN}/10/A/10/B", "must follow the order"),
        (
            f"https://d.example/01/{GTIN}?10=L",
            "AI \\(10\\) must be in the Digital Link path, not in the query",
        ),
        (f"https://d.example/01/{GTIN}?21=S", "AI \\(21\\) must be in the Digital Link path"),
        (f"https://d.example/01/{GTIN}?17=261231&17=261130", "AI \\(17\\) appears twice"),
        (f"https://d.example/01/{GTIN}?99999=1", "\\(99999\\) is not a GS1 Application Identifier"),
        (f"https://d.example/01/{GTIN}?17=261331", "month 13 does not exist"),
        (f"https://d.example/01/{GTIN}?7003=2612001200", "day 00 is not allowed"),
        ("https://d.example/01/00614141123453", "check digit should be 2"),
        ("https://d.example/01/614141123452", "must have 14 digits"),
        ("https://d.example/products/123", "no GS1 primary key"),
        (f"https://d.example/01/{GTIN}/10/A%20B", "character ' ' at position 2"),
        ("https://d.example/8013/1987654Ad4X4bL5ttr2310c2K", "AI \\(8013\\) is not a device identifier"),
        ("https:///01/00614141123452", "not an http\\(s\\) URI with a domain"),
    ],
)
def test_errors(uri, message):
    with pytest.raises(udi.UdiError, match=message):
        parse(uri)


def test_malformed_domain_is_a_udi_error():
    with pytest.raises(udi.UdiError, match="is not a valid URI"):
        parse(f"http://[::1/01/{GTIN}")
