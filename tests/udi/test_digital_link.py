"""GS1 Digital Link URIs (GS1 Digital Link URI Syntax; GS1 Barcode Syntax Dictionary "dlpkey" and "?"
attributes; gs1/gs1-syntax-engine src/c-lib/dl.c, whose test URIs are reused below)."""

import datetime

import pytest
import udi

TODAY = datetime.date(2026, 11, 22)
GTIN = "00614141123452"  # GenSpecs 7.9.1 check digit example
DL_GTIN = "09520123456788"  # GTIN of the Digital Link examples in gs1-syntax-engine dl.c


def parse(raw, **options):
    return udi.parse(raw, today=TODAY, **options)


def test_path_qualifiers_and_query_attributes():
    result = parse(f"https://id.gs1.org/01/{GTIN}/10/LOT1/21/SER1?17=270100&11=250115")
    assert (result.issuer, result.di, result.lot, result.serial) == ("gs1", GTIN, "LOT1", "SER1")
    assert result.expiry == datetime.date(2027, 1, 31)  # DD=00
    assert result.production_date == datetime.date(2025, 1, 15)
    assert result.extra == {"digital_link": True}


def test_any_domain_and_stem_even_one_containing_01():
    result = parse(f"HTTP://example.com/products/01/x/01/{GTIN}/22/V1/10/L?linkType=gs1:pip#frag")
    assert (result.di, result.lot, result.extra["22"]) == (GTIN, "L", "V1")


def test_percent_encoding():
    result = parse(f"https://d.example/01/{GTIN}/10/A%2FB%25C?240=X%2BY&8012=1.0")
    assert result.lot == "A/B%C"
    assert result.extra["240"] == "X+Y"
    assert result.extra["8012"] == "1.0"


def test_plus_in_the_query_is_a_space():
    # dl.c URIunescape: "+" means space in query info, not in a path component; a space is not
    # a GS1 CSET 82 character, so a plus sign must be written %2B in the query.
    assert parse(f"https://d.example/01/{GTIN}/10/A+B").lot == "A+B"
    with pytest.raises(udi.UdiError, match="character ' ' at position 2 of 'X Y'"):
        parse(f"https://d.example/01/{GTIN}?240=X+Y")


def test_unknown_non_ai_query_parameters_and_singletons_are_ignored():
    assert parse(f"https://d.example/01/{GTIN}?utm_source=x&17=261231&empty&99").expiry == datetime.date(
        2026, 12, 31
    )


def test_qualifier_235_alternative():
    assert parse(f"https://d.example/01/{GTIN}/235/TPX1").extra["235"] == "TPX1"


def test_lot_may_be_a_query_attribute_after_the_235_alternative():
    # dl.c: "This is fine because we chose an alternate key qualifier"
    result = parse(f"https://id.gs1.org/01/{DL_GTIN}/235/XYZ?10=ABC123")
    assert (result.di, result.lot, result.extra["235"]) == (DL_GTIN, "ABC123", "XYZ")


def test_lot_in_the_query_when_it_belongs_in_the_path():
    # dl.c: "AI in query params that should be in the path info"
    with pytest.raises(udi.UdiError, match=r"AI \(10\) must be in the Digital Link path, not in the query"):
        parse(f"https://example.com/01/{DL_GTIN}?10=ABC123")


def test_gtin_as_a_query_attribute_of_another_primary_key():
    # dl.c: "Second primary key (GTIN) carried as a query parameter data attribute"
    result = parse(f"https://example.com/8004/9520614141234567?01={DL_GTIN}")
    assert (result.di, result.extra["8004"]) == (DL_GTIN, "9520614141234567")


@pytest.mark.parametrize(
    ("uri", "gtin14", "written"),
    [
        # dl.c "legacy expansion of GTIN-{8,12,13} in AI (01) path component" test cases
        ("https://a.example/01/2112345678900", "02112345678900", "2112345678900"),
        ("https://a.example/01/416000336108", "00416000336108", "416000336108"),
        ("https://a.example/01/02345673", "00000002345673", "02345673"),
        ("https://id.gs1.org/01/9520123456788?17=201225&3103=000195&3922=0299", DL_GTIN, "9520123456788"),
        # the same expansion of AI (01) as a query parameter
        ("https://a.example/8004/9520614141234567?01=2112345678900", "02112345678900", "2112345678900"),
    ],
)
def test_zero_suppressed_gtin_is_padded_and_reported(uri, gtin14, written):
    result = parse(uri)
    assert (result.di, result.extra["zero_suppressed_gtin"]) == (gtin14, written)
    with pytest.raises(udi.UdiError, match="must have 14 digits"):
        parse(uri, permit_zero_suppressed_gtin=False)


def test_zero_suppressed_gtin_keeps_its_check_digit():
    with pytest.raises(udi.UdiError, match="check digit should be 2"):
        parse("https://d.example/01/614141123453")


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
        (f"https://d.example/01/{GTIN}?21=S", "AI \\(21\\) is not permitted as a Digital Link data"),
        (f"https://d.example/01/{GTIN}/235/T?22=V", "AI \\(22\\) is not permitted as a Digital Link data"),
        (f"https://d.example/01/{GTIN}?17=261231&17=261130", "AI \\(17\\) appears twice"),
        (f"https://d.example/01/{GTIN}/10/L?01={GTIN}", "AI \\(01\\) appears twice"),
        (f"https://d.example/01/{GTIN}?99999=1", "\\(99999\\) is not a GS1 Application Identifier"),
        (f"https://d.example/01/{GTIN}?89=ABC123", "\\(89\\) is not a GS1 Application Identifier"),
        (f"https://d.example/01/{GTIN}?17=261331", "month 13 does not exist"),
        (f"https://d.example/01/{GTIN}?7003=2612001200", "day 00 is not allowed"),
        ("https://d.example/01/00614141123453", "check digit should be 2"),
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
