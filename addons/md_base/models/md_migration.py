"""Go-live migration: a workbook of master data and opening balances imported with the server's
own rules, first as a dry run that writes nothing, then all or nothing.

21 CFR 11.10(a) and ISO 13485:2016 4.1.6 (validation of the software used in the quality system)
and 4.2.5 (records remain identifiable): data moved from a legacy system is checked by the same
rules as data entered by hand, every rejected row is named with its reason, the import is applied
whole or not at all, its audit entries carry the migration as their reason for change, and the
reconciliation shows that what the file holds is what the database now holds.

An addon adds sheets by extending ``_md_migration_sheets()`` and implementing
``_md_import_<sheet key>(rows, issues)`` (and optionally ``_md_reconcile_<sheet key>``).
"""

import base64
import hashlib
import logging

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from ..migration import CellError, read_workbook, write_template
from .md_audit_entry import REASON_CONTEXT_KEY

_lt = LazyTranslate(__name__)
_logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Refusals a server rule raises for one row; anything else is a defect and stops the run.
ROW_REFUSALS = (UserError, ValidationError, AccessError, psycopg2.IntegrityError)
CELL_MESSAGES = {
    "required": _lt("A value is required."),
    "number": _lt("Enter a number."),
    "integer": _lt("Enter a whole number."),
    "date": _lt("Enter a date (YYYY-MM-DD or a date cell)."),
    "boolean": _lt("Enter yes or no (1/0, 是/否)."),
    "selection": _lt("Use one of the accepted values listed on the columns sheet."),
    "missing_column": _lt("This required column is missing from row 1 of the sheet."),
    "repeated_column": _lt("This column is twice in row 1 of the sheet: keep one."),
}
STATES = [
    ("draft", "Draft"),
    ("checked", "Dry Run Passed"),
    ("failed", "Errors Found"),
    ("done", "Imported"),
]


class _DryRunRollback(Exception):
    """Raised inside the run's savepoint to undo a dry run or a run with errors."""


class MdMigrationIssues:
    """The rows a run refuses, collected across sheets: (sheet key, row, column key, message)."""

    def __init__(self):
        self.items = []

    def add(self, sheet_key, row, column, message):
        self.items.append((sheet_key, row, column or "", str(message)))

    def __bool__(self):
        return bool(self.items)


