from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

APPROVED = "approved"
VALID_STATES = ("approved", "conditional")


class MdQualitySupplierApproval(models.Model):
    """An entry of the approved supplier list (ISO 13485 7.4.1: suppliers are
    evaluated and selected on their ability to supply product meeting the
    requirements; records of the evaluation and of the actions it calls for).

    One entry approves one supplier for one product or a product category
    (and its sub-categories). Approving is a signed decision of the quality
    manager: the state becomes approved or conditional only through an
    electronic signature with the meaning "approved" (21 CFR 11.50), and a
    change of the approved scope voids that signature and returns the entry
    to pending re-evaluation.
    """

    _name = "md.quality.supplier.approval"
    _description = "Approved Supplier List Entry"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.signable.mixin", "md.workflow.mixin"]
    _order = "partner_id, product_tmpl_id, categ_id, id"

    _md_signed_fields = [
        "partner_id",
        "product_tmpl_id",
        "categ_id",
        "decision",
        "valid_until",
        "scope_notes",
        "full_incoming_inspection",
        "company_id",
    ]
    _md_sign_on_change = "void"
    # In force only by the approval signature; out of force by disqualification or a voided
    # signature; the rating comes from the periodic evaluation.
    _md_transition_fields = (
        "disqualification_reason",
        "rating_inspection_count",
        "rating_pass_rate",
        "rating_receipt_count",
        "rating_on_time_rate",
        "rating_score",
        "rating_grade",
        "rating_date",
    )

    partner_id = fields.Many2one(
        "res.partner",
        "Supplier",
        required=True,
        tracking=True,
        index=True,
        domain="[('parent_id', '=', False)]",
        help="The supplier company (its contacts share its approval).",
    )
    product_tmpl_id = fields.Many2one(
        "product.template", "Product", tracking=True, index=True, ondelete="restrict"
    )
    categ_id = fields.Many2one(
        "product.category",
        "Product Category",
        tracking=True,
        ondelete="restrict",
        help="Approves the supplier for every product of this category and its sub-categories.",
    )
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("approved", "Approved"),
            ("conditional", "Conditional"),
            ("disqualified", "Disqualified"),
        ],
        default="pending",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
    )
    decision = fields.Selection(
        [("approved", "Approved"), ("conditional", "Conditional")],
        "Proposed Decision",
        default="approved",
        required=True,
        tracking=True,
        help="What the approval signature decides: full or conditional approval "
        "(purchases pass with a warning).",
    )
    valid_until = fields.Date(
        tracking=True, help="Re-evaluation due date (ISO 13485 7.4.1); empty: no fixed end."
    )
    scope_notes = fields.Text(
        "Scope and Conditions", help="What the approval covers, its conditions and the evaluation basis."
    )
    full_incoming_inspection = fields.Boolean(
        "Requires 100% Incoming Inspection",
        tracking=True,
        help="Condition of a conditional approval: every unit received from the supplier in this scope is "
        "inspected (no sampling), on the product's incoming plan tightened to 100 % or, without one, on a "
        "100 % incoming inspection of its own (ISO 13485 7.4.1, 7.4.3). Part of the signed decision.",
    )
    disqualification_reason = fields.Text(readonly=True, tracking=True, copy=False)
    is_valid_today = fields.Boolean(
        "Valid Today", compute="_compute_is_valid_today", search="_search_is_valid_today"
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True)

    # Supplier rating (ISO 13485 7.4.1 re-evaluation), written by _md_compute_supplier_ratings().
    rating_inspection_count = fields.Integer("Rated Inspections", readonly=True, copy=False)
    rating_pass_rate = fields.Float("Incoming Pass Rate (%)", readonly=True, copy=False, digits=(5, 1))
    rating_receipt_count = fields.Integer("Rated Receipts", readonly=True, copy=False)
    rating_on_time_rate = fields.Float("On-Time Delivery (%)", readonly=True, copy=False, digits=(5, 1))
    rating_score = fields.Float(readonly=True, copy=False, digits=(5, 1))
    rating_grade = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D"), ("none", "Not Rated")],
        default="none",
        readonly=True,
        copy=False,
        tracking=True,
    )
    rating_date = fields.Datetime("Rated On", readonly=True, copy=False)

    @api.depends("partner_id", "product_tmpl_id", "categ_id")
    def _compute_display_name(self):
        for approval in self:
            scope = approval.product_tmpl_id.display_name or approval.categ_id.display_name or ""
            approval.display_name = f"{approval.partner_id.display_name or ''} / {scope}"

    @api.depends("state", "valid_until")
    @api.depends_context("tz")
    def _compute_is_valid_today(self):
        today = fields.Date.context_today(self)
        for approval in self:
            approval.is_valid_today = approval.state in VALID_STATES and (
                not approval.valid_until or approval.valid_until >= today
            )

    def _search_is_valid_today(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Valid Today."))
        domain = self._md_valid_domain()
        positive = (operator == "=") == value
        return domain if positive else ["!", *domain]

    @api.model
    def _md_valid_domain(self):
        today = fields.Date.context_today(self)
        return [
            ("state", "in", VALID_STATES),
            "|",
            ("valid_until", "=", False),
            ("valid_until", ">=", today),
        ]

    @api.constrains("partner_id", "product_tmpl_id", "categ_id")
    def _check_scope(self):
        for approval in self:
            if bool(approval.product_tmpl_id) == bool(approval.categ_id):
                raise ValidationError(
                    self.env._(
                        "Approved supplier entry %s: give either a product or a product category.",
                        approval.display_name,
                    )
                )

    @api.constrains("decision", "full_incoming_inspection")
    def _check_full_incoming_inspection(self):
        unconditional = self.filtered(lambda a: a.full_incoming_inspection and a.decision != "conditional")
        if unconditional:
            raise ValidationError(
                self.env._(
                    "100%% incoming inspection is a condition: only a conditional approval requires it (%s).",
                    ", ".join(unconditional.mapped("display_name")),
                )
            )

    @api.constrains("partner_id")
    def _check_partner_is_company(self):
        contacts = self.filtered(lambda approval: approval.partner_id.parent_id)
        if contacts:
            raise ValidationError(
                self.env._(
                    "Approve the supplier company, not its contact: %s",
                    ", ".join(contacts.mapped("partner_id.display_name")),
                )
            )

    # --- approval by signature ------------------------------------------------

    def _md_check_signable(self, meaning):
        if meaning == APPROVED:
            current = self.filtered(lambda approval: approval.state in VALID_STATES)
            if current:
                raise UserError(
                    self.env._(
                        "These supplier approvals are already in force: %s",
                        ", ".join(current.mapped("display_name")),
                    )
                )
        return super()._md_check_signable(meaning)

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        approved = self.browse(signatures.filtered(lambda s: s.meaning == APPROVED).mapped("res_id"))
        for approval in approved:
            approval.sudo()._md_write_transition(
                {"state": approval.decision, "disqualification_reason": False}
            )
        return result

    def _md_check_signed_content(self):
        result = super()._md_check_signed_content()
        # A changed scope voided the approval signature: the entry needs re-evaluation.
        signed_ids = set(self._md_valid_signatures(APPROVED).mapped("res_id"))
        lapsed = self.filtered(lambda a: a.state in VALID_STATES and a.id not in signed_ids)
        if lapsed:
            lapsed.sudo()._md_write_transition({"state": "pending"})
        return result

    def action_disqualify(self, reason=None):
        """Disqualify the supplier for this scope: purchases are refused at once."""
        if not reason:
            raise UserError(self.env._("Give the reason for disqualifying the supplier."))
        self.check_access("write")
        # The approval no longer stands: its signatures are voided, visibly (21 CFR 11.70).
        self._md_valid_signatures(APPROVED)._md_void(self.env._("Supplier disqualified: %s", reason))
        self.invalidate_recordset(["md_signature_ids", "md_signature_state"])
        self.sudo()._md_write_transition({"state": "disqualified", "disqualification_reason": reason})
        return True

    def action_open_disqualify_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Disqualify %s", self.display_name),
            "res_model": "md.quality.supplier.disqualify.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_approval_id": self.id},
        }

    # --- purchase gate (ISO 13485 7.4.1) -------------------------------------

    def _md_covers(self, product):
        """Whether this entry covers ``product`` (its template or a category above it)."""
        self.ensure_one()
        if self.product_tmpl_id:
            return self.product_tmpl_id == product.product_tmpl_id
        return product.categ_id.parent_path.startswith(self.categ_id.parent_path)

    @api.model
    def _md_full_inspection_approval(self, approvals, partner, product, company):
        """The conditional approval among ``approvals`` (valid today) that requires 100 % incoming
        inspection of ``product`` from ``partner`` in ``company``, if any."""
        for approval in approvals:
            if (
                approval.state == "conditional"
                and approval.full_incoming_inspection
                and approval.partner_id == partner.commercial_partner_id
                and approval.company_id == company
                and approval._md_covers(product)
            ):
                return approval
        return approvals.browse()

    @api.model
    def _md_valid_approvals(self, partners, companies):
        """The entries valid today for these supplier companies, in one query."""
        return (
            self.sudo()
            .with_context(active_test=True)
            .search(
                [
                    ("partner_id", "in", partners.commercial_partner_id.ids),
                    ("company_id", "in", companies.ids),
                    *self._md_valid_domain(),
                ]
            )
        )
