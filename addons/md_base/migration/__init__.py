"""Go-live migration workbooks: the sheet and column declarations, the template writer and the
reader that turns a filled workbook into typed rows and cell errors.

Pure Python (openpyxl, xlsxwriter): the Odoo model ``md.migration`` resolves references, applies
the server rules and reports; the adopting addons declare their sheets with ``Sheet`` and
``Column``.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
import xlsxwriter

COLUMNS_SHEET = "Columns 列说明"
KEY_ROW = 1  # the column keys the reader matches on; row 2 shows the labels; data starts on row 3
FIRST_DATA_ROW = 3
TRUE_WORDS = {"1", "y", "yes", "true", "x", "是", "✓"}
FALSE_WORDS = {"", "0", "n", "no", "false", "否"}


@dataclass(frozen=True)
class Column:
    """One column of a sheet: ``kind`` is char, integer, float, date, boolean or selection
    (``choices`` then lists the accepted codes)."""

    key: str
    label: object  # a LazyTranslate string: the template shows it in English and in Chinese
    help: object
    kind: str = "char"
    required: bool = False
    choices: tuple = ()
    example: str = ""


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook, imported by ``md.migration._md_import_<key>(rows, issues)``
    in ``sequence`` order (devices before the stock that names them)."""

    key: str
    title: str  # the worksheet name, bilingual and at most 31 characters (Excel's limit)
    columns: tuple
    sequence: int = 100
    model: str = ""  # the model whose records the reconciliation counts


@dataclass
class Row:
    number: int  # the worksheet row, as the user sees it
    values: dict = field(default_factory=dict)


class CellError(ValueError):
    pass


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def convert(column, value):
    """The cell's value in the column's kind, or CellError naming what is expected."""
    text = _text(value) if not isinstance(value, (date, datetime)) else value
    if text in ("", None):
        if column.required:
            raise CellError("required")
        return False if column.kind != "char" else ""
    kind = column.kind
    if kind == "char":
        return text
    if kind in ("integer", "float"):
        try:
            number = float(text)
        except ValueError:
            raise CellError("number") from None
        if kind == "integer":
            if not number.is_integer():
                raise CellError("integer")
            return int(number)
        return number
    if kind == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            raise CellError("date") from None
    if kind == "boolean":
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError("boolean")
    if kind == "selection":
        if text not in column.choices:
            raise CellError("selection")
        return text
    raise ValueError(f"unknown column kind {kind}")


def write_template(sheets, labels):
    """An .xlsx template: one worksheet per sheet (row 1 the keys, row 2 the labels, data from
    row 3) and the columns sheet that explains each column in English and Chinese.

    :param labels: callable(lazy string, lang) -> str
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    key_format = book.add_format({"bold": True, "bg_color": "#D9E1F2"})
    required_format = book.add_format({"bold": True, "bg_color": "#F8CBAD"})
    label_format = book.add_format({"italic": True, "font_color": "#595959"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    _write_columns_sheet(book, sheets, labels, key_format, wrap)
    for sheet in sheets:
        worksheet = book.add_worksheet(sheet.title)
        for index, column in enumerate(sheet.columns):
            worksheet.write(0, index, column.key, required_format if column.required else key_format)
            worksheet.write(
                1, index, f"{labels(column.label, 'en_US')} / {labels(column.label, 'zh_CN')}", label_format
            )
            worksheet.set_column(index, index, max(14, len(column.key) + 2))
        worksheet.freeze_panes(2, 0)
    book.close()
    return buffer.getvalue()


def fill_template(template, rows_by_title):
    """The template's bytes with rows appended, given per sheet title as {column key: value}
    (demo data, tests, scripts that convert a legacy export)."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    for title, rows in rows_by_title.items():
        keys = [cell.value for cell in book[title][KEY_ROW]]
        for values in rows:
            unknown = set(values) - set(keys)
            if unknown:
                raise KeyError(f"no column {sorted(unknown)} on sheet {title}")
            book[title].append([values.get(key) for key in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_columns_sheet(book, sheets, labels, header_format, wrap):
    worksheet = book.add_worksheet(COLUMNS_SHEET)
    headers = (
        "Sheet 工作表",
        "Column 列",
        "Required 必填",
        "Kind 类型",
        "Accepted values 可选值",
        "Example 示例",
        "English",
        "中文",
    )
    for index, header in enumerate(headers):
        worksheet.write(0, index, header, header_format)
    row = 1
    for sheet in sheets:
        for column in sheet.columns:
            worksheet.write_row(
                row,
                0,
                (
                    sheet.title,
                    column.key,
                    "yes 是" if column.required else "",
                    column.kind,
                    ", ".join(column.choices),
                    column.example,
                    f"{labels(column.label, 'en_US')}: {labels(column.help, 'en_US')}",
                    f"{labels(column.label, 'zh_CN')}：{labels(column.help, 'zh_CN')}",
                ),
                wrap,
            )
            row += 1
    for index, width in enumerate((22, 20, 10, 10, 28, 18, 60, 50)):
        worksheet.set_column(index, index, width)
    worksheet.freeze_panes(1, 0)


def read_workbook(data, sheets):
    """{sheet key: [Row]}, the errors [(sheet key, row, column key, message code)] and
    {sheet key: number of non-empty rows} (the rows with an error included).

    A worksheet is found by its title; a column by its key in row 1, in any order. Empty rows
    are skipped; a missing worksheet has no rows; a missing required column is one error.
    """
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # any unreadable file is one clear refusal
        raise CellError(str(error)) from error
    rows_by_sheet, errors, totals = {}, [], {}
    for sheet in sheets:
        rows_by_sheet[sheet.key] = []
        totals[sheet.key] = 0
        if sheet.title in book.sheetnames:
            totals[sheet.key] = _read_sheet(book[sheet.title], sheet, rows_by_sheet[sheet.key], errors)
    book.close()
    return rows_by_sheet, errors, totals


def _read_sheet(worksheet, sheet, rows, errors):
    lines = worksheet.iter_rows(values_only=True)
    keys = [_text(key) for key in next(lines, ())]
    positions = {key: index for index, key in enumerate(keys) if key}
    missing = [column.key for column in sheet.columns if column.required and column.key not in positions]
    repeated = sorted({key for key in keys if key and keys.count(key) > 1})
    errors.extend((sheet.key, KEY_ROW, key, "missing_column") for key in missing)
    errors.extend((sheet.key, KEY_ROW, key, "repeated_column") for key in repeated)
    if missing or repeated:
        return 0
    total = 0
    for number, line in enumerate(lines, start=KEY_ROW + 1):
        if number < FIRST_DATA_ROW or not any(_text(cell) for cell in line):
            continue
        total += 1
        row, row_errors = Row(number), []
        for column in sheet.columns:
            index = positions.get(column.key)
            value = line[index] if index is not None and index < len(line) else None
            try:
                row.values[column.key] = convert(column, value)
            except CellError as error:
                row_errors.append((sheet.key, number, column.key, str(error)))
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(row)
    return total