class MdMigration(models.Model):
    _name = "md.migration"
    _description = "Go-live Migration"
    _inherit = ["mail.thread", "md.workflow.mixin"]
    _order = "id desc"

    _md_transition_fields = ("file_sha256", "checked_at", "checked_by_id", "imported_at", "imported_by_id")
    _md_create_only_fields = ("company_id",)
    _md_closed_states = ("done",)
    _md_deletable_states = ("draft", "checked", "failed")

    name = fields.Char(required=True, readonly=True, copy=False, default=lambda self: self.env._("New"))
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, tracking=True, copy=False)
    file = fields.Binary("Workbook", attachment=True, copy=False)
    file_name = fields.Char()
    file_sha256 = fields.Char("Checked Workbook SHA-256", readonly=True, copy=False)
    note = fields.Text(
        help="What this workbook holds: the legacy system, its extraction date, who prepared it."
    )
    checked_at = fields.Datetime("Last Run On", readonly=True, copy=False)
    checked_by_id = fields.Many2one("res.users", "Last Run By", readonly=True, copy=False)
    imported_at = fields.Datetime("Imported On", readonly=True, copy=False, tracking=True)
    imported_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    issue_ids = fields.One2many("md.migration.issue", "migration_id", "Refused Rows", readonly=True)
    issue_count = fields.Integer(compute="_compute_counts")
    count_ids = fields.One2many("md.migration.count", "migration_id", "Reconciliation", readonly=True)
    reconciled = fields.Boolean(
        compute="_compute_counts", help="Every count and quantity of the file is found in the database."
    )
    template = fields.Binary(compute="_compute_template")
    template_name = fields.Char(compute="_compute_template")

    @api.depends("issue_ids", "count_ids.matches")
    def _compute_counts(self):
        for migration in self:
            migration.issue_count = len(migration.issue_ids)
            migration.reconciled = bool(migration.count_ids) and all(migration.count_ids.mapped("matches"))

    def _compute_template(self):
        template = base64.b64encode(self._md_template_bytes())
        for migration in self:
            migration.template = template
            migration.template_name = "meddev-migration-template.xlsx"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("md.migration") or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        result = super().write(vals)
        if "file" in vals:
            # a new workbook has not been checked: its dry run starts again
            self.filtered(lambda m: m.state != "draft")._md_write_transition(
                {"state": "draft", "file_sha256": False}
            )
        return result

    # -- sheets -------------------------------------------------------------

    @api.model
    def _md_migration_sheets(self):
        """The sheets of the workbook (``odoo.addons.md_base.migration.Sheet``), extended by addons."""
        return []

    def _md_sheets(self):
        return sorted(self._md_migration_sheets(), key=lambda sheet: (sheet.sequence, sheet.key))

    @api.model
    def _md_template_bytes(self):
        return write_template(self._md_sheets(), self._md_label)

    @api.model
    def _md_label(self, text, lang):
        if not text:
            return ""
        return text._translate(lang) if hasattr(text, "_translate") else str(text)

    # -- actions ------------------------------------------------------------

    def action_dry_run(self):
        """Check the workbook with every server rule and write nothing but the report."""
        self.ensure_one()
        self._md_lock_and_check(("draft", "checked", "failed"), self.env._("A dry run"))
        issues, counts = self._md_execute(dry_run=True)
        self._md_record_run(issues, counts, "failed" if issues else "checked")
        return True

    def action_import(self):
        """Import the workbook, all or nothing: any refused row leaves the database untouched."""
        self.ensure_one()
        self._md_lock_and_check(("checked",), self.env._("Importing"))
        if self.file_sha256 != self._md_file_sha256():
            raise UserError(self.env._("The workbook changed since its dry run: run the dry run again."))
        issues, counts = self._md_execute(dry_run=False)
        if issues:
            self._md_record_run(issues, counts, "failed")
            return True
        self._md_record_run(issues, counts, "done")
        self._md_write_transition({"imported_at": fields.Datetime.now(), "imported_by_id": self.env.uid})
        return True

    def action_download_template(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/md.migration/{self.id}/template?filename_field=template_name&download=true",
            "target": "download",
        }

    def _md_lock_and_check(self, states, action):
        """Lock the run so that two users cannot run it at once, then check its state."""
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only administrators run a go-live migration."))
        self.env.cr.execute(SQL("SELECT id FROM md_migration WHERE id = %s FOR UPDATE", self.id))
        self.invalidate_recordset(["state"])
        self._md_check_state(states, action)
        if not self.file:
            raise UserError(self.env._("Attach the filled workbook first."))

    def _md_file_sha256(self):
        return hashlib.sha256(base64.b64decode(self.file or b"")).hexdigest()

    def _md_record_run(self, issues, counts, state):
        self.issue_ids.sudo().unlink()
        self.count_ids.sudo().unlink()
        self.env["md.migration.issue"].sudo().create(
            [
                {"migration_id": self.id, "sheet": sheet, "row": row, "column": column, "message": message}
                for sheet, row, column, message in issues.items
            ]
        )
        self.env["md.migration.count"].sudo().create([dict(count, migration_id=self.id) for count in counts])
        self._md_write_transition(
            {
                "state": state,
                "file_sha256": self._md_file_sha256(),
                "checked_at": fields.Datetime.now(),
                "checked_by_id": self.env.uid,
            }
        )

    # -- the run ------------------------------------------------------------

    def _md_execute(self, dry_run):
        """Import every sheet inside one savepoint; roll it back for a dry run or on any issue.

        :return: (MdMigrationIssues, reconciliation rows as md.migration.count values)
        """
        sheets = self._md_sheets()
        titles = {sheet.key: sheet.title for sheet in sheets}
        issues = MdMigrationIssues()
        try:
            rows_by_sheet, cell_errors, totals = read_workbook(base64.b64decode(self.file), sheets)
        except CellError as error:
            raise UserError(self.env._("The file is not a readable .xlsx workbook: %s", error)) from error
        for sheet_key, row, column, code in cell_errors:
            issues.add(titles[sheet_key], row, column, self.env._(CELL_MESSAGES[code]))
        counts = []
        run = self.with_context(
            **{
                REASON_CONTEXT_KEY: self.env._(
                    "Go-live migration %(run)s (%(file)s)", run=self.name, file=self.file_name or ""
                )
            },
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
        )
        try:
            with self.env.cr.savepoint():
                for sheet in sheets:
                    rows = rows_by_sheet[sheet.key]
                    records = getattr(run, f"_md_import_{sheet.key}")(rows, _SheetIssues(issues, sheet.title))
                    counts += run._md_reconcile(sheet, rows, records, totals[sheet.key])
                if dry_run or issues:
                    raise _DryRunRollback()
        except _DryRunRollback:
            self.env.invalidate_all(flush=False)
        return issues, counts

    def _md_reconcile(self, sheet, rows, records, total):
        """Reconciliation rows of one sheet: its own ``_md_reconcile_<key>`` (of the valid rows)
        or the sheet's rows against the records written."""
        custom = getattr(self, f"_md_reconcile_{sheet.key}", None)
        if custom:
            return [dict(count, sheet=sheet.title) for count in custom(rows, records)]
        model = self.env[sheet.model or records._name]
        return [
            {
                "sheet": sheet.title,
                "label": model._description,
                "file_count": total,
                "db_count": model.with_context(active_test=False).search_count([("id", "in", records.ids)]),
            }
        ]

    # -- helpers for the importers ------------------------------------------

    def _md_create_rows(self, model, row_vals, issues):
        """Create one record per (row, vals) in batches; a batch that a rule refuses is created
        again row by row so that each refused row is named with its reason.

        :return: [(row, record)] of the created records, in row order
        """
        created = []
        for start in range(0, len(row_vals), BATCH_SIZE):
            chunk = row_vals[start : start + BATCH_SIZE]
            try:
                with self.env.cr.savepoint():
                    records = self.env[model].create([vals for _row, vals in chunk])
                created += zip([row for row, _vals in chunk], records, strict=True)
            except ROW_REFUSALS:
                created += self._md_create_each(model, chunk, issues)
        return created

    def _md_apply_rows(self, row_records, method, issues):
        """Call ``method`` on the records of [(row, record)] at once; when a rule refuses, call it
        record by record to name each refused row.

        :return: the [(row, record)] it succeeded on
        """
        if not row_records:
            return []
        records = self.env[row_records[0][1]._name].browse([record.id for _row, record in row_records])
        try:
            with self.env.cr.savepoint():
                getattr(records, method)()
            return row_records
        except ROW_REFUSALS:
            return self._md_apply_each(row_records, lambda record: getattr(record, method)(), issues)

    def _md_create_each(self, model, chunk, issues):
        created = []
        for row, vals in chunk:
            try:
                with self.env.cr.savepoint():
                    created.append((row, self.env[model].create(vals)))
            except ROW_REFUSALS as error:
                issues.add(row, "", _error_message(error))
        return created

    def _md_apply_each(self, row_items, function, issues):
        """Apply ``function`` to each (row, item) in its own savepoint; name each refused row.

        :return: [(row, item)] for the rows it succeeded on
        """
        done = []
        for row, item in row_items:
            try:
                with self.env.cr.savepoint():
                    function(item)
                done.append((row, item))
            except ROW_REFUSALS as error:
                issues.add(row, "", _error_message(error))
        return done

    def _md_records(self, model, row_records):
        """The recordset of [(row, record)]."""
        return self.env[model].browse([record.id for _row, record in row_records])

    def _md_by_key(self, model, field_name, values, domain=None):
        """{value: record id} of the records whose field_name is one of values, in one search."""
        values = sorted({value for value in values if value})
        if not values:
            return {}
        records = (
            self.env[model]
            .with_context(active_test=False)
            .search([(field_name, "in", values), *(domain or [])])
        )
        return {record[field_name]: record.id for record in records}

    def _md_refuse_repeats(self, rows, key_of, issues, column, message):
        """Refuse every row whose key repeats an earlier row's; return the others."""
        seen, kept = set(), []
        for row in rows:
            key = key_of(row)
            if key in seen:
                issues.add(row, column, message)
                continue
            seen.add(key)
            kept.append(row)
        return kept


class _SheetIssues:
    """The run's issues seen from one sheet: add(row, column, message)."""

    def __init__(self, issues, sheet_title):
        self.issues = issues
        self.sheet_title = sheet_title

    def add(self, row, column, message):
        self.issues.add(self.sheet_title, row.number if hasattr(row, "number") else row, column, message)


def _error_message(error):
    if isinstance(error, psycopg2.IntegrityError):
        return error.pgerror or str(error)
    return error.args[0] if error.args else str(error)
