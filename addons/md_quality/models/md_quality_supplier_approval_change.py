from odoo import api, fields, models
from odoo.exceptions import UserError

APPROVED = "approved"
OPEN_NOTICE_STATES = ("received", "assessment")


class MdQualitySupplierApproval(models.Model):
    """Supplier change notices on the approved supplier list (ISO 13485:2016 7.4.1 re-evaluation,
    7.4.2 notified changes): an entry in force that covers a product of a notice under assessment
    is pending re-qualification, outside the valid states, so the purchase gate refuses it like
    any entry not approved; accepting the change restores it, a new approval signature
    re-qualifies it after a rejection."""

    _inherit = "md.quality.supplier.approval"  # pylint: disable=consider-merging-classes-inherited

    state = fields.Selection(
        selection_add=[("pending",), ("requalification", "Pending Re-qualification")],
        ondelete={"requalification": "set default"},
    )
    supplier_change_ids = fields.Many2many(
        "md.quality.supplier.change",
        string="Supplier Change Notices",
        compute="_compute_supplier_change_ids",
        help="The notices that put this entry back to pending re-qualification.",
    )
    open_supplier_change_count = fields.Integer(
        "Open Change Notices",
        compute="_compute_open_supplier_change_count",
        help="The supplier's change notices received or under assessment in this company.",
    )

    @api.depends_context("uid")
    def _compute_supplier_change_ids(self):
        notices = self.env["md.quality.supplier.change"].sudo().search([("approval_ids", "in", self.ids)])
        for approval in self:
            approval.supplier_change_ids = notices.filtered(lambda n, a=approval: a in n.approval_ids).ids

    @api.depends("partner_id", "company_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_open_supplier_change_count(self):
        groups = self.env["md.quality.supplier.change"]._read_group(
            [("partner_id", "in", self.partner_id.ids), ("state", "in", OPEN_NOTICE_STATES)],
            ["partner_id", "company_id"],
            ["__count"],
        )
        counts = {(partner.id, company.id): count for partner, company, count in groups}
        for approval in self:
            approval.open_supplier_change_count = counts.get(
                (approval.partner_id.id, approval.company_id.id), 0
            )

    def action_view_supplier_changes(self):
        self.ensure_one()
        return self.partner_id.action_md_view_supplier_changes()

    # --- the transitions a change notice makes ---------------------------------------------

    def _md_put_back_for_change(self, notice):
        """Back to pending re-qualification while ``notice`` is assessed: out of force at once."""
        if not self:
            return
        self.sudo()._md_write_transition({"state": "requalification"})
        for approval in self.sudo():
            approval.message_post(
                body=self.env._(
                    "Pending re-qualification: the supplier notified a change (%s) under assessment.",
                    notice.name,
                )
            )

    def _md_restore_after_change(self, notice):
        """The change is accepted: back in force on its approval signature, or pending when that
        signature no longer stands (its scope changed meanwhile)."""
        signed = set(self._md_valid_signatures(APPROVED).mapped("res_id"))
        for approval in self.sudo():
            state = approval.decision if approval.id in signed else "pending"
            approval._md_write_transition({"state": state})
            approval.message_post(
                body=self.env._(
                    "Supplier change %(notice)s accepted: %(state)s.",
                    notice=notice.name,
                    state=approval._md_state_label(state),
                )
            )

    def _md_void_after_rejected_change(self, notice):
        """The change is rejected: the approval no longer stands for what the supplier now makes.
        Its signatures are voided visibly (21 CFR 11.70) and the entry stays pending
        re-qualification until a new approval signature (ISO 13485 7.4.1 re-evaluation)."""
        reason = self.env._("Supplier change %s rejected", notice.name)
        self._md_valid_signatures(APPROVED)._md_void(reason)
        self.invalidate_recordset(["md_signature_ids", "md_signature_state"])
        for approval in self.sudo():
            approval.message_post(
                body=self.env._(
                    "Supplier change %s rejected: the approval is voided and stays pending re-qualification "
                    "until the supplier is approved again.",
                    notice.name,
                )
            )

    def _md_check_signable(self, meaning):
        if meaning == APPROVED:
            self._md_check_no_open_change()
        return super()._md_check_signable(meaning)

    def _md_check_no_open_change(self):
        """Not re-approved while a change notice covering the entry is under assessment: the
        evaluation waits for the change's (ISO 13485 7.4.1)."""
        notices = (
            self.env["md.quality.supplier.change"]
            .sudo()
            .search(
                [
                    ("state", "=", "assessment"),
                    ("partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                ]
            )
        )
        for approval in self:
            covering = notices.filtered(
                lambda notice, a=approval: (
                    notice.partner_id == a.partner_id
                    and notice.company_id == a.company_id
                    and (a in notice.approval_ids or any(a._md_covers(p) for p in notice.product_ids))
                )
            )
            if covering:
                raise UserError(
                    self.env._(
                        "%(approval)s cannot be approved while the supplier change notice %(notices)s is "
                        "under assessment: accept or reject the change first.",
                        approval=approval.display_name,
                        notices=", ".join(covering.mapped("name")),
                    )
                )


class ResPartner(models.Model):
    _inherit = "res.partner"

    md_supplier_change_count = fields.Integer(
        "Open Supplier Change Notices", compute="_compute_md_supplier_change_count"
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_md_supplier_change_count(self):
        if not self.env["md.quality.supplier.change"].has_access("read"):
            self.md_supplier_change_count = 0
            return
        counts = dict(
            self.env["md.quality.supplier.change"]._read_group(
                [("partner_id", "in", self.ids), ("state", "in", OPEN_NOTICE_STATES)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.md_supplier_change_count = counts.get(partner, 0)

    def action_md_view_supplier_changes(self):
        self.ensure_one()
        supplier = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change Notices of %s", supplier.display_name),
            "res_model": "md.quality.supplier.change",
            "view_mode": "list,kanban,form",
            "domain": [("partner_id", "=", supplier.id)],
            "context": {"default_partner_id": supplier.id, "search_default_open": 1},
        }


class MdQualityChange(models.Model):
    _inherit = "md.quality.change"

    supplier_change_ids = fields.One2many(
        "md.quality.supplier.change", "change_id", string="Supplier Change Notices", readonly=True
    )
