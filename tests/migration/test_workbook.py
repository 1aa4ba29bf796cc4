"""The migration workbook (md_base/migration): cell conversion checked against Python's own
parsing (hypothesis), and a template written, filled and read back."""

import io
from datetime import date

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from migration import COLUMNS_SHEET, CellError, Column, Sheet, convert, read_workbook, write_template

QUANTITY = Column("quantity", "Quantity", "On hand", kind="float", required=True)
COUNT = Column("count", "Count", "Units", kind="integer")
EXPIRY = Column("expiry", "Use-by date", "Label date", kind="date")
STATUS = Column("status", "Status", "Legacy status", kind="selection", choices=("released", "hold"))
STERILE = Column("sterile", "Sterile", "Labelled sterile", kind="boolean")
CODE = Column("code", "Reference", "Device code", required=True)
SHEET = Sheet("stock", "Stock 库存", (CODE, QUANTITY, COUNT, EXPIRY, STATUS, STERILE))


def labels(text, lang):
    return f"{text} [{lang}]"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_integer_text_and_number_cells(number):
    assert convert(COUNT, str(number)) == number
    assert convert(COUNT, float(number)) == number


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9))
def test_float_cells_match_python(number):
    assert convert(QUANTITY, number) == float(str(int(number)) if number.is_integer() else str(number))
    assert convert(QUANTITY, repr(number)) == float(repr(number))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)))
def test_date_cells_as_dates_or_iso_text(day):
    assert convert(EXPIRY, day) == day
    assert convert(EXPIRY, day.isoformat()) == day


@given(st.text(max_size=12))
def test_selection_accepts_only_its_codes(text):
    if text.strip() in STATUS.choices:
        assert convert(STATUS, text) == text.strip()
    elif text.strip():
        with pytest.raises(CellError):
            convert(STATUS, text)


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        (QUANTITY, None, "required"),
        (QUANTITY, "ten", "number"),
        (COUNT, "2.5", "integer"),
        (EXPIRY, "31/01/2029", "date"),
        (STERILE, "perhaps", "boolean"),
    ],
)
def test_cell_errors_name_what_is_expected(column, value, code):
    with pytest.raises(CellError, match=code):
        convert(column, value)


def test_booleans_in_english_and_chinese():
    assert [convert(STERILE, word) for word in ("yes", "是", "1", "x")] == [True] * 4
    assert [convert(STERILE, word) for word in ("no", "否", "0", None)] == [False] * 4


def filled(rows, keys=None):
    book = openpyxl.load_workbook(io.BytesIO(write_template([SHEET], labels)))
    sheet = book[SHEET.title]
    if keys:  # the user reordered the columns
        for index, key in enumerate(keys, start=1):
            sheet.cell(row=1, column=index, value=key)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_template_explains_each_column_in_both_languages():
    book = openpyxl.load_workbook(io.BytesIO(write_template([SHEET], labels)))
    assert book.sheetnames == [COLUMNS_SHEET, SHEET.title]
    assert [cell.value for cell in book[SHEET.title][1]] == [
        "code",
        "quantity",
        "count",
        "expiry",
        "status",
        "sterile",
    ]
    explained = list(book[COLUMNS_SHEET].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in explained] == [column.key for column in SHEET.columns]
    status = explained[4]
    assert status[4] == "released, hold"
    assert status[-2] == "Status [en_US]: Legacy status [en_US]"
    assert status[-1] == "Status [zh_CN]：Legacy status [zh_CN]"


def test_rows_are_read_by_key_with_their_worksheet_row_numbers():
    data = filled(
        [
            ["A-1", 5, 2, date(2029, 1, 31), "released", "yes"],
            [],
            ["A-2", "x", None, None, "lost", None],
            ["A-3", 1.5, None, "2030-02-01", None, "否"],
        ]
    )
    rows, errors, totals = read_workbook(data, [SHEET])
    assert [(row.number, row.values["code"], row.values["quantity"]) for row in rows["stock"]] == [
        (3, "A-1", 5.0),
        (6, "A-3", 1.5),
    ]
    assert rows["stock"][1].values["expiry"] == date(2030, 2, 1)
    assert sorted(errors) == [("stock", 5, "quantity", "number"), ("stock", 5, "status", "selection")]
    assert totals == {"stock": 3}


def test_columns_in_any_order_and_a_missing_required_column():
    data = filled([["released", 4, "B-1"]], keys=["status", "quantity", "code", "", "", ""])
    rows, errors, _totals = read_workbook(data, [SHEET])
    assert rows["stock"][0].values == {
        "code": "B-1",
        "quantity": 4.0,
        "count": False,
        "expiry": False,
        "status": "released",
        "sterile": False,
    }
    assert errors == []
    data = filled([["B-2"]], keys=["code", "", "", "", "", ""])
    rows, errors, totals = read_workbook(data, [SHEET])
    assert (
        errors == [("stock", 1, "quantity", "missing_column")]
        and rows["stock"] == []
        and totals["stock"] == 0
    )


def test_an_unreadable_file_is_one_error():
    with pytest.raises(CellError):
        read_workbook(b"not a workbook", [SHEET])
