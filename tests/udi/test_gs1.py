"""GS1 element strings: raw with GS, AIM identifiers, human-readable form (GS1 General Specifications;
association rules of the GS1 Barcode Syntax Dictionary, gs1/gs1-syntax-engine gs1-syntax-dictionary.txt)."""

import datetime

import pytest
import udi

GS = "\x1d"
TODAY = datetime.date(2026, 11, 22)
GTIN = "00614141123452"  # GenSpecs 7.9.1 check digit example


def parse(raw, today=TODAY):
    return udi.parse(raw, today=today)


# --- check digits (GenSpecs 7.9.1) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "check"),
    [("0061414112345", 2), ("061414112345", 2), ("400638133393", 1), ("9638507", 4), ("0000000000000", 0)],
)
def test_gtin_check_digit(data, check):
    assert udi.gtin_check_digit(data) == check


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("00614141123452", True),
        ("0614141123452", True),
        ("614141123452", True),
        ("96385074", True),
        ("00614141123453", False),
        ("0061414112346", False),  # 13 digits, wrong check
        ("0061414112345a", False),
        ("", False),
        ("００614141123452", False),  # full-width digits are not GS1 digits
    ],
)
def test_is_valid_gtin(value, valid):
    assert udi.is_valid_gtin(value) is valid


def test_normalize_gtin_pads_to_14_and_names_the_expected_digit():
    assert udi.normalize_gtin("614141123452") == GTIN
    with pytest.raises(udi.UdiError, match="check digit should be 2"):
        udi.normalize_gtin("614141123453")


def test_wrong_gtin_check_digit_names_ai_and_expected_digit():
    with pytest.raises(udi.UdiError) as error:
        parse("0100614141123453")
    assert str(error.value) == "GTIN 00614141123453 in AI (01): check digit should be 2"


def test_sscc_check_digit_is_checked_too():
    with pytest.raises(udi.UdiError, match=r"SSCC 106141411234567898 in AI \(00\): check digit should be 7"):
        parse("00106141411234567898")


# --- splitting: fixed vs variable length, separators (GenSpecs 7.8.5, 7.8.6) --------------------


@pytest.mark.parametrize(
    ("raw", "lot", "serial", "expiry"),
    [
        # fixed-length AIs need no GS
        (f"01{GTIN}17261231" + "10ABC", "ABC", None, datetime.date(2026, 12, 31)),
        # a variable AI needs a GS before the next AI
        (f"01{GTIN}10ABC{GS}21S1", "ABC", "S1", None),
        # superfluous GS after fixed AIs, doubled and trailing GS are tolerated
        (f"{GS}01{GTIN}{GS}17261231{GS}{GS}10ABC{GS}", "ABC", None, datetime.date(2026, 12, 31)),
        # without a GS the variable field takes the rest
        (f"01{GTIN}10ABC21S1", "ABC21S1", None, None),
    ],
)
def test_raw_element_strings(raw, lot, serial, expiry):
    result = parse(raw)
    assert (result.issuer, result.di, result.lot, result.serial, result.expiry) == (
        "gs1",
        GTIN,
        lot,
        serial,
        expiry,
    )
    assert result.pi_only is False


def test_variable_field_longer_than_its_maximum_is_refused_not_cut():
    with pytest.raises(udi.UdiError, match=r"AI \(10\).*22 characters, at most 20.*GS separator missing"):
        parse(f"01{GTIN}10ABCDEFGHIJKLMNOPQRST17")


def test_truncated_fixed_length_field():
    with pytest.raises(udi.UdiError, match=r"AI \(17\) needs exactly 6 characters"):
        parse(f"01{GTIN}172612")


def test_gs_inside_fixed_length_field():
    with pytest.raises(udi.UdiError, match=r"AI \(01\) needs exactly 14 characters"):
        parse(f"0100614141{GS}1234")


