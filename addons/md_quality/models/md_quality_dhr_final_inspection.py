from odoo import api, fields, models
from odoo.exceptions import UserError

from .md_quality_inspection import OPEN_STATES


class MdQualityDhr(models.Model):
    """A DHR whose release waits for a final inspection that was never created (a plan made
    required after the order was done, an inspection cancelled) offers to create it from the
    plan that applies to the product (ISO 13485:2016 8.2.6: release only after the planned
    arrangements are completed; 21 CFR 820.80(d) final acceptance activities)."""

    _inherit = "md.quality.dhr"  # pylint: disable=consider-merging-classes-inherited

    final_inspection_missing = fields.Boolean(
        compute="_compute_final_inspection_missing",
        help="A final inspection required for release has not been created for this lot.",
    )

    @api.depends("state", "lot_id", "product_id")
    def _compute_final_inspection_missing(self):
        missing = self._md_missing_final_plans()
        for dhr in self:
            dhr.final_inspection_missing = bool(missing.get(dhr.id))

    def _md_required_final_plans(self):
        """``{dhr id: plans}``: the final plans required for release that apply to each DHR's
        product (its own plans, else its category's) in its company."""
        plans_by_product = self.env["md.quality.inspection.plan"]._md_plans_by_product(
            "final", self.product_id
        )
        no_plan = self.env["md.quality.inspection.plan"].sudo()
        return {
            dhr.id: plans_by_product.get(dhr.product_id.id, no_plan).filtered(
                lambda plan, dhr=dhr: plan.required_for_release and plan.company_id == dhr.company_id
            )
            for dhr in self
        }

    def _md_final_inspections(self, plans):
        """The inspections of these plans covering the DHRs' lots, cancelled ones aside (one search)."""
        return (
            self.env["md.quality.inspection"]
            .sudo()
            .search(
                [
                    ("lot_ids", "in", self.lot_id.ids),
                    ("plan_id", "in", plans.ids),
                    ("state", "!=", "cancelled"),
                ]
            )
        )

    def _md_missing_final_plans(self):
        """``{dhr id: plans}``: the required final plans without any inspection of the lot, for
        the pending DHRs."""
        pending = self.filtered(lambda dhr: dhr.state == "pending" and dhr.lot_id)
        if not pending:
            return {}
        required = pending._md_required_final_plans()
        plans = self.env["md.quality.inspection.plan"].sudo().union(*required.values())
        inspections = pending._md_final_inspections(plans) if plans else self.env["md.quality.inspection"]
        return {
            dhr.id: required[dhr.id].filtered(
                lambda plan, dhr=dhr: (
                    not inspections.filtered(
                        lambda i, plan=plan, dhr=dhr: i.plan_id == plan and dhr.lot_id in i.lot_ids
                    )
                )
            )
            for dhr in pending
        }

    def action_md_create_final_inspection(self):
        """Create the missing final inspection of the lot from the required plan (quarantined like
        the one a done order creates) and open it; when it exists and is open, open it (idempotent)."""
        self.ensure_one()
        self._md_check_state(("pending",), self.env._("Creating the final inspection"))
        self.env["md.quality.inspection"].check_access("create")
        required = self._md_required_final_plans()[self.id]
        if not required:
            raise UserError(
                self.env._(
                    "No final inspection plan required for release applies to %(product)s: %(dhr)s "
                    "needs no final inspection to be created.",
                    product=self.product_id.display_name,
                    dhr=self.display_name,
                )
            )
        created = self._md_create_missing_final_inspections(self._md_missing_final_plans()[self.id])
        inspections = created | self._md_final_inspections(required).filtered(
            lambda i: i.state in OPEN_STATES
        )
        if not inspections:
            raise UserError(
                self.env._(
                    "The final inspections of %(dhr)s are already decided: %(inspections)s.",
                    dhr=self.display_name,
                    inspections=", ".join(self._md_final_inspections(required).mapped("display_name")),
                )
            )
        return inspections.with_env(self.env)._md_action_open()

    def _md_create_missing_final_inspections(self, plans):
        self.ensure_one()
        if not plans:
            return self.env["md.quality.inspection"].sudo()
        inspections = self.env["md.quality.inspection"]._md_create_inspections(
            [
                {
                    "plan": plan,
                    "product": self.product_id,
                    "lots": self.lot_id,
                    "quantity": self.qty_produced,
                    "production": self.production_id,
                    "company": self.company_id,
                }
                for plan in plans
            ]
        )
        self.message_post(
            body=self.env._(
                "Final inspection created for the release: %s", ", ".join(inspections.mapped("name"))
            )
        )
        return inspections
