from odoo import api, fields, models


class MdMigrationCount(models.Model):
    """One line of a migration's reconciliation: what the file holds against what the database
    holds after the run (records per sheet, quantities per location)."""

    _name = "md.migration.count"
    _description = "Go-live Migration Reconciliation"
    _order = "id"

    migration_id = fields.Many2one(
        "md.migration", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="migration_id.company_id", store=True)
    sheet = fields.Char(required=True, readonly=True)
    label = fields.Char("Counted", required=True, readonly=True)
    file_count = fields.Integer("Rows in File", readonly=True)
    db_count = fields.Integer("Records in Database", readonly=True)
    file_quantity = fields.Float("Quantity in File", readonly=True, digits="Product Unit of Measure")
    db_quantity = fields.Float("Quantity in Database", readonly=True, digits="Product Unit of Measure")
    matches = fields.Boolean(compute="_compute_matches", store=True)

    @api.depends("file_count", "db_count", "file_quantity", "db_quantity")
    def _compute_matches(self):
        for count in self:
            count.matches = count.file_count == count.db_count and count.file_quantity == count.db_quantity
