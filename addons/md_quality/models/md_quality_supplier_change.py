from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .md_quality_supplier_approval import VALID_STATES

STATES = [
    ("received", "Received"),
    ("assessment", "Assessment"),
    ("accepted", "Change Accepted"),
    ("rejected", "Change Rejected"),
    ("closed", "Closed (No Impact)"),
]
OPEN_STATES = ("received", "assessment")
# The SQE decision is a signature with one of these meanings (21 CFR 11.50: the meaning is part
# of the record); accepting a change that does not affect our devices closes the notice.
ACCEPTED = "approved"
REJECTED = "rejected"
DECISIONS = (ACCEPTED, REJECTED)
# Approved change requests: the effect of the supplier's change on our devices was assessed and
# approved under change control before we accept the change (ISO 13485 7.3.9, 7.4.1).
APPROVED_CHANGE_STATES = ("implementation", "effective")


class MdQualitySupplierChange(models.Model):
    """A supplier's change notice (ISO 13485:2016 7.4.2: the supplier notifies changes to the
    purchased product before implementing them; 7.4.1: the supplier's approval is re-evaluated;
    former 21 CFR 820.50(b): notified changes are assessed for their effect on the finished device).

    Received, then assessed by supplier quality: from the start of the assessment the approved
    supplier list entries in force that cover the affected products are back to pending
    re-qualification, so purchases of those products from the supplier are refused until a quality
    manager accepts the change by e-signature (the entries are restored) or rejects it (they stay
    blocked until the supplier is approved again). A change that affects our devices goes through
    change control: its change request is approved before the supplier's change is accepted.
    """

    _name = "md.quality.supplier.change"
    _description = "Supplier Change Notice"
    _inherit = ["mail.thread", "mail.activity.mixin", "md.workflow.mixin", "md.signable.mixin"]
    _order = "date_received desc, id desc"
    _rec_names_search = ["name", "supplier_reference", "partner_id"]

    _md_signed_fields = [
        "partner_id",
        "company_id",
        "change_type",
        "description",
        "planned_date",
        "product_ids",
        "affects_devices",
        "assessment",
        "risk",
        "change_id",
    ]
    # Signed only by the decision, which closes the notice.
    _md_sign_on_change = "refuse"
    _md_transition_fields = ("change_id", "approval_ids", "decision_by_id", "decision_on", "decision_reason")
    _md_create_only_fields = ("name", "company_id")
    _md_closed_states = ("accepted", "rejected", "closed")
    # The entries put back follow the supplier and the products: both are fixed once the assessment
    # starts; the assessment is written during the assessment only.
    _md_field_states = {
        "partner_id": ("received",),
        "product_ids": ("received",),
        "change_type": OPEN_STATES,
        "description": OPEN_STATES,
        "supplier_reference": OPEN_STATES,
        "date_received": OPEN_STATES,
        "planned_date": OPEN_STATES,
        "affects_devices": ("assessment",),
        "assessment": ("assessment",),
        "risk": ("assessment",),
    }

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default=lambda self: self.env._("New")
    )
    state = fields.Selection(STATES, default="received", required=True, index=True, tracking=True, copy=False)
    partner_id = fields.Many2one(
        "res.partner",
        "Supplier",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
        help="The supplier company that notified the change.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        "Supplier Quality Engineer",
        tracking=True,
        default=lambda self: self.env.user,
        help="Who assesses the notice.",
    )
    supplier_reference = fields.Char("Supplier's Reference", tracking=True)
    change_type = fields.Selection(
        [
            ("material", "Material"),
            ("process", "Process"),
            ("site", "Manufacturing Site"),
            ("sub_supplier", "Sub-Supplier"),
            ("other", "Other"),
        ],
        "Type of Change",
        required=True,
        tracking=True,
    )
    description = fields.Text("Change Notified", required=True, tracking=True)
    date_received = fields.Date(required=True, tracking=True, default=fields.Date.context_today)
    planned_date = fields.Date(
        "Planned Implementation", tracking=True, help="When the supplier plans to implement the change."
    )
    product_ids = fields.Many2many(
        "product.product",
        "md_quality_supplier_change_product_rel",
        "notice_id",
        "product_id",
        string="Affected Products",
        help="The products bought from the supplier that the change concerns.",
    )
    affects_devices = fields.Selection(
        [("yes", "Yes"), ("no", "No")],
        "Affects Our Devices",
        tracking=True,
        help="Outcome of the assessment: whether the change may affect the quality, safety or performance "
        "of our devices (then a change request assesses and approves its effects).",
    )
    assessment = fields.Text(help="Effect on specifications, validation, biocompatibility, registrations...")
    risk = fields.Selection([("low", "Low"), ("medium", "Medium"), ("high", "High")], tracking=True)
    change_id = fields.Many2one(
        "md.quality.change", "Change Request", readonly=True, copy=False, index=True, tracking=True
    )
    change_state = fields.Selection(related="change_id.state", string="Change Request Status")
    approval_ids = fields.Many2many(
        "md.quality.supplier.approval",
        "md_quality_supplier_change_approval_rel",
        "notice_id",
        "approval_id",
        string="Approvals Put Back",
        readonly=True,
        copy=False,
        help="The approved supplier list entries this notice put back to pending re-qualification.",
    )
    approval_count = fields.Integer(compute="_compute_approval_count")
    decision_by_id = fields.Many2one("res.users", "Decided By", readonly=True, copy=False)
    decision_on = fields.Datetime("Decided On", readonly=True, copy=False)
    decision_reason = fields.Text(readonly=True, copy=False)

    @api.depends("approval_ids")
    def _compute_approval_count(self):
        for notice in self:
            notice.approval_count = len(notice.approval_ids)

    @api.constrains("partner_id")
    def _check_partner_is_company(self):
        contacts = self.filtered(lambda notice: notice.partner_id.parent_id)
        if contacts:
            raise ValidationError(
                self.env._(
                    "Record the notice of the supplier company, not of its contact: %s",
                    ", ".join(contacts.mapped("partner_id.display_name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "md.quality.supplier.change"
                ) or self.env._("New")
        return super().create(vals_list)

    # --- assessment ------------------------------------------------------------

    def action_start_assessment(self):
        """Assessment starts: the entries in force for the affected products go back to pending
        re-qualification at once, before anything changed is bought (ISO 13485 7.4.1, 7.4.2)."""
        self.check_access("write")
        self._md_check_state(("received",), self.env._("Starting the assessment"))
        empty = self.filtered(lambda notice: not notice.product_ids)
        if empty:
            raise UserError(
                self.env._("Give the products affected by %s before assessing it.", empty._md_names())
            )
        for notice in self:
            approvals = notice._md_approvals_to_hold()
            notice._md_write_transition({"state": "assessment", "approval_ids": [Command.set(approvals.ids)]})
            approvals.filtered(lambda a: a.state in VALID_STATES)._md_put_back_for_change(notice)
        return True

    def _md_approvals_to_hold(self):
        """The supplier's entries in the notice's company that cover an affected product (its own
        entry or one of a category above it), in force or already held by another notice: this
        notice holds them too, until its own decision (one query)."""
        self.ensure_one()
        return (
            self.env["md.quality.supplier.approval"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("state", "in", (*VALID_STATES, "requalification")),
                    "|",
                    ("product_tmpl_id", "in", self.product_ids.product_tmpl_id.ids),
                    ("categ_id", "parent_of", self.product_ids.categ_id.ids),
                ]
            )
        )

    def action_create_change_request(self):
        """A change that affects our devices is assessed and approved under change control
        (ISO 13485 7.3.9, 7.4.1): the change request starts from the notice."""
        self.ensure_one()
        self.check_access("write")
        self._md_check_state(("assessment",), self.env._("Creating a change request"))
        if self.affects_devices != "yes":
            raise UserError(
                self.env._("%s does not affect our devices: no change request is needed.", self.name)
            )
        if self.change_id:
            raise UserError(self.env._("%s already has a change request.", self.name))
        change = self.env["md.quality.change"].create(self._md_change_request_values())
        self._md_write_transition({"change_id": change.id})
        change.message_post(body=self.env._("Created from the supplier change notice %s.", self.name))
        return self.action_view_change_request()

    def _md_change_request_values(self):
        self.ensure_one()
        return {
            "title": self.env._(
                "Supplier change %(notice)s: %(supplier)s", notice=self.name, supplier=self.partner_id.name
            ),
            "change_type": "material",
            "company_id": self.company_id.id,
            "description": self.description,
            "reason": self.env._(
                "Change notified by the supplier %(supplier)s (%(type)s), planned for %(date)s.",
                supplier=self.partner_id.name,
                type=dict(self._fields["change_type"]._description_selection(self.env))[self.change_type],
                date=self.planned_date or self.env._("a date not given"),
            ),
            "impact_summary": self.assessment,
            "product_tmpl_ids": [Command.set(self.product_ids.product_tmpl_id.ids)],
            "supplier_ids": [Command.set(self.partner_id.ids)],
        }

    def action_view_change_request(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change Request"),
            "res_model": "md.quality.change",
            "view_mode": "form",
            "res_id": self.change_id.id,
        }

    def action_view_approvals(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approvals Put Back"),
            "res_model": "md.quality.supplier.approval",
            "view_mode": "list,form",
            "domain": [("id", "in", self.approval_ids.ids)],
        }

    # --- decision by e-signature ---------------------------------------------

    def action_accept(self):
        """Open the signing dialog with the meaning "approved" (the SQE accepts the change)."""
        self.ensure_one()
        self._md_check_signable(ACCEPTED)
        return self._md_sign_action("md_base.md_signature_meaning_approved")

    def action_reject(self):
        self.ensure_one()
        self._md_check_signable(REJECTED)
        return self._md_sign_action("md_quality.md_signature_meaning_rejected")

    def _md_sign_action(self, meaning_xmlid):
        action = self.action_md_sign()
        action["context"]["default_meaning_id"] = self.env.ref(meaning_xmlid).id
        return action

    def _md_check_signable(self, meaning):
        if meaning in DECISIONS:
            self._md_check_state(("assessment",), self.env._("Deciding on a supplier change"))
            for notice in self:
                notice._md_check_assessed(meaning)
        return super()._md_check_signable(meaning)

    def _md_check_assessed(self, meaning):
        """The decision rests on a recorded assessment (ISO 13485 7.4.1: records of the evaluation
        and of the actions it calls for); accepting a change that affects our devices needs its
        approved change request."""
        self.ensure_one()
        missing = []
        if not self.affects_devices:
            missing.append(self.env._("whether it affects our devices"))
        if not (self.assessment or "").strip():
            missing.append(self.env._("the assessment"))
        if self.affects_devices == "yes" and not self.risk:
            missing.append(self.env._("the risk"))
        if missing:
            raise UserError(
                self.env._(
                    "Complete the assessment of %(notice)s: %(missing)s.",
                    notice=self.name,
                    missing=", ".join(missing),
                )
            )
        approved_change = self.change_id.state in APPROVED_CHANGE_STATES
        if meaning == ACCEPTED and self.affects_devices == "yes" and not approved_change:
            raise UserError(
                self.env._(
                    "%s affects our devices: its change request must be approved before the change "
                    "is accepted.",
                    self.name,
                )
            )

    def _md_on_signed(self, signatures):
        result = super()._md_on_signed(signatures)
        for signature in signatures.filtered(lambda s: s.meaning in DECISIONS):
            self.browse(signature.res_id)._md_decide(signature)
        return result

    def _md_decide(self, signature):
        """The signed transition: accepted (or closed without impact) restores the entries put
        back, unless another notice still holds them; rejected leaves them blocked, their approval
        voided, until a new approval signature re-qualifies the supplier."""
        self.ensure_one()
        self._md_check_required_signature(signature.meaning)
        if signature.meaning == REJECTED:
            state = "rejected"
        else:
            state = "accepted" if self.affects_devices == "yes" else "closed"
        self.sudo()._md_write_transition(
            {
                "state": state,
                "decision_by_id": signature.signer_id.id,
                "decision_on": signature.signed_at,
                "decision_reason": signature.reason,
            }
        )
        if signature.meaning == ACCEPTED:
            held = self.approval_ids.filtered(lambda approval: approval.state == "requalification")
            (held - self._md_still_held(held))._md_restore_after_change(self)
        else:
            held = self.approval_ids.filtered(lambda approval: approval.state == "requalification")
            held._md_void_after_rejected_change(self)

    def _md_still_held(self, approvals):
        """The entries another notice under assessment still holds."""
        others = self.sudo().search(
            [("id", "not in", self.ids), ("approval_ids", "in", approvals.ids), ("state", "=", "assessment")]
        )
        return approvals & others.approval_ids
