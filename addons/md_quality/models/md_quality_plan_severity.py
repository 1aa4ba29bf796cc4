from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..sampling import iso2859
from .md_quality_inspection_plan import SEVERITIES


class MdQualityPlanSeverity(models.Model):
    """Current ISO 2859-1 switching state (clause 9.3: normal, tightened,
    reduced inspection; 9.4 discontinuation) of a plan for one supplier and
    product, updated from the results of the plan's inspections."""

    _name = "md.quality.plan.severity"
    _description = "Inspection Switching State"
    _inherit = ["md.workflow.mixin"]
    _order = "plan_id, partner_id, product_id"

    # The switching rules move the severity (ISO 2859-1 9.3); a quality manager only resumes
    # tightened inspection after a discontinuation (9.4).
    _md_state_field = "severity"
    _md_transition_fields = ("switching_score", "changed_at")
    _md_create_only_fields = ("plan_id", "partner_id", "product_id")

    plan_id = fields.Many2one("md.quality.inspection.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Supplier", index=True, ondelete="cascade")
    product_id = fields.Many2one("product.product", required=True, index=True, ondelete="cascade")
    severity = fields.Selection(
        SEVERITIES,
        required=True,
        default="normal",
        help="Discontinued (ISO 2859-1 9.4): five lots not accepted on tightened inspection. Every unit is "
        "inspected until the supplier has improved and a quality manager sets the state back to Tightened.",
    )
    switching_score = fields.Integer(help="ISO 2859-1 9.3.3.2: reduced inspection is possible from 30.")
    changed_at = fields.Datetime(string="Last Switch")

    _sql_constraints = [
        (
            "plan_partner_product_unique",
            "unique(plan_id, partner_id, product_id)",
            "There is already a switching state for this plan, supplier and product.",
        ),
    ]

    @api.model
    def _md_current(self, keys):
        """``{(plan_id, partner_id or False, product_id): severity}`` for
        ``keys`` = [(plan, partner or None, product)], one query."""
        keys = {(plan.id, partner.id if partner else False, product.id) for plan, partner, product in keys}
        states = self.search(
            [("plan_id", "in", [key[0] for key in keys]), ("product_id", "in", [key[2] for key in keys])]
        )
        found = {(s.plan_id.id, s.partner_id.id, s.product_id.id): s.severity for s in states}
        return {key: found.get(key, "normal") for key in keys}

    @api.model
    def _md_update_from(self, inspections):
        """Apply the switching rules after decisions of ISO 2859-1 sampled
        inspections: the lots decided since the last switch (oldest first)
        decide the next severity. Inspections not sampled by the plan's ISO
        2859-1 table (no code letter: created by hand, re-inspections) are
        not original inspections and do not count (clause 9.3)."""
        sampled = inspections.filtered("code_letter").sorted("id")
        for plan, partner, product in dict.fromkeys((i.plan_id, i.partner_id, i.product_id) for i in sampled):
            if plan.sampling_method != "iso2859":
                continue
            state = self.search(
                [("plan_id", "=", plan.id), ("partner_id", "=", partner.id), ("product_id", "=", product.id)],
                limit=1,
            ) or self.create({"plan_id": plan.id, "partner_id": partner.id, "product_id": product.id})
            score = state.switching_score
            for inspection in sampled.filtered(
                lambda i, key=(plan, partner, product): (i.plan_id, i.partner_id, i.product_id) == key
            ):
                normal_plan = inspection._md_sampling_plan()
                if inspection.severity == "normal" and normal_plan == iso2859.sampling_plan(
                    max(round(inspection.quantity), 1), plan.inspection_level, float(plan.aql)
                ):
                    score = iso2859.update_switching_score(
                        score, normal_plan, float(plan.aql), inspection.defect_count
                    )
            history = [
                i._md_lot_decision() for i in self._md_decided_since(plan, partner, product, state.changed_at)
            ]
            severity = iso2859.next_severity(state.severity, history, switching_score=score)
            vals = {"switching_score": score}
            if severity != state.severity:
                vals.update(severity=severity, changed_at=fields.Datetime.now(), switching_score=0)
            state._md_write_transition(vals)

    def action_md_resume_tightened(self):
        """ISO 2859-1 9.4: after a discontinuation, inspection resumes under tightened
        inspection once the responsible authority is satisfied the supplier improved."""
        if not self.env.user.has_group("md_base.group_md_quality_manager"):
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
