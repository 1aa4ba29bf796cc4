from odoo import api, fields, models


class MdQualityDhrComponent(models.Model):
    """A component consumed for the DHR's lot (21 CFR 820.184 / ISO 13485
    7.5.9: the identity of the materials used), copied from the manufacturing
    order's done consumption lines when the order is done."""

    _name = "md.quality.dhr.component"
    _description = "Device History Record Component"
    _inherit = ["md.workflow.mixin"]
    _order = "dhr_id, product_id, lot_id, id"

    # Copied from production when the DHR is compiled; frozen with its DHR's decision.
    _md_state_field = None
    _md_parent_field = "dhr_id"
    _md_create_only_fields = ("dhr_id",)

    dhr_id = fields.Many2one("md.quality.dhr", required=True, index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="dhr_id.company_id", store=True, index=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True, ondelete="restrict")
    lot_id = fields.Many2one("stock.lot", string="Lot/Serial Number", readonly=True, ondelete="restrict")
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    product_uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True, ondelete="restrict")
    unit_level = fields.Boolean(
        string="Assigned to This Unit",
        readonly=True,
        help="Consumed for this serial number only (unit-level consumption); otherwise consumed by the "
        "whole order.",
    )
    component_dhr_id = fields.Many2one(
        "md.quality.dhr",
        string="Component DHR",
        compute="_compute_component_dhr_id",
        help="The device history record of the component lot, when it was manufactured here.",
    )

    @api.depends("lot_id")
    def _compute_component_dhr_id(self):
        dhrs = self.env["md.quality.dhr"].search([("lot_id", "in", self.lot_id.ids)], order="id desc")
        dhr_by_lot = {}
        for dhr in dhrs:
            dhr_by_lot.setdefault(dhr.lot_id.id, dhr)
        for line in self:
            line.component_dhr_id = dhr_by_lot.get(line.lot_id.id, False)
