from odoo import fields, models


class ResPartner(models.Model):
    """Licences and first-time supplier approval (首营企业) of a partner,
    shown on its form (ISO 13485 7.4.1; China GSP)."""

    _inherit = "res.partner"

    md_licence_ids = fields.One2many(
        "md.partner.licence", "partner_id", string="Licences", groups="md_base.group_md_user"
    )
    md_licence_count = fields.Integer(compute="_compute_md_licence_count", groups="md_base.group_md_user")
    md_qualification_ids = fields.One2many(
        "md.partner.qualification",
        "partner_id",
        string="First-time Approvals",
        groups="md_base.group_md_user",
    )
    md_qualification_state = fields.Selection(
        [("none", "Not Qualified"), ("draft", "Approval Pending"), ("approved", "Approved")],
        string="Supplier Approval (首营)",
        compute="_compute_md_qualification_state",
        help="The first-time supplier approval in the current company.",
        groups="md_base.group_md_user",
    )

    def _compute_md_licence_count(self):
        counts = dict(
            self.env["md.partner.licence"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.md_licence_count = counts.get(partner, 0)

    def _compute_md_qualification_state(self):
        qualifications = self.env["md.partner.qualification"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                ("state", "in", ("draft", "approved")),
            ]
        )
        for partner in self:
            states = set(
                qualifications.filtered(lambda q, p=partner: q.partner_id == p.commercial_partner_id).mapped(
                    "state"
                )
            )
            partner.md_qualification_state = (
                "approved" if "approved" in states else "draft" if "draft" in states else "none"
            )

    def action_md_view_licences(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("md_regulatory.action_md_partner_licence")
        partner = self.commercial_partner_id
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action