def test_unknown_ai_names_its_position():
    with pytest.raises(udi.UdiError, match="no GS1 Application Identifier starts at position 17"):
        parse(f"01{GTIN}23ABC")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (f"01{GTIN}10AB C", r"character ' ' at position 3 of 'AB C' is not allowed \(GS1 character set 82\)"),
        (f"01{GTIN}10AB#C", "character '#' at position 3"),
        (f"01{GTIN}21Ä1", "character 'Ä' at position 1"),
        (f"01{GTIN}30A5", "'A' at position 1 of 'A5' is not a digit"),
        (f"01{GTIN}10{GS}17261231", r"AI \(10\) BATCH/LOT has no data"),
    ],
)
def test_cset82_and_numeric_fields(raw, message):
    with pytest.raises(udi.UdiError, match=message):
        parse(raw)


def test_pipe_is_not_cset82_so_it_reads_as_a_separator():
    # "AB|C": lot "AB", then "C" where an AI should start.
    with pytest.raises(udi.UdiError, match="no GS1 Application Identifier starts at position 22"):
        parse(f"01{GTIN}10AB|C")


def test_all_cset82_characters_are_accepted_in_a_lot():
    lot = "!\"%&'()*+,-./09:;<=>?AZ_az"
    assert parse(f"01{GTIN}10{lot[:20]}{GS}21{lot[20:]}").lot == lot[:20]


# --- dates: DD=00, century window (GenSpecs 7.12) ------------------------------------------------


@pytest.mark.parametrize(
    ("yymmdd", "expected"),
    [
        ("261231", datetime.date(2026, 12, 31)),
        ("260200", datetime.date(2026, 2, 28)),
        ("280200", datetime.date(2028, 2, 29)),  # leap year
        ("000200", datetime.date(2000, 2, 29)),  # 2000 is a leap year
        ("260400", datetime.date(2026, 4, 30)),
        ("261100", datetime.date(2026, 11, 30)),
    ],
)
def test_expiry_dd00_is_last_day_of_month(yymmdd, expected):
    assert parse(f"01{GTIN}17{yymmdd}").expiry == expected


@pytest.mark.parametrize(
    ("yy", "today", "year"),
    [
        ("99", datetime.date(2026, 6, 1), 1999),  # 99 - 26 = 73 >= 51: previous century
        ("76", datetime.date(2026, 6, 1), 2076),  # difference 50: current century
        ("77", datetime.date(2026, 6, 1), 1977),  # difference 51
        ("00", datetime.date(2026, 6, 1), 2000),
        ("10", datetime.date(2060, 6, 1), 2110),  # 10 - 60 = -50: next century
        ("11", datetime.date(2060, 6, 1), 2011),  # difference -49: current century
        ("49", datetime.date(1999, 1, 1), 2049),  # -50 from 1999
    ],
)
def test_century_window_relative_to_today(yy, today, year):
    assert parse(f"01{GTIN}17{yy}0101", today=today).expiry.year == year


def test_dd00_in_a_non_leap_century_year():
    # Seen from 2080, "00" is 2100, which is not a leap year.
    assert parse(f"01{GTIN}17000200", today=datetime.date(2080, 1, 1)).expiry == datetime.date(2100, 2, 28)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (f"01{GTIN}17261301", "month 13 does not exist"),
        (f"01{GTIN}17260001", "month 00 does not exist"),
        (f"01{GTIN}17260230", "2026-02 has no day 30"),
        (f"01{GTIN}17270229", "2027-02 has no day 29"),
        (f"01{GTIN}11260431", r"AI \(11\) PROD DATE 260431: 2026-04 has no day 31"),
    ],
)
def test_impossible_dates(raw, message):
    with pytest.raises(udi.UdiError, match=message):
        parse(raw)


def test_production_date_and_expiry():
    result = parse(f"01{GTIN}11250115" + "17270100")
    assert result.production_date == datetime.date(2025, 1, 15)
    assert result.expiry == datetime.date(2027, 1, 31)


def test_7003_expiry_time_refuses_dd00_and_needs_a_real_time():
    assert parse(f"01{GTIN}70032612311345").expiry == datetime.date(2026, 12, 31)
    assert parse(f"01{GTIN}70032612311345").extra["7003"] == "2612311345"
    with pytest.raises(udi.UdiError, match=r"AI \(7003\) EXPIRY TIME 261200: day 00 is not allowed"):
        parse(f"01{GTIN}70032612001345")
    with pytest.raises(udi.UdiError, match="time '2460' in '2612312460' is not a valid hhmm"):
        parse(f"01{GTIN}70032612312460")


