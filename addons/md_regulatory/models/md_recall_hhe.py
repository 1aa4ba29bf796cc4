from odoo import api, fields, models
from odoo.exceptions import UserError

from .md_recall import FDA_CLASSES

APPROVED = "approved"
# 21 CFR 7.41(a)(4): the degree of seriousness of the health hazard; 7.3(m) words the classes.
SERIOUSNESS = [
    ("serious", "Serious adverse health consequences or death"),
    ("temporary", "Temporary or medically reversible adverse health consequences"),
    ("none", "Not likely to cause adverse health consequences"),
]
# 21 CFR 7.41(a)(5): the likelihood of occurrence of the hazard.
LIKELIHOOD = [("reasonable", "Reasonable probability"), ("remote", "Remote"), ("unlikely", "Unlikely")]
# The factors of 21 CFR 7.41(a)(1)-(6) an evaluation must address before it is approved.
FACTOR_FIELDS = (
    "injuries_occurred",
    "contributing_conditions",
    "populations_at_risk",
    "seriousness",
    "likelihood",
    "consequences",
)


class MdRecallHhe(models.Model):
    """The health hazard evaluation of a recall along the factors of 21 CFR 7.41(a)(1)-(6),
    concluding on the class (7.3(m)) and on whether the correction or removal reduces a risk
    to health, so must be reported (806.10(a)) or, if not, recorded with the justification
    reviewed by a designated person (806.20(b)(4)). Approved by e-signature by someone other
    than its author; then read-only."""

    _name = "md.recall.hhe"
    _description = "Recall Health Hazard Evaluation"
    _inherit = ["mail.thread", "md.signable.mixin", "md.workflow.mixin"]
    _order = "recall_id, id desc"

    _md_transition_fields = ("approved_at", "approved_by_id")
    _md_create_only_fields = ("recall_id",)
    _md_closed_states = ("approved",)
    _md_deletable_states = ("draft",)
    _md_signed_fields = [
        "recall_id",
        *FACTOR_FIELDS,
        "proposed_class",
        "risk_to_health",
        "not_reported_justification",
        "conclusion",
    ]
    _md_sign_on_change = "refuse"

    recall_id = fields.Many2one("md.recall", required=True, ondelete="restrict", index=True)
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    injuries_occurred = fields.Text(
        string="Disease or Injuries Occurred",
        tracking=True,
        help="21 CFR 7.41(a)(1): whether any disease or injuries have already occurred from the use of "
        "the product (with the MDR report numbers, if any).",
    )
    contributing_conditions = fields.Text(
        tracking=True,
        help="21 CFR 7.41(a)(2): whether any existing conditions could contribute to a clinical situation "
        "that could expose humans to a health hazard.",
    )
    populations_at_risk = fields.Text(
        string="Populations at Risk",
        tracking=True,
        help="21 CFR 7.41(a)(3): the hazard to the segments of the population expected to be exposed, "
        "in particular those at greatest risk.",
    )
    seriousness = fields.Selection(
        SERIOUSNESS, tracking=True, help="21 CFR 7.41(a)(4): the degree of seriousness of the health hazard."
    )
    likelihood = fields.Selection(
        LIKELIHOOD, tracking=True, help="21 CFR 7.41(a)(5): the likelihood of occurrence of the hazard."
    )
    consequences = fields.Text(
        tracking=True, help="21 CFR 7.41(a)(6): the consequences (immediate or long-range) of the hazard."
    )
    indicated_class = fields.Selection(
        FDA_CLASSES,
        compute="_compute_indicated_class",
        help="The class the seriousness and likelihood indicate (21 CFR 7.3(m)).",
    )
    proposed_class = fields.Selection(FDA_CLASSES, string="Concluded Class", tracking=True)
    risk_to_health = fields.Boolean(
        string="Reduces a Risk to Health",
        default=True,
        tracking=True,
        help="21 CFR 806.10(a): the correction or removal is initiated to reduce a risk to health posed by "
        "the device, or to remedy a violation that may present one: it is reported to FDA. Unchecked: it "
        "is recorded under 806.20 with the justification below.",
    )
    not_reported_justification = fields.Text(
        string="Justification for Not Reporting",
        tracking=True,
        help="21 CFR 806.20(b)(4): the justification for not reporting the correction or removal to FDA, "
        "with its conclusions and follow-ups, reviewed and evaluated by a designated person (the signer).",
    )
    conclusion = fields.Text(tracking=True)
    approved_at = fields.Datetime(readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)

    @api.depends("recall_id.reference")
    def _compute_display_name(self):
        for hhe in self:
            hhe.display_name = self.env._(
                "HHE %(recall)s #%(id)s", recall=hhe.recall_id.reference or "", id=hhe._origin.id or ""
            )

    @api.depends("seriousness", "likelihood")
    def _compute_indicated_class(self):
        for hhe in self:
            if hhe.seriousness == "serious" and hhe.likelihood == "reasonable":
                hhe.indicated_class = "1"
            elif hhe.seriousness in ("serious", "temporary"):
                hhe.indicated_class = "2"
            elif hhe.seriousness == "none":
                hhe.indicated_class = "3"
            else:
                hhe.indicated_class = False

    def _md_labels(self, field_name):
        return dict(self._fields[field_name]._description_selection(self.env)).get(self[field_name], "")

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        closed = records.recall_id.filtered(lambda recall: recall.state == "closed")
        if closed:
            raise UserError(
                self.env._(
                    "%s is closed: no new health hazard evaluation.", ", ".join(closed.mapped("display_name"))
                )
            )
        return records

    def _md_check_signable(self, meaning):
        if meaning == APPROVED:
            self._md_check_state(("draft",), self.env._("Approving the health hazard evaluation"))
            for hhe in self:
                missing = [name for name in (*FACTOR_FIELDS, "proposed_class") if not hhe[name]]
                if missing:
                    raise UserError(
                        self.env._(
                            "%(hhe)s does not address every factor of 21 CFR 7.41(a) yet: %(fields)s.",
                            hhe=hhe.display_name,
                            fields=self._md_field_labels(missing),
                        )
                    )
                if not hhe.risk_to_health and not (hhe.not_reported_justification or "").strip():
                    raise UserError(
                        self.env._(
                            "%s concludes the correction or removal is not reported to FDA: give the "
                            "justification (21 CFR 806.20(b)(4)).",
                            hhe.display_name,
                        )
                    )
                if hhe.recall_id.state == "closed":
                    raise UserError(self.env._("%s is closed.", hhe.recall_id.display_name))
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        approved = self.browse(signatures.filtered(lambda s: s.meaning == APPROVED).mapped("res_id"))
        for hhe in approved:
            hhe._md_write_transition(
                {"state": "approved", "approved_at": fields.Datetime.now(), "approved_by_id": self.env.uid}
            )
            hhe.recall_id._md_note(
                body=self.env._(
                    "Health hazard evaluation approved: %(class)s, %(report)s.",
                    **{
                        "class": hhe._md_labels("proposed_class"),
                        "report": self.env._("reported to FDA (21 CFR 806.10)")
                        if hhe.risk_to_health
                        else self.env._("recorded, not reported (21 CFR 806.20)"),
                    },
                )
            )
        return result

    def action_approve(self):
        """The Approve button opens the signing dialog: approval is the signature 'approved'."""
        self._md_check_signable(APPROVED)
        return self.action_md_sign()
