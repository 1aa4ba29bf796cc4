"""Go-live migration workbooks in tests: the template of the installed sheets, filled with rows
given per sheet title as {column key: value}."""

import base64

from ..migration import fill_template


def migration_workbook(env, rows_by_title):
    """The base64 .xlsx of the template with the rows appended under its key and label rows."""
    return base64.b64encode(fill_template(env["md.migration"]._md_template_bytes(), rows_by_title))


def issues_of(migration):
    """{(sheet, row, column)} of the rows a run refused."""
    return {(issue.sheet, issue.row, issue.column) for issue in migration.issue_ids}
