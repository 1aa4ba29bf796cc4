from odoo import fields, models


class MrpProduction(models.Model):
    """A done order of a device product compiles one device history record per
    finished lot/serial (21 CFR 820.184 / QMSR 820.35, ISO 13485 7.5.1)."""

    _inherit = "mrp.production"  # pylint: disable=consider-merging-classes-inherited

    md_dhr_ids = fields.One2many(
        "md.quality.dhr",
        "production_id",
        string="Device History Records",
        groups="md_base.group_md_user",
    )
    md_dhr_count = fields.Integer(
        string="DHRs", compute="_compute_md_dhr_count", groups="md_base.group_md_user"
    )

    def _compute_md_dhr_count(self):
        counts = dict(
            self.env["md.quality.dhr"]._read_group(
                [("production_id", "in", self.ids)], ["production_id"], ["__count"]
            )
        )
        for production in self:
            production.md_dhr_count = counts.get(production, 0)

    def button_mark_done(self):
        result = super().button_mark_done()
        self.env["md.quality.dhr"]._md_create_for_productions(self.filtered(lambda p: p.state == "done"))
        return result

    def action_md_open_dhrs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("md_quality.action_md_quality_dhr")
        action["domain"] = [("production_id", "=", self.id)]
        return action
