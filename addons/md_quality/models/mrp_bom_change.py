from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.md_base.models.module_data import module_data_uninstalling

# A new BoM version is assessed from the change request's assessment on: its content is what the
# approval signatures cover (ISO 13485:2016 7.3.9: changes reviewed, verified and approved before
# implementation; 4.2.4 b: documents re-approved after change).
LOCKED_CHANGE_STATES = ("approval", "implementation")
# Change control itself keeps a planned BoM archived and switches it on at effectivity.
CHANGE_CONTROL_FIELDS = {"active", "sequence"}


class MrpBom(models.Model):
    _inherit = "mrp.bom"

    def _md_changes_under_approval(self):
        """The change requests in approval or approved whose new BoM versions are among these BoMs."""
        if not self.ids:
            return self.env["md.quality.change"]
        lines = (
            self.env["md.quality.change.bom"]
            .sudo()
            .search([("new_bom_id", "in", self.ids), ("change_id.state", "in", LOCKED_CHANGE_STATES)])
        )
        return lines.change_id

    def _md_check_not_under_approval(self):
        changes = self._md_changes_under_approval()
        if changes:
            raise UserError(
                self.env._(
                    "This BoM version is the content of change request %(changes)s, submitted for approval "
                    "or approved: it cannot be edited until the change is effective. Return the change to "
                    "impact assessment, or raise a new change request.",
                    changes=", ".join(changes.mapped("display_name")),
                )
            )

    def write(self, vals):
        if set(vals) - CHANGE_CONTROL_FIELDS:
            self.with_context(active_test=False)._md_check_not_under_approval()
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _md_unlink_except_under_approval(self):
        if module_data_uninstalling(self):  # Odoo's uninstall flag alone is a context key
            return
        self._md_check_not_under_approval()


class MdQualityBomPartMixin(models.AbstractModel):
    """A part of a BoM's content (its lines, its operations): locked with the BoM it belongs to."""

    _name = "md.quality.bom.part.mixin"
    _description = "Part of a BoM's Content"

    @api.model_create_multi
    def create(self, vals_list):
        boms = self.env["mrp.bom"].browse({vals["bom_id"] for vals in vals_list if vals.get("bom_id")})
        boms._md_check_not_under_approval()
        return super().create(vals_list)

    def write(self, vals):
        self.bom_id._md_check_not_under_approval()
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _md_unlink_except_under_approval(self):
        if module_data_uninstalling(self):  # Odoo's uninstall flag alone is a context key
            return
        self.bom_id._md_check_not_under_approval()


class MrpBomLine(models.Model):
    _name = "mrp.bom.line"
    _inherit = ["mrp.bom.line", "md.quality.bom.part.mixin"]


class MrpRoutingWorkcenter(models.Model):
    _name = "mrp.routing.workcenter"
    _inherit = ["mrp.routing.workcenter", "md.quality.bom.part.mixin"]
