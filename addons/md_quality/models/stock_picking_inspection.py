from odoo import fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    """Receipts create incoming inspections (ISO 13485 7.4.3: verify purchased
    product) and put the received lots in quarantine; deliveries with an
    outgoing plan wait for their passed inspection."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    md_inspection_ids = fields.One2many(
        "md.quality.inspection", "picking_id", string="Inspections", groups="md_base.group_md_user"
    )
    md_inspection_count = fields.Integer(
        compute="_compute_md_inspection_count", string="Inspection Count", groups="md_base.group_md_user"
    )

    def _compute_md_inspection_count(self):
        counts = dict(
            self.env["md.quality.inspection"]._read_group(
                [("picking_id", "in", self.ids)], ["picking_id"], ["__count"]
            )
        )
        for picking in self:
            picking.md_inspection_count = counts.get(picking, 0)

    def _action_done(self):
        result = super()._action_done()
        receipts = self.filtered(lambda p: p.picking_type_code == "incoming" and p.state == "done")
        if receipts:
            Inspection = self.env["md.quality.inspection"]
            Inspection._md_create_inspections(receipts._md_inspection_groups("receipt"))
        return result

    def button_validate(self):
        pending = self._md_pending_delivery_inspections()
        if pending:
            return pending._md_action_open()
        return super().button_validate()

    def _md_inspection_groups(self, trigger):
        """Inspection groups of the move lines of these pickings for ``trigger``
        plans: one per plan, picking, product and lot; the serial numbers of one
        product are grouped in one inspection (lot_id empty, every serial in
        lot_ids) so a receipt of thousands of serials makes one inspection.

        On receipt, a conditional supplier approval requiring 100 % incoming
        inspection (ISO 13485 7.4.1, 7.4.3) marks the groups of its products
        (``supplier_approval``: every unit inspected, the plan's sampling
        tightened to 100 %), and a product without incoming plan then gets the
        company's 100 % incoming inspection plan."""
        lines = self.move_ids.move_line_ids.filtered(lambda ml: ml.quantity and ml.state != "cancel")
        Plan = self.env["md.quality.inspection.plan"]
        plans_by_product = Plan._md_plans_by_product(trigger, lines.product_id)
        Approval = self.env["md.quality.supplier.approval"]
        approvals = Approval.browse()
        if trigger == "receipt" and lines:
            approvals = Approval._md_valid_approvals(self.partner_id, self.company_id).filtered(
                lambda a: a.state == "conditional" and a.full_incoming_inspection
            )
        groups = {}
        condition_plans = {}
        for line in lines:
            picking, product = line.move_id.picking_id, line.product_id
            partner = picking.partner_id.commercial_partner_id
            approval = Approval._md_full_inspection_approval(approvals, partner, product, picking.company_id)
            company = picking.company_id
            plans = [plan for plan in plans_by_product.get(product.id, []) if plan.company_id == company]
            if approval and not plans:
                if company not in condition_plans:
                    condition_plans[company] = Plan._md_supplier_condition_plan(company)
                plans = [condition_plans[company]]
            for plan in plans:
                lot = line.lot_id if product.tracking == "lot" else line.lot_id.browse()
                group = groups.setdefault(
                    (plan, picking, product, lot),
                    {
                        "plan": plan,
                        "product": product,
                        "picking": picking,
                        "partner": partner,
                        "company": picking.company_id,
                        "lots": line.lot_id.browse(),
                        "quantity": 0.0,
                        "supplier_approval": approval,
                    },
                )
                group["lots"] |= line.lot_id
                group["quantity"] += line.quantity_product_uom
        return list(groups.values())

    def _md_pending_delivery_inspections(self):
        """Outgoing inspections (plans with the delivery trigger) this delivery
        still waits for: created on first validation, they must pass before the
        goods leave (ISO 13485 8.2.6). A failed one refuses the validation."""
        deliveries = self.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state not in ("done", "cancel")
        )
        if not deliveries:
            return self.env["md.quality.inspection"]
        Inspection = self.env["md.quality.inspection"].sudo()
        existing = Inspection.search([("picking_id", "in", deliveries.ids), ("trigger", "=", "delivery")])
        failed = existing.filtered(lambda i: i.state == "failed")
        if failed:
            raise UserError(
                self.env._(
                    "The outgoing inspection failed, the goods cannot be delivered: %s",
                    ", ".join(failed.mapped("name")),
                )
            )
        covered = {(i.plan_id, i.picking_id, i.product_id) for i in existing if i.state != "cancelled"}
        missing = [
            group
            for group in deliveries._md_inspection_groups("delivery")
            if (group["plan"], group["picking"], group["product"]) not in covered
        ]
        created = Inspection._md_create_inspections(missing, quarantine=False)
        return (existing | created).filtered(lambda i: i.state in ("draft", "in_progress"))

    def action_md_open_inspections(self):
        self.ensure_one()
        return self.md_inspection_ids._md_action_open()