def test_7003_is_variable_length_so_needs_a_gs_before_the_next_ai():
    result = parse(f"01{GTIN}70032612311345{GS}10L")
    assert result.lot == "L"
    with pytest.raises(udi.UdiError, match=r"AI \(7003\).*13 characters, exactly 10 needed"):
        parse(f"01{GTIN}7003261231134510L")


def test_17_wins_over_7003_for_expiry():
    assert parse(f"01{GTIN}17261130" + "70032612311345").expiry == datetime.date(2026, 11, 30)


# --- association rules, duplicates (GenSpecs 4.14; Syntax Dictionary "req" and "ex") -----------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        # 21 "req=01,03,8006": an SSCC is not enough
        (
            "00106141411234567897" + "21S1",
            r"AI \(21\) requires AI \(01\) or \(03\) or \(8006\) in the same symbol",
        ),
        (f"01{GTIN}21S1{GS}235X", r"AI \(21\) and AI \(235\) must not appear together"),
        (f"01{GTIN}02{GTIN}37" + "5", r"AI \(01\) and AI \(02\) must not appear together"),
        (f"01{GTIN}25012345", r"AI \(250\) requires AI \(21\)"),
        (
            "00106141411234567897" + "17261231",
            r"AI \(17\) requires AI \(01\) or \(02\) or \(03\) or \(255\) or \(8006\) or \(8026\)",
        ),
        # "3100-3105 ... ex=310n": two variants of one measure
        (f"01{GTIN}3100000001" + "3101000010", r"AI \(3100\) and AI \(3101\) must not appear together"),
        # "7004 req=01+10": both AIs of the alternative are needed
        (f"01{GTIN}7004" + "1", r"AI \(7004\) requires AI \(01\)\+\(10\)"),
        # "717 req=01", as 710 to 716 (national healthcare reimbursement numbers)
        ("00106141411234567897" + "717SRN1", r"AI \(717\) requires AI \(01\)"),
    ],
)
def test_association_rules(raw, message):
    with pytest.raises(udi.UdiError, match=message):
        parse(raw)


def test_non_gtin_key_is_not_a_udi():
    with pytest.raises(udi.UdiError, match=r"AI \(00\) is not a device identifier"):
        parse("00106141411234567897")


def test_duplicate_ai_with_different_values_is_refused_identical_is_tolerated():
    assert parse(f"01{GTIN}10A{GS}10A").lot == "A"
    with pytest.raises(udi.UdiError, match=r"AI \(10\) appears twice with different values \('A' and 'B'\)"):
        parse(f"01{GTIN}10A{GS}10B")


# --- split labels: production identifiers only ---------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["17261231" + "10LOT1", f"10LOT1{GS}21SER", "(17)261231(21)SER(240)REF-9", "11250101", "8012V1.2"],
)
def test_pi_only_symbols_are_valid(raw):
    result = parse(raw)
    assert result.pi_only is True
    assert result.di is None
    assert result.issuer == "gs1"


def test_pi_only_keeps_rules_a_gtin_cannot_satisfy():
    with pytest.raises(udi.UdiError, match=r"AI \(250\) requires AI \(21\)"):
        parse("17261231" + "250X")
    with pytest.raises(udi.UdiError, match=r"AI \(12\) requires AI \(8020\)"):
        parse("17261231" + "12261231")


def test_symbol_without_gtin_and_without_production_identifier():
    with pytest.raises(udi.UdiError, match=r"no GTIN in AI \(01\) and no production identifier"):
        parse("240REF")


# --- other fields --------------------------------------------------------------------------------


def test_quantity_software_version_and_other_ais_in_extra():
    result = parse(f"01{GTIN}30{12}{GS}8012V2.1{GS}240REF-1{GS}22CPV")
    assert result.quantity == 12
    assert result.extra == {"8012": "V2.1", "240": "REF-1", "22": "CPV"}


# --- AIM symbology identifiers (GenSpecs figure 5.1.2-2) -----------------------------------------


