from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MdQualityChangeBom(models.Model):
    """A new BoM version introduced by a change, and the BoM it replaces.

    The new BoM stays archived until the change is effective, so production
    cannot use it before approval (ISO 13485 7.3.9); at effectivity it is
    activated ahead of the other BoMs of its product and the replaced one is
    archived (kept as a record of the previous configuration).
    """

    _name = "md.quality.change.bom"
    _description = "Change: New BoM Version"
    _inherit = ["md.workflow.mixin"]
    _order = "change_id, id"

    # Part of the assessed content: fixed once the change is submitted for approval.
    _md_state_field = None
    _md_parent_field = "change_id"
    _md_parent_states = ("draft", "assessment")
    _md_create_only_fields = ("change_id",)

    change_id = fields.Many2one("md.quality.change", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="change_id.company_id", store=True, index=True)
    new_bom_id = fields.Many2one(
        "mrp.bom", string="New BoM", required=True, ondelete="restrict", context={"active_test": False}
    )
    replaced_bom_id = fields.Many2one(
        "mrp.bom", string="Replaced BoM", ondelete="restrict", context={"active_test": False}
    )
    product_tmpl_id = fields.Many2one(related="new_bom_id.product_tmpl_id", string="Product")

    _sql_constraints = [
        ("new_bom_unique", "unique(change_id, new_bom_id)", "This BoM is already listed on the change."),
    ]

    @api.constrains("new_bom_id", "replaced_bom_id")
    def _check_same_product(self):
        for line in self:
            if line.new_bom_id == line.replaced_bom_id:
                raise ValidationError(self.env._("A BoM cannot replace itself."))
            if (
                line.replaced_bom_id
                and line.replaced_bom_id.product_tmpl_id != line.new_bom_id.product_tmpl_id
            ):
                raise ValidationError(
                    self.env._(
                        "The new BoM %(new)s and the replaced BoM %(old)s are for different products.",
                        new=line.new_bom_id.display_name,
                        old=line.replaced_bom_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._md_keep_new_boms_archived()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if "new_bom_id" in vals:
            self._md_keep_new_boms_archived()
        return result

    def _md_keep_new_boms_archived(self):
        # Change control, not the BoM author, decides when a version is in use.
        self.new_bom_id.filtered("active").sudo().write({"active": False})

    def _md_activate(self):
        """The new BoMs become the ones Odoo picks (lowest sequence), the replaced ones are archived."""
        for line in self:
            new_bom, replaced = line.new_bom_id.sudo(), line.replaced_bom_id.sudo()
            replaced.write({"active": False})
            others = new_bom.search(
                [
                    ("product_tmpl_id", "=", new_bom.product_tmpl_id.id),
                    ("id", "!=", new_bom.id),
                    ("company_id", "in", (False, new_bom.company_id.id)),
                ]
            )
            sequence = min(others.mapped("sequence")) - 1 if others else new_bom.sequence
            new_bom.write({"active": True, "sequence": sequence})
