from odoo import api, fields, models


class MdRecallStockLine(models.Model):
    """Units of a recalled lot in our stock, per location, as the last scope found them: of
    them, the units consignees returned through this recall (counted on their consignee) and
    our own units, which never left us."""

    _name = "md.recall.stock.line"
    _description = "Recall Scope: Stock"
    _inherit = ["md.workflow.mixin"]
    _order = "recall_id, lot_id, location_id"

    # Written only by the scope computation of its recall.
    _md_state_field = None
    _md_parent_field = "recall_id"
    _md_transition_fields = ("quantity", "returned_qty")
    _md_create_only_fields = ("recall_id", "lot_id", "location_id")

    recall_id = fields.Many2one("md.recall", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    lot_id = fields.Many2one("stock.lot", string="Lot/Serial Number", required=True, ondelete="restrict")
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    location_id = fields.Many2one("stock.location", required=True, ondelete="restrict")
    quantity = fields.Float(digits="Product Unit of Measure", help="Units at this location.")
    returned_qty = fields.Float(
        string="Returned by Consignees",
        digits="Product Unit of Measure",
        help="Units at this location that consignees returned through this recall: they are counted on "
        "their consignee's line.",
    )
    own_qty = fields.Float(
        string="Our Own Units",
        digits="Product Unit of Measure",
        compute="_compute_own_qty",
        store=True,
        help="Units that never left us: held and dispositioned separately from the field action.",
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    lot_status = fields.Selection(related="lot_id.md_status", string="Lot Status")
    held = fields.Boolean(
        compute="_compute_held", store=True, help="The lot is not released: its stock cannot be delivered."
    )

    @api.depends("quantity", "returned_qty")
    def _compute_own_qty(self):
        for line in self:
            line.own_qty = max(line.quantity - line.returned_qty, 0.0)

    @api.depends("lot_id.md_status")
    def _compute_held(self):
        for line in self:
            line.held = line.lot_id.md_status not in (False, "released")
