from odoo import api, fields, models
from odoo.exceptions import ValidationError


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # Unit-level consumption (ISO 13485:2016 7.5.9.2, 21 CFR 820.65): when an
    # order makes several serials, the operator records which unit each
    # component went into; the genealogy then links the component to that unit
    # only instead of to every unit of the order.
    md_unit_lot_id = fields.Many2one(
        "stock.lot",
        string="For Unit",
        index="btree_not_null",
        ondelete="restrict",
        copy=False,
        help="The finished lot/serial of this manufacturing order that this component went into.",
    )
    md_unit_lot_choice_ids = fields.Many2many(
        "stock.lot",
        compute="_compute_md_unit_lot_choice_ids",
        string="Finished Units of the Order",
    )

    @api.depends("move_id.raw_material_production_id")
    def _compute_md_unit_lot_choice_ids(self):
        for line in self:
            production = line.move_id.raw_material_production_id
            line.md_unit_lot_choice_ids = self._md_finished_lots(production)

    @api.model
    def _md_finished_lots(self, production):
        """The lots/serials of the main product ``production`` makes: the units
        its components can be assigned to."""
        if not production:
            return self.env["stock.lot"]
        finished_lines = production.move_finished_ids.filtered(
            lambda move: move.product_id == production.product_id
        ).move_line_ids
        return production.lot_producing_id | finished_lines.lot_id

    @api.constrains("md_unit_lot_id")
    def _check_md_unit_lot_id(self):
        for line in self.filtered("md_unit_lot_id"):
            production = line.move_id.raw_material_production_id
            if not production:
                raise ValidationError(
                    self.env._(
                        "Only a component line of a manufacturing order can be assigned to a finished unit "
                        "(line of %(product)s).",
                        product=line.product_id.display_name,
                    )
                )
            if line.md_unit_lot_id not in self._md_finished_lots(production):
                raise ValidationError(
                    self.env._(
                        "%(lot)s is not a finished lot/serial of %(order)s: a component can only be assigned "
                        "to a unit the order makes.",
                        lot=line.md_unit_lot_id.display_name,
                        order=production.display_name,
                    )
                )

    def write(self, vals):
        if "md_unit_lot_id" in vals:
            self._check_md_unit_lot_id_editable(vals["md_unit_lot_id"])
        return super().write(vals)

    def _check_md_unit_lot_id_editable(self, new_lot_id):
        """The unit a done component went into is part of the device history
        record (21 CFR 820.184): it is recorded before the order is done and not
        rewritten afterwards."""
        changed = self.filtered(
            lambda line: (
                line.state == "done"
                and line.move_id.raw_material_production_id
                and line.md_unit_lot_id.id != (new_lot_id or False)
            )
        )
        if changed:
            raise ValidationError(
                self.env._(
                    "The finished unit of a consumed component cannot be changed once the consumption "
                    "is done (%(lines)s).",
                    lines=", ".join(
                        changed.mapped(lambda line: line.reference or line.product_id.display_name)
                    ),
                )
            )
