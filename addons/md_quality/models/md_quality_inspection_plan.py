import math

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..sampling import iso2859

TRIGGERS = [
    ("receipt", "Receipt (IQC)"),
    ("operation", "Operation (IPQC)"),
    ("final", "Finished Lot (FQC)"),
    ("delivery", "Delivery (OQC)"),
]
# The sampling standard of a plan: ISO 2859-1:1999 (identical to GB/T 2828.1-2012, the standard of
# Chinese manufacturers, the default) or ANSI/ASQ Z1.4-2008, each applied whole (tables and switching).
SAMPLING_SCHEMES = [
    (iso2859.ISO_2859_1_1999, "ISO 2859-1:1999 / GB/T 2828.1-2012"),
    (iso2859.Z14_2008, "ANSI/ASQ Z1.4-2008"),
]
# Table 1 inspection levels and the preferred AQL series of the master tables (both standards).
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
        [("iso2859", "AQL Sampling Standard"), ("full", "100% Inspection"), ("fixed", "Fixed Sample Size")],
        required=True,
        default="iso2859",
        tracking=True,
    )
    sampling_scheme = fields.Selection(
        SAMPLING_SCHEMES,
        string="Sampling Standard",
        required=True,
        default=iso2859.DEFAULT_SCHEME,
        tracking=True,
        help="The standard whose tables and switching rules the plan applies, never mixed: ISO 2859-1:1999 "
        "(identical to GB/T 2828.1-2012: reduced plans with Re = Ac + 1, switching score of 9.3.3.2) or "
        "ANSI/ASQ Z1.4-2008 (reduced plans of Table II-C, 10 accepted lots of 8.3.3).",
    )
    z14_limit_numbers = fields.Boolean(
        string="Limit Numbers (Z1.4 Table VIII)",
        default=True,
        tracking=True,
        help="ANSI/ASQ Z1.4-2008 8.3.3 b): the nonconforming items of the last 10 lots must be within the "
        "limit numbers of Table VIII before reduced inspection. Table VIII is not available in this system, "
        "so reduced inspection is refused while this is set; clear it only when the responsible "
        "authorities of both parties agree to drop the condition (Z1.4 8.5).",
    )
    is_supplier_condition_plan = fields.Boolean(
        readonly=True,
        copy=False,
        help="Archived plan of the 100 % incoming inspections that a conditional supplier approval requires "
        "for products without an incoming plan of their own.",
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
        for plan in self.filtered(
            lambda p: not p.product_tmpl_id and not p.product_categ_id and not p.is_supplier_condition_plan
        ):
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
                    self.env._("The AQL sampling of plan %s needs an inspection level and an AQL.", plan.name)
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

    def write(self, vals):
        basis = {"sampling_scheme", "z14_limit_numbers", "sampling_method"} & set(vals)
        changed = basis and self.filtered(lambda plan: any(plan[name] != vals[name] for name in basis))
        result = super().write(vals)
        if changed:
            # Approvals of reduced inspection were given for the switching rules in force; a new standard
            # or limit-number rule needs them anew (ISO 2859-1:1999 9.3.4 c, Z1.4 8.3.4 d).
            withdrawn = changed.sudo().severity_ids._md_withdraw_reduced()
            for plan in withdrawn.plan_id:
                plan.message_post(
                    body=self.env._(
                        "The sampling standard of the plan changed: the approvals of reduced inspection are "
                        "withdrawn and reduced inspection returns to normal."
                    )
                )
        return result

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
        lot of ``lot_size`` units (single sampling of the plan's standard). A lot
        of any size, 1 included, gets a plan; a refusal of the standard is a
        UserError naming the plan, never a traceback."""
        self.ensure_one()
        lot_size = self._md_lot_units(lot_size)
        if self.sampling_method == "full":
            return self._md_all_units(lot_size)
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
            # ISO 2859-1:1999 9.4 / Z1.4 8.4: acceptance sampling stopped; every unit is inspected meanwhile.
            return self._md_all_units(lot_size)
        try:
            plan = iso2859.sampling_plan(
                lot_size, self.inspection_level, self.aql, severity=severity, scheme=self.sampling_scheme
            )
        except iso2859.SamplingError as error:
            raise UserError(self._md_sampling_error(error, lot_size)) from error
        return {
            "sample_size": plan.sample_size,
            "accept_number": plan.accept,
            "reject_number": plan.reject,
            "code_letter": plan.code_letter,
        }

    @api.model
    def _md_lot_units(self, quantity):
        """The lot size in whole units the tables count (a part unit is not an item), at least 1."""
        return max(math.floor(quantity + 1e-6), 1)

    @api.model
    def _md_all_units(self, lot_size):
        """Every unit inspected, none may be nonconforming."""
        return {"sample_size": lot_size, "accept_number": 0, "reject_number": 1, "code_letter": False}

    def _md_sampling_error(self, error, lot_size=None):
        """The engine's refusal (``iso2859.SamplingError``) in the user's language, naming the plan."""
        self.ensure_one()
        params = error.params
        scheme = dict(self._fields["sampling_scheme"]._description_selection(self.env)).get(
            self.sampling_scheme, self.sampling_scheme
        )
        reasons = {
            "lot_size": lambda: self.env._("a lot of %s units cannot be sampled", lot_size),
            "level": lambda: self.env._(
                "the inspection level %s is not in the standard", params.get("value")
            ),
            "aql": lambda: self.env._(
                "the AQL %s is not a preferred AQL of the standard", params.get("value")
            ),
            "unverified": lambda: self.env._(
                "%(table)s, code letter %(letter)s, AQL %(aql)s: the published transcriptions of this plan "
                "disagree, so it is refused rather than guessed; use another AQL or inspection level, or "
                "100%% inspection, until the plan is verified against the standard",
                table=params.get("table"),
                letter=params.get("letter"),
                aql=params.get("aql"),
            ),
            "table": lambda: self.env._(
                "%(table)s is not available in this system, so the state that needs it is refused",
                table=params.get("table"),
            ),
        }
        reason = reasons.get(error.kind, lambda: str(error))()
        return self.env._(
            "Inspection plan %(plan)s (%(scheme)s): %(reason)s.",
            plan=self.display_name,
            scheme=scheme,
            reason=reason,
        )

    @api.model
    def _md_supplier_condition_plan(self, company):
        """The archived plan of the 100 % incoming inspections that conditional supplier approvals
        require (ISO 13485 7.4.1, 7.4.3) for a product without incoming plan, one per company."""
        plan = (
            self.sudo()
            .with_context(active_test=False)
            .search([("is_supplier_condition_plan", "=", True), ("company_id", "=", company.id)], limit=1)
        )
        if plan:
            return plan
        return (
            self.sudo()
            .with_context(tracking_disable=True)
            .create(
                {
                    "name": self.env._("100% incoming inspection required by a conditional approval"),
                    "is_supplier_condition_plan": True,
                    "active": False,
                    "trigger": "receipt",
                    "sampling_method": "full",
                    "company_id": company.id,
                    "item_ids": [
                        Command.create(
                            {
                                "name": self.env._("Unit conforms to the purchase requirements"),
                                "test_type": "check",
                                "instructions": self.env._(
                                    "Inspect every unit received against the purchase requirements and the "
                                    "conditions of the supplier's approval; count the nonconforming units."
                                ),
                            }
                        )
                    ],
                }
            )
        )

    def action_open_inspections(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("md_quality.md_quality_inspection_action")
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action