@pytest.mark.parametrize("aim", ["]d2", "]C1", "]Q3", "]e0", "]J1"])
def test_gs1_aim_identifiers(aim):
    result = parse(f"{aim}01{GTIN}17261231" + "10L")
    assert (result.symbology, result.di, result.lot) == (aim, GTIN, "L")


def test_aim_for_non_gs1_data_refuses_element_strings():
    with pytest.raises(udi.UdiError, match=r"symbology identifier \]C0 marks data that is not GS1"):
        parse(f"]C001{GTIN}")


def test_gs1_aim_with_hibc_content_is_refused():
    with pytest.raises(udi.UdiError, match="no GS1 Application Identifier starts at position 1"):
        parse("]d2+A123BJC5D6E71G")


def test_incomplete_aim_identifier():
    with pytest.raises(udi.UdiError, match="not a complete AIM symbology identifier"):
        parse("]d")


# --- separator substitutes (XML-RPC, keyboard wedges) --------------------------------------------


@pytest.mark.parametrize(
    "separator", ["<GS>", "{GS}", "{gs}", "[GS]", "^]", "\\x1d", "\\u001D", "\u241d", "|"]
)
def test_separator_substitutes(separator):
    result = parse(f"01{GTIN}10LOT1{separator}21SER1{separator}17261231")
    assert (result.lot, result.serial, result.expiry) == ("LOT1", "SER1", datetime.date(2026, 12, 31))


def test_substitutes_are_documented_in_the_package():
    assert "<GS>" in udi.SEPARATOR_SUBSTITUTES


# --- human-readable form -------------------------------------------------------------------------


def test_parenthesised_form():
    result = parse(f"(01){GTIN}(17)260200(10)A(1)B(21)S/1")
    assert (result.di, result.expiry, result.lot, result.serial) == (
        GTIN,
        datetime.date(2026, 2, 28),
        "A(1)B",
        "S/1",
    )


def test_parenthesised_form_with_spaces_between_elements():
    assert parse(f" (01) {GTIN} (10) L1 ").lot == "L1"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("(01)0061414112345", r"AI \(01\) GTIN: '0061414112345' has 13 characters, exactly 14 needed"),
        (f"(01){GTIN}(17)2612", r"AI \(17\).*'2612' has 4 characters, exactly 6 needed"),
        (f"(01){GTIN}(10)", r"AI \(10\) BATCH/LOT has no data"),
        (f"(01){GTIN}(10)A B", "character ' ' at position 2"),
        ("(99999)X", "must start with an AI in parentheses"),
        (f"(01){GTIN}(21)S(235)T", r"AI \(21\) and AI \(235\) must not appear together"),
    ],
)
def test_parenthesised_form_errors(raw, message):
    with pytest.raises(udi.UdiError, match=message):
        parse(raw)


# --- not a UDI at all ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("   \r\n", "empty"),
        ("hello", "not a GS1, HIBC or ISBT 128 UDI"),
        (None, "must be text"),
    ],
)
def test_not_a_udi(raw, message):
    with pytest.raises(udi.UdiError, match=message):
        parse(raw)


def test_scanner_enter_key_is_ignored():
    assert parse(f"01{GTIN}\r\n").di == GTIN


def test_gmn_check_characters():
    # GenSpecs 7.9.5 example of a Global Model Number (the GS1 Basic UDI-DI).
    assert udi.gmn_check_characters("1987654Ad4X4bL5ttr2310c") == "2K"
    assert parse(f"(01){GTIN}(8013)1987654Ad4X4bL5ttr2310c2K").extra == {"8013": "1987654Ad4X4bL5ttr2310c2K"}
    with pytest.raises(udi.UdiError, match="check characters should be 2K"):
        parse(f"(01){GTIN}(8013)1987654Ad4X4bL5ttr2310c2L")


def test_date_with_a_digit_too_many_is_a_length_error():
    with pytest.raises(udi.UdiError, match=r"AI \(17\).*'2612311' has 7 characters, exactly 6 needed"):
        parse(f"(01){GTIN}(17)2612311")


def test_one_measure_alone_is_not_exclusive_of_itself():
    # "An AI is not exclusive of itself even if it matches a pattern" (3100 "ex=310n")
    assert parse(f"01{GTIN}3100000001").extra == {"3100": "000001"}


