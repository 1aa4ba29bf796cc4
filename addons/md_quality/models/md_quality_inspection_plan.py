from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..sampling import iso2859

TRIGGERS = [
    ("receipt", "Receipt (IQC)"),
    ("operation", "Operation (IPQC)"),
    ("final", "Finished Lot (FQC)"),
    ("delivery", "Delivery (OQC)"),
]
# ISO 2859-1 Table 1 inspection levels and the preferred AQL series of Tables 2.
INSPECTION_LEVELS = [(level, level) for level in iso2859.LEVELS]
AQL_VALUES = [f"{aql:g}" for aql in iso2859.AQLS]
SEVERITIES = [
    ("normal", "Normal"),
    ("tightened", "Tightened"),
    ("reduced", "Reduced"),
    (iso2859.DISCONTINUED, "Discontinued"),
]


class MdQualityInspectionPlan(models.Model):
    """What to inspect, when and how many (ISO 13485 7.4.3 verification of
    purchased product, 7.5.1/8.2.6 monitoring and measurement of product).

    A plan applies to a product or to every product of a category and fires on
    its trigger; the sampling decides the sample size and acceptance number.
    """

    _name = "md.quality.inspection.plan"
    _description = "Inspection Plan"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    trigger = fields.Selection(TRIGGERS, required=True, default="receipt", tracking=True)
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product", index=True, tracking=True, ondelete="cascade"
    )
    product_categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        index=True,
        tracking=True,
        help="Applies to the products of this category and its subcategories that have no plan of their own "
        "for the same trigger.",
    )
    operation_id = fields.Many2one(
        "mrp.routing.workcenter",
        index=True,
        tracking=True,
        help="In-process inspection: the operation whose completion creates the inspection.",
    )
    required_for_release = fields.Boolean(
        tracking=True,
        help="A passed inspection of this plan is needed before a finished lot can be released "
        "(ISO 13485 8.2.6).",
    )
    sampling_method = fields.Selection(
        [("iso2859", "ISO 2859-1"), ("full", "100% Inspection"), ("fixed", "Fixed Sample Size")],
        required=True,
        default="iso2859",
        tracking=True,
    )
    inspection_level = fields.Selection(INSPECTION_LEVELS, default="II", tracking=True)
    aql = fields.Selection([(value, value) for value in AQL_VALUES], string="AQL", default="1", tracking=True)
    fixed_sample_size = fields.Integer(tracking=True)
    fixed_accept_number = fields.Integer(
        string="Fixed Acceptance Number", tracking=True, help="Defective units accepted in a fixed sample."
    )
    item_ids = fields.One2many("md.quality.test.item", "plan_id", string="Test Items", copy=True)
    severity_ids = fields.One2many("md.quality.plan.severity", "plan_id", string="Switching States")
    inspection_count = fields.Integer(compute="_compute_inspection_count")
    note = fields.Html(string="Instructions")

    @api.constrains("product_tmpl_id", "product_categ_id")
    def _check_scope(self):
        for plan in self.filtered(lambda p: not p.product_tmpl_id and not p.product_categ_id):
            raise ValidationError(
                self.env._("Inspection plan %s needs a product or a product category.", plan.name)
            )

    @api.constrains("trigger", "operation_id", "required_for_release")
    def _check_trigger_fields(self):
        for plan in self:
            if plan.trigger == "operation" and not plan.operation_id:
                raise ValidationError(
                    self.env._(
                        "In-process inspection plan %s needs the operation that triggers it.", plan.name
                    )
                )
            if plan.required_for_release and plan.trigger != "final":
                raise ValidationError(
                    self.env._("Only finished-lot (final) plans can be required for release: %s", plan.name)
                )

    @api.constrains("sampling_method", "inspection_level", "aql", "fixed_sample_size", "fixed_accept_number")
    def _check_sampling(self):
        for plan in self:
            if plan.sampling_method == "iso2859" and not (plan.inspection_level and plan.aql):
                raise ValidationError(
                    self.env._(
                        "ISO 2859-1 sampling of plan %s needs an inspection level and an AQL.", plan.name
                    )
                )
            if plan.sampling_method == "fixed" and (
                plan.fixed_sample_size < 1 or not 0 <= plan.fixed_accept_number < plan.fixed_sample_size
            ):
                raise ValidationError(
                    self.env._(
                        "Plan %s: a fixed sample needs a size of at least 1 and an acceptance number "
                        "between 0 and the sample size minus one.",
                        plan.name,
                    )
                )

    def _compute_inspection_count(self):
        counts = dict(
            self.env["md.quality.inspection"]._read_group(
                [("plan_id", "in", self.ids)], ["plan_id"], ["__count"]
            )
        )
        for plan in self:
            plan.inspection_count = counts.get(plan, 0)

    # --- plan selection ----------------------------------------------------------

    @api.model
    def _md_plans_by_product(self, trigger, products, company=None):
        """The active plans of ``trigger`` for each product, in two queries:
        ``{product.product id: plans}``. A product's own plans win over the
        plans of its category (the nearest category that has any)."""
        domain = [("trigger", "=", trigger)]
        if company:
            domain.append(("company_id", "=", company.id))
        plans = self.sudo().search(domain)
        if not plans or not products:
            return {}
        own = {}
        by_categ = {}
        for plan in plans:
            if plan.product_tmpl_id:
                own.setdefault(plan.product_tmpl_id.id, self.sudo().browse())
                own[plan.product_tmpl_id.id] |= plan
            else:
                by_categ.setdefault(plan.product_categ_id.id, self.sudo().browse())
                by_categ[plan.product_categ_id.id] |= plan
        result = {}
        for product in products:
            found = own.get(product.product_tmpl_id.id)
            if not found and by_categ:
                # parent_path "1/4/9/": nearest category first
                for categ_id in reversed([int(c) for c in product.categ_id.parent_path.split("/") if c]):
                    if categ_id in by_categ:
                        found = by_categ[categ_id]
                        break
            if found:
                result[product.id] = found
        return result

    def _md_sampling(self, lot_size, severity="normal"):
        """Sample size, acceptance and rejection numbers and code letter for a
        lot of ``lot_size`` units (ISO 2859-1, single sampling)."""
        self.ensure_one()
        lot_size = max(round(lot_size), 1)
        if self.sampling_method == "full":
            return {"sample_size": lot_size, "accept_number": 0, "reject_number": 1, "code_letter": False}
        if self.sampling_method == "fixed":
            size = min(self.fixed_sample_size, lot_size)
            accept = min(self.fixed_accept_number, size - 1)
            return {
                "sample_size": size,
                "accept_number": accept,
                "reject_number": accept + 1,
                "code_letter": False,
            }
        if severity == iso2859.DISCONTINUED:
            # ISO 2859-1 9.4: acceptance sampling stopped; every unit is inspected meanwhile.
            return {"sample_size": lot_size, "accept_number": 0, "reject_number": 1, "code_letter": False}
        plan = iso2859.sampling_plan(lot_size, self.inspection_level, float(self.aql), severity=severity)
        return {
            "sample_size": plan.sample_size,
            "accept_number": plan.accept,
            "reject_number": plan.reject,
            "code_letter": plan.code_letter,
        }

    def action_open_inspections(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("md_quality.md_quality_inspection_action")
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action
