from odoo import fields, models


class MrpProduction(models.Model):
    """A done manufacturing order creates the final inspections of the lots
    it produced (ISO 13485 8.2.6) and, when it had no work orders, the
    in-process inspections of its operations."""

    _inherit = "mrp.production"  # pylint: disable=consider-merging-classes-inherited

    md_inspection_ids = fields.One2many(
        "md.quality.inspection", "production_id", string="Inspections", groups="md_base.group_md_user"
    )
    md_inspection_count = fields.Integer(
        compute="_compute_md_inspection_count", string="Inspection Count", groups="md_base.group_md_user"
    )

    def _compute_md_inspection_count(self):
        counts = dict(
            self.env["md.quality.inspection"]._read_group(
                [("production_id", "in", self.ids)], ["production_id"], ["__count"]
            )
        )
        for production in self:
            production.md_inspection_count = counts.get(production, 0)

    def button_mark_done(self):
        not_done = self.filtered(lambda mo: mo.state != "done")
        result = super().button_mark_done()
        done = not_done.filtered(lambda mo: mo.state == "done")
        if done:
            groups = done._md_final_inspection_groups() + done._md_operation_inspection_groups()
            self.env["md.quality.inspection"]._md_create_inspections(groups)
        return result

    def _md_final_inspection_groups(self):
        """One final inspection per plan and order, covering every finished lot or serial of the product."""
        plans_by_product = self.env["md.quality.inspection.plan"]._md_plans_by_product(
            "final", self.product_id
        )
        groups = []
        for production in self:
            moves = production.move_finished_ids.filtered(lambda m: m.state == "done")
            lines = moves.filtered(
                lambda m, product=production.product_id: m.product_id == product
            ).move_line_ids
            for plan in plans_by_product.get(production.product_id.id, []):
                if plan.company_id == production.company_id:
                    groups.append(
                        {
                            "plan": plan,
                            "product": production.product_id,
                            "production": production,
                            "company": production.company_id,
                            "lots": lines.lot_id,
                            "quantity": sum(lines.mapped("quantity_product_uom")) or production.qty_produced,
                        }
                    )
        return groups

    def _md_operation_inspection_groups(self):
        """In-process inspections of orders done without work orders: one per operation plan of the BoM."""
        without_workorders = self.filtered(lambda mo: not mo.workorder_ids)
        plans_by_product = self.env["md.quality.inspection.plan"]._md_plans_by_product(
            "operation", without_workorders.product_id
        )
        groups = []
        for production in without_workorders:
            operations = production.bom_id.operation_ids
            for plan in plans_by_product.get(production.product_id.id, []):
                if plan.operation_id in operations and plan.company_id == production.company_id:
                    groups.append(
                        {
                            "plan": plan,
                            "product": production.product_id,
                            "production": production,
                            "company": production.company_id,
                            "lots": production.lot_producing_id,
                            "quantity": production.qty_produced or production.product_qty,
                        }
                    )
        return groups

    def action_md_open_inspections(self):
        self.ensure_one()
        return self.md_inspection_ids._md_action_open()
