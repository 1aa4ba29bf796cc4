from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..sampling import iso2859
from .md_quality_inspection_plan import SEVERITIES

QUALITY_MANAGER = "md_base.group_md_quality_manager"


class MdQualityPlanSeverity(models.Model):
    """Current switching state (normal, tightened, reduced inspection, discontinued) of a plan for one
    supplier and product, under the plan's standard: ISO 2859-1:1999 9.3/9.4 (= GB/T 2828.1-2012) or
    ANSI/ASQ Z1.4-2008 8.3/8.4. Updated from the results of the plan's inspections.

    Reduced inspection also needs steady production and the approval of the responsible authority
    (ISO 9.3.3.1 b/c, Z1.4 8.3.3 c/d): each is recorded here by a quality manager, who and when,
    never assumed, and withdrawing either returns reduced inspection to normal (ISO 9.3.4, Z1.4 8.3.4).
    """

    _name = "md.quality.plan.severity"
    _description = "Inspection Switching State"
    _inherit = ["md.workflow.mixin"]
    _order = "plan_id, partner_id, product_id"

    # The switching rules move the severity; a quality manager records the conditions of reduced
    # inspection and resumes tightened inspection after a discontinuation. All server-side transitions.
    _md_state_field = "severity"
    _md_transition_fields = (
        "switching_score",
        "changed_at",
        "production_steady_uid",
        "production_steady_date",
        "reduced_approved_uid",
        "reduced_approved_date",
    )
    _md_create_only_fields = ("plan_id", "partner_id", "product_id")

    plan_id = fields.Many2one("md.quality.inspection.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    sampling_scheme = fields.Selection(related="plan_id.sampling_scheme")
    partner_id = fields.Many2one("res.partner", string="Supplier", index=True, ondelete="cascade")
    product_id = fields.Many2one("product.product", required=True, index=True, ondelete="cascade")
    severity = fields.Selection(
        SEVERITIES,
        required=True,
        default="normal",
        help="Discontinued (ISO 2859-1 9.4, Z1.4 8.4): five lots not accepted on tightened inspection. Every "
        "unit is inspected until the supplier has improved and a quality manager sets the state back to "
        "Tightened.",
    )
    switching_score = fields.Integer(
        help="ISO 2859-1:1999 9.3.3.2: reduced inspection is possible from 30 (not used by ANSI/ASQ "
        "Z1.4-2008, which counts 10 accepted lots)."
    )
    changed_at = fields.Datetime(string="Last Switch")
    production_steady_uid = fields.Many2one(
        "res.users", string="Steady Production Confirmed By", readonly=True, ondelete="restrict"
    )
    production_steady_date = fields.Datetime(string="Steady Production Confirmed On", readonly=True)
    reduced_approved_uid = fields.Many2one(
        "res.users", string="Reduced Inspection Approved By", readonly=True, ondelete="restrict"
    )
    reduced_approved_date = fields.Datetime(string="Reduced Inspection Approved On", readonly=True)
    production_steady = fields.Boolean(
        compute="_compute_reduced_conditions",
        help="ISO 2859-1:1999 9.3.3.1 b) / Z1.4 8.3.3 c): production is at a steady rate, as confirmed by a "
        "quality manager.",
    )
    reduced_approved = fields.Boolean(
        compute="_compute_reduced_conditions",
        help="ISO 2859-1:1999 9.3.3.1 c) / Z1.4 8.3.3 d): the responsible authority considers reduced "
        "inspection desirable, as recorded by a quality manager.",
    )

    _sql_constraints = [
        (
            "plan_partner_product_unique",
            "unique(plan_id, partner_id, product_id)",
            "There is already a switching state for this plan, supplier and product.",
        ),
    ]

    @api.depends("production_steady_uid", "reduced_approved_uid")
    def _compute_reduced_conditions(self):
        for state in self:
            state.production_steady = bool(state.production_steady_uid)
            state.reduced_approved = bool(state.reduced_approved_uid)

    def _md_effective_severity(self):
        """The severity the next lot is sampled under: reduced only while both conditions are recorded
        (a reduced state from before they were recorded samples as normal)."""
        self.ensure_one()
        if self.severity == "reduced" and not (self.production_steady and self.reduced_approved):
            return "normal"
        return self.severity

    @api.model
    def _md_current(self, keys):
        """``{(plan_id, partner_id or False, product_id): severity}`` for
        ``keys`` = [(plan, partner or None, product)], one query."""
        keys = {(plan.id, partner.id if partner else False, product.id) for plan, partner, product in keys}
        states = self.search(
            [("plan_id", "in", [key[0] for key in keys]), ("product_id", "in", [key[2] for key in keys])]
        )
        found = {(s.plan_id.id, s.partner_id.id, s.product_id.id): s._md_effective_severity() for s in states}
        return {key: found.get(key, "normal") for key in keys}

    @api.model
    def _md_update_from(self, inspections):
        """Apply the switching rules of the plan's standard after decisions of
        inspections sampled by the plan's table: the lots decided since the last
        switch (oldest first) decide the next severity. Inspections not sampled
        by the table (no code letter: created by hand, re-inspections, 100 %
        required by a supplier approval) are not original inspections and do
        not count (ISO 2859-1 9.3, Z1.4 8.3)."""
        sampled = inspections.filtered("code_letter").sorted("id")
        for plan, partner, product in dict.fromkeys((i.plan_id, i.partner_id, i.product_id) for i in sampled):
            if plan.sampling_method != "iso2859":
                continue
            state = self.search(
                [("plan_id", "=", plan.id), ("partner_id", "=", partner.id), ("product_id", "=", product.id)],
                limit=1,
            ) or self.create({"plan_id": plan.id, "partner_id": partner.id, "product_id": product.id})
            score = state.switching_score
            if plan.sampling_scheme == iso2859.ISO_2859_1_1999:
                for inspection in sampled.filtered(
                    lambda i, key=(plan, partner, product): (i.plan_id, i.partner_id, i.product_id) == key
                ):
                    score = state._md_scored(inspection, score)
            state._md_switch(score)

    def _md_scored(self, inspection, score):
        """ISO 2859-1:1999 9.3.3.2: the switching score after ``inspection``, if it was on normal
        inspection with the plan of Table 2-A for its lot."""
        plan = self.plan_id
        used = inspection._md_sampling_plan()
        if inspection.severity != "normal":
            return score
        try:
            normal = iso2859.sampling_plan(
                plan._md_lot_units(inspection.quantity),
                plan.inspection_level,
                plan.aql,
                scheme=plan.sampling_scheme,
            )
            if tuple(used)[:4] != tuple(normal)[:4]:
                return score
            return iso2859.update_switching_score(score, normal, plan.aql, inspection.defect_count)
        except iso2859.SamplingError as error:
            raise UserError(plan._md_sampling_error(error)) from error

    def _md_switch(self, score=None):
        """Write the switching score and the severity the plan's standard gives for the lots decided
        since the last switch."""
        self.ensure_one()
        plan = self.plan_id
        score = self.switching_score if score is None else score
        history = [
            i._md_lot_decision()
            for i in self._md_decided_since(plan, self.partner_id, self.product_id, self.changed_at)
        ]
        try:
            severity = iso2859.next_severity(
                self.severity,
                history,
                scheme=plan.sampling_scheme,
                switching_score=score,
                production_steady=self.production_steady,
                authority_approves=self.reduced_approved,
                limit_numbers=plan.sampling_scheme == iso2859.Z14_2008 and plan.z14_limit_numbers,
            )
        except iso2859.SamplingError as error:
            raise UserError(plan._md_sampling_error(error)) from error
        vals = {"switching_score": score}
        if severity != self.severity:
            vals.update(severity=severity, changed_at=fields.Datetime.now(), switching_score=0)
        self._md_write_transition(vals)

    # --- conditions of reduced inspection, recorded by a person -------------------------------------

    def _md_check_manager(self, action):
        if not self.env.user.has_group(QUALITY_MANAGER):
            raise AccessError(self.env._("Only a quality manager can do this: %s", action))

    def action_md_confirm_steady_production(self):
        """ISO 2859-1:1999 9.3.3.1 b) / Z1.4 8.3.3 c): production is at a steady rate."""
        self._md_check_manager(self.env._("Confirm Steady Production"))
        self._md_check_state(("normal", "tightened", "reduced"), self.env._("Confirming steady production"))
        self._md_write_transition(
            {"production_steady_uid": self.env.user.id, "production_steady_date": fields.Datetime.now()}
        )
        for state in self:
            state._md_switch()
        return True

    def action_md_approve_reduced(self):
        """ISO 2859-1:1999 9.3.3.1 c) / Z1.4 8.3.3 d): the responsible authority considers reduced
        inspection desirable. A Z1.4 plan applying the limit numbers of Table VIII (8.3.3 b) is refused:
        the table is not available."""
        self._md_check_manager(self.env._("Approve Reduced Inspection"))
        self._md_check_state(("normal", "tightened", "reduced"), self.env._("Approving reduced inspection"))
        for state in self:
            plan = state.plan_id
            if plan.sampling_scheme == iso2859.Z14_2008 and plan.z14_limit_numbers:
                raise UserError(
                    self.env._(
                        "Inspection plan %(plan)s applies the limit numbers of ANSI/ASQ Z1.4-2008 Table VIII "
                        "(8.3.3 b), which are not available in this system: reduced inspection cannot be "
                        "approved. The condition may be dropped only when the responsible authorities of "
                        "both parties agree (Z1.4 8.5): then clear “Limit Numbers” on the plan.",
                        plan=plan.display_name,
                    )
                )
        self._md_write_transition(
            {"reduced_approved_uid": self.env.user.id, "reduced_approved_date": fields.Datetime.now()}
        )
        for state in self:
            state._md_switch()
        return True

    def action_md_report_irregular_production(self):
        """ISO 2859-1:1999 9.3.4 b) / Z1.4 8.3.4 c): production irregular or delayed."""
        self._md_check_manager(self.env._("Report Irregular Production"))
        self._md_clear_conditions(
            {"production_steady_uid": False, "production_steady_date": False},
        )
        return True

    def action_md_withdraw_reduced_approval(self):
        """ISO 2859-1:1999 9.3.4 c) / Z1.4 8.3.4 d): other conditions warrant normal inspection."""
        self._md_check_manager(self.env._("Withdraw Reduced Inspection Approval"))
        self._md_clear_conditions({"reduced_approved_uid": False, "reduced_approved_date": False})
        return True

    def _md_withdraw_reduced(self):
        """Server side: withdraw the approval of reduced inspection (e.g. the plan's standard changed)."""
        states = self.filtered(lambda s: s.reduced_approved_uid or s.severity == "reduced")
        states._md_clear_conditions({"reduced_approved_uid": False, "reduced_approved_date": False})
        return states

    def _md_clear_conditions(self, vals):
        now = fields.Datetime.now()
        for state in self:
            values = dict(vals)
            if state.severity == "reduced":
                values.update(severity="normal", changed_at=now, switching_score=0)
            state._md_write_transition(values)

    def action_md_resume_tightened(self):
        """ISO 2859-1 9.4 / Z1.4 8.4: after a discontinuation, inspection resumes under tightened
        inspection once the responsible authority is satisfied the supplier improved."""
        if not self.env.user.has_group(QUALITY_MANAGER):
            raise AccessError(
                self.env._("Only a quality manager resumes inspection after a discontinuation.")
            )
        self._md_check_state(("discontinued",), self.env._("Resuming tightened inspection"))
        self._md_write_transition(
            {"severity": "tightened", "changed_at": fields.Datetime.now(), "switching_score": 0}
        )
        return True

    @api.model
    def _md_decided_since(self, plan, partner, product, since):
        """The decided inspections of the plan, supplier and product since the last switch, oldest first."""
        domain = [
            ("plan_id", "=", plan.id),
            ("partner_id", "=", partner.id),
            ("product_id", "=", product.id),
            ("state", "in", ("passed", "failed")),
            ("code_letter", "!=", False),
        ]
        if since:
            domain.append(("date_done", ">", since))
        return self.env["md.quality.inspection"].sudo().search(domain, order="date_done, id")
