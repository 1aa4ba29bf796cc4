from odoo import fields, models


class StockLot(models.Model):
    """The change requests in effect when a lot was produced, read from its
    producing manufacturing orders (device history record, ISO 13485 7.5.1)."""

    _inherit = "stock.lot"  # pylint: disable=consider-merging-classes-inherited

    md_change_ids = fields.Many2many(
        "md.quality.change",
        string="Changes in Effect",
        compute="_compute_md_change_ids",
        groups="md_base.group_md_user",
    )

    def _compute_md_change_ids(self):
        """Two queries for all lots: the done finished-product move lines of
        these lots and their orders' recorded changes."""
        lines = (
            self.env["stock.move.line"]
            .sudo()
            .search_fetch(
                [
                    ("lot_id", "in", self.ids),
                    ("state", "=", "done"),
                    ("move_id.production_id", "!=", False),
                ],
                ["lot_id", "move_id"],
            )
        )
        changes_by_lot = {}
        for line in lines:
            changes = line.move_id.production_id.md_change_ids
            changes_by_lot[line.lot_id.id] = changes_by_lot.get(line.lot_id.id, changes.browse()) | changes
        for lot in self:
            lot.md_change_ids = changes_by_lot.get(lot.id, self.env["md.quality.change"])
