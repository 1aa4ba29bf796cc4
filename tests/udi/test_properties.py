"""Property tests of the UDI parser (hypothesis, bounded runs).

1. Any string, including mutations of valid barcodes, gives a UdiResult or a UdiError, never
   another exception.
2. Random valid GS1 data encoded by a naive encoder (raw with GS, parenthesised, Digital Link)
   parses back to the same data.
"""

import calendar
import datetime
from urllib.parse import quote

import udi
from hypothesis import given, settings
from hypothesis import strategies as st

TODAY = datetime.date(2026, 11, 22)
GS = "\x1d"
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
VALID = [
    "]d2010061414112345217261200" + "10LOT1" + GS + "21SER1",
    "(01)00614141123452(17)260200(10)A(1)B(21)S",
    "https://id.gs1.org/01/00614141123452/10/L%2F1/21/S?17=270100&11=250115",
    "+A123BJC5D6E71G",
    "+A123BJC5D6E71/$$3270930LOT1/SSER9/16D20250115Q",
    "+$$427093014LOT1GB",
    "=/A9999XYZ100T0944=,000025=A99971312345600=>014032=}013032&,1000000000000XYZ123",
    "17261231" + "10LOT1",
    "0100614141123452" + "70032612311345<GS>10L|21S",
    "(03)00614141123452(15)261231(21)S1(8014)7907665Bm8v2AB",
    "https://id.gs1.org/01/9520123456788/235/XYZ?10=ABC123&17=261200",
    "+A123BJC5D6E71G\r\n+$$52001510X3GD",
    "+A123BJC5D6E71G+$$82420928053C001GJ",
]
BOUNDED = settings(max_examples=200, deadline=None)


def parses_or_refuses(raw):
    try:
        result = udi.parse(raw, today=TODAY)
    except udi.UdiError as error:
        assert str(error)
        return
    assert isinstance(result, udi.UdiResult)
    assert result.issuer in ("gs1", "hibcc", "iccbba")
    assert result.pi_only == (result.di is None)


# Each form's first characters, so random data reaches past the format detection.
PREFIXES = ["", "https://", "http://[", "+", "+$$", "=", "&", "(01)", "]d2", "]Q1", "01", "10", "\x1d"]


@BOUNDED
@given(st.sampled_from(PREFIXES), st.text(max_size=80))
def test_random_text_never_raises_anything_but_udi_error(prefix, raw):
    parses_or_refuses(prefix + raw)


@BOUNDED
@given(
    st.sampled_from(VALID),
    st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete", "replace"]),
            st.integers(min_value=0, max_value=120),
            st.sampled_from(list(CSET82 + GS + "+$/=&()[]{}<>^|%#~ \\é\x00")),
        ),
        max_size=4,
    ),
)
def test_mutated_barcodes_never_raise_anything_but_udi_error(valid, mutations):
    raw = valid
    for kind, index, char in mutations:
        index %= len(raw) + 1
        if kind == "insert":
            raw = raw[:index] + char + raw[index:]
        elif kind == "delete":
            raw = raw[:index] + raw[index + 1 :]
        else:
            raw = raw[:index] + char + raw[index + 1 :]
    parses_or_refuses(raw)


# --- round trip against a naive encoder -----------------------------------------------------------


def naive_check_digit(digits):
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


@st.composite
def gs1_data(draw):
    gtin13 = draw(st.text("0123456789", min_size=13, max_size=13))
    year = draw(st.integers(min_value=TODAY.year - 49, max_value=TODAY.year + 50))
    month = draw(st.integers(min_value=1, max_value=12))
    day = draw(st.integers(min_value=0, max_value=calendar.monthrange(year, month)[1]))
    optional_text = st.none() | st.text(CSET82, min_size=1, max_size=20)
    return {
        "di": gtin13 + naive_check_digit(gtin13),
        "lot": draw(optional_text),
        "serial": draw(optional_text),
        "expiry": (year, month, day),
        "quantity": draw(st.none() | st.integers(min_value=0, max_value=99999999)),
    }


def expected_date(year, month, day):
    return datetime.date(year, month, day or calendar.monthrange(year, month)[1])


def elements(data):
    year, month, day = data["expiry"]
    pairs = [("01", data["di"]), ("17", f"{year % 100:02d}{month:02d}{day:02d}")]
    pairs += [(ai, data[key]) for ai, key in (("10", "lot"), ("21", "serial")) if data[key] is not None]
    if data["quantity"] is not None:
        pairs.append(("30", str(data["quantity"])))
    return pairs


def encode_raw(data):
    # Naive: a GS after every element, even fixed-length ones (superfluous GS are allowed).
    return GS.join(ai + value for ai, value in elements(data))


def encode_hri(data):
    return "".join(f"({ai}){value}" for ai, value in elements(data))


def encode_digital_link(data):
    values = dict(elements(data))
    path = f"/01/{values.pop('01')}"
    for ai in ("10", "21"):
        if ai in values:
            path += f"/{ai}/{quote(values.pop(ai), safe='')}"
    query = "&".join(f"{ai}={quote(value, safe='')}" for ai, value in values.items())
    return f"https://example.com/stem{path}?{query}"


def assert_same(result, data):
    year, month, day = data["expiry"]
    assert result.issuer == "gs1"
    assert result.di == data["di"]
    assert result.lot == data["lot"]
    assert result.serial == data["serial"]
    assert result.expiry == expected_date(year, month, day)
    assert result.quantity == data["quantity"]


def hri_is_unambiguous(data):
    # "(10)" inside a lot would read as a new element in the parenthesised form.
    return not any("(" in (data[key] or "") for key in ("lot", "serial"))


@BOUNDED
@given(gs1_data())
def test_round_trip_raw_with_gs(data):
    raw = encode_raw(data)
    if "<GS>" not in raw:  # the documented separator substitute is itself made of CSET 82 characters
        assert_same(udi.parse(raw, today=TODAY), data)


@BOUNDED
@given(gs1_data())
def test_round_trip_raw_with_xmlrpc_substitute(data):
    raw = encode_raw(data)
    if "<GS>" not in raw.replace(GS, ""):
        assert_same(udi.parse(raw.replace(GS, "<GS>"), today=TODAY), data)


@BOUNDED
@given(gs1_data())
def test_round_trip_parenthesised(data):
    if hri_is_unambiguous(data):
        assert_same(udi.parse(encode_hri(data), today=TODAY), data)


@BOUNDED
@given(gs1_data())
def test_round_trip_digital_link(data):
    assert_same(udi.parse(encode_digital_link(data), today=TODAY), data)
