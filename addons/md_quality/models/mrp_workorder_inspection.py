from odoo import models


class MrpWorkorder(models.Model):
    """A finished operation creates its in-process inspections (ISO 13485
    7.5.1, 8.2.6: monitoring at appropriate stages of realisation)."""

    _inherit = "mrp.workorder"  # pylint: disable=consider-merging-classes-inherited

    def button_finish(self):
        unfinished = self.filtered(lambda wo: wo.state not in ("done", "cancel"))
        result = super().button_finish()
        finished = unfinished.filtered(lambda wo: wo.state == "done")
        if finished:
            self.env["md.quality.inspection"]._md_create_inspections(finished._md_inspection_groups())
        return result

    def _md_inspection_groups(self):
        productions = self.production_id
        plans_by_product = self.env["md.quality.inspection.plan"]._md_plans_by_product(
            "operation", productions.product_id
        )
        groups = []
        for workorder in self:
            production = workorder.production_id
            for plan in plans_by_product.get(production.product_id.id, []):
                if plan.operation_id == workorder.operation_id and plan.company_id == production.company_id:
                    groups.append(
                        {
                            "plan": plan,
                            "product": production.product_id,
                            "production": production,
                            "workorder": workorder,
                            "company": production.company_id,
                            "lots": production.lot_producing_id,
                            "quantity": workorder.qty_produced or production.product_qty,
                        }
                    )
        return groups
