from odoo import Command, fields, models


class MrpProduction(models.Model):
    """The changes in effect when an order was produced, for its device
    history record (ISO 13485 7.5.1, 7.3.9: which configuration was built;
    21 CFR 820 via QMSR, 4.2.5 records)."""

    _inherit = "mrp.production"  # pylint: disable=consider-merging-classes-inherited

    md_change_ids = fields.Many2many(
        "md.quality.change",
        "md_quality_change_mrp_production_rel",
        "production_id",
        "change_id",
        string="Changes in Effect",
        readonly=True,
        copy=False,
        groups="md_base.group_md_user",
        help="Effective change requests of the product or its BoM when the order was done.",
    )

    def button_mark_done(self):
        result = super().button_mark_done()
        self.filtered(lambda production: production.state == "done")._md_record_changes()
        return result

    def _md_record_changes(self):
        """One search for all orders: effective changes naming the product or
        introducing the order's BoM. Done orders only keep what they recorded."""
        if not self:
            return
        productions = self.sudo()
        changes = (
            self.env["md.quality.change"]
            .sudo()
            .search(
                [
                    ("state", "=", "effective"),
                    ("company_id", "in", productions.company_id.ids),
                    "|",
                    ("product_tmpl_ids", "in", productions.product_id.product_tmpl_id.ids),
                    ("bom_change_ids.new_bom_id", "in", productions.bom_id.ids),
                ]
            )
        )
        for production in productions:
            applicable = changes.filtered(
                lambda change, p=production: (
                    change.company_id == p.company_id
                    and (
                        p.product_id.product_tmpl_id in change.product_tmpl_ids
                        or p.bom_id in change.bom_change_ids.new_bom_id
                    )
                )
            )
            production.md_change_ids = [Command.set(applicable.ids)]
