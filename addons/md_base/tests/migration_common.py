"""Building go-live migration workbooks in tests: the template of the installed sheets, filled
with rows given per sheet title as {column key: value}."""

import base64
import io

import openpyxl


def migration_workbook(env, rows_by_title):
    """The base64 .xlsx of the template with rows appended under the sheets' key and label rows."""
    book = openpyxl.load_workbook(io.BytesIO(env["md.migration"]._md_template_bytes()))
    for title, rows in rows_by_title.items():
        sheet = book[title]
        keys = [cell.value for cell in sheet[1]]
        for values in rows:
            unknown = set(values) - set(keys)
            assert not unknown, f"no column {unknown} on sheet {title}"
            sheet.append([values.get(key) for key in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    return base64.b64encode(buffer.getvalue())


def issues_of(migration):
    """{(sheet, row, column)} of the rows a run refused."""
    return {(issue.sheet, issue.row, issue.column) for issue in migration.issue_ids}