def test_717_is_an_nhrn_like_710_to_716():
    assert parse(f"(01){GTIN}(714)AIM123(717)SRN123").extra == {"714": "AIM123", "717": "SRN123"}


# --- made-to-order GTIN, AI (03) (Syntax Dictionary "03 ... ex=01,02,37") ---------------------------


def test_made_to_order_gtin_is_a_device_identifier():
    result = parse(f"(03){GTIN}(17)261231(10)LOT1(21)S1")
    expected = (GTIN, "LOT1", "S1", datetime.date(2026, 12, 31))
    assert (result.di, result.lot, result.serial, result.expiry) == expected
    assert result.extra == {"made_to_order_gtin": True}
    assert parse(f"03{GTIN}10LOT1").di == GTIN


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (f"(01){GTIN}(03){GTIN}", r"AI \(01\) and AI \(03\) must not appear together"),
        (f"(03){GTIN}(02){GTIN}(37)5", r"AI \(03\) and AI \(02\) must not appear together"),
        (f"(03){GTIN}(22)CPV", r"AI \(22\) requires AI \(01\)"),  # "22 req=01" only
        (f"(03){GTIN}(240)REF", r"AI \(240\) requires AI \(01\) or \(02\) or \(8006\) or \(8026\)"),
        ("(03)00614141123453", r"GTIN 00614141123453 in AI \(03\): check digit should be 2"),
    ],
)
def test_made_to_order_gtin_rules(raw, message):
    with pytest.raises(udi.UdiError, match=message):
        parse(raw)


# --- MUDI, AI (8014) ("X..25,csumalpha,gcppos1,hasnondigit req=01") --------------------------------

# check character pairs of the csumalpha linter's test cases (gs1-syntax-engine lint_csumalpha.c)
MUDI = "7907665Bm8v2AB"


def test_mudi_with_its_check_characters():
    assert parse(f"(01){GTIN}(8014){MUDI}").extra == {"8014": MUDI}


def test_mudi_requires_a_gtin():
    with pytest.raises(udi.UdiError, match=r"AI \(8014\) requires AI \(01\)"):
        parse(f"(00)106141411234567897(8014){MUDI}")


def test_mudi_wrong_check_characters():
    message = r"MUDI 7907665Bm8v2AC in AI \(8014\): check characters should be AB"
    with pytest.raises(udi.UdiError, match=message):
        parse(f"(01){GTIN}(8014)7907665Bm8v2AC")


def test_mudi_must_contain_a_non_digit():
    digits = next(
        data + pair
        for data in (f"{number:08d}" for number in range(10**6, 10**7))
        if (pair := udi.gmn_check_characters(data)).isdigit()
    )
    with pytest.raises(udi.UdiError, match="must contain a character that is not a digit"):
        parse(f"(01){GTIN}(8014){digits}")


@pytest.mark.parametrize("ai", ["8013", "8014"])
def test_gmn_and_mudi_start_with_a_gs1_company_prefix(ai):
    data = "123A5" + "X"
    value = data + udi.gmn_check_characters(data)
    with pytest.raises(udi.UdiError, match="must start with a GS1 Company Prefix"):
        parse(f"(01){GTIN}({ai}){value}")


# --- dates of the item in a PI-only symbol ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "dates"),
    [
        ("(15)261231", {"15": "2026-12-31"}),  # best before
        ("(15)261200(10)L1", {"15": "2026-12-31"}),  # DD=00: last day of the month (GenSpecs 7.12)
        ("(13)250115(21)S1", {"13": "2025-01-15"}),  # pack date
        ("(16)261130", {"16": "2026-11-30"}),  # sell by
    ],
)
def test_item_dates_in_a_pi_only_symbol_are_returned(raw, dates):
    result = parse(raw)
    assert (result.pi_only, result.di, result.expiry) == (True, None, None)
    assert result.extra["dates"] == dates


def test_best_before_is_not_the_expiry_date():
    result = parse(f"(01){GTIN}(15)261231(17)270100")
    assert (result.expiry, result.extra["dates"]) == (datetime.date(2027, 1, 31), {"15": "2026-12-31"})
