from odoo import fields, models


class MdMigrationIssue(models.Model):
    """A row a go-live migration refused, with the reason (written by the run, never edited)."""

    _name = "md.migration.issue"
    _description = "Go-live Migration Refused Row"
    _order = "id"

    migration_id = fields.Many2one(
        "md.migration", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="migration_id.company_id", store=True)
    sheet = fields.Char(required=True, readonly=True)
    row = fields.Integer(readonly=True)
    column = fields.Char(readonly=True)
    message = fields.Text(required=True, readonly=True)
