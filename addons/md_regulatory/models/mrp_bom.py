from odoo import fields, models


class MrpBom(models.Model):
    """The controlled documents of a bill of materials, shown as their effective revision."""

    _inherit = "mrp.bom"

    md_document_ids = fields.Many2many(
        "md.document",
        "md_document_mrp_bom_rel",
        string="Controlled Documents",
        groups="md_base.group_md_user",
    )
    md_effective_document_count = fields.Integer(
        string="Effective Documents",
        compute="_compute_md_effective_document_count",
        groups="md_base.group_md_user",
    )

    def _compute_md_effective_document_count(self):
        for bom in self:
            bom.md_effective_document_count = len(bom.md_document_ids.effective_revision_id)

    def action_md_view_documents(self):
        self.ensure_one()
        return self.env["md.document.revision"]._md_action_effective_revisions(self.md_document_ids)
