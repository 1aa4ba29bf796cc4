from odoo import fields, models


class ProductTemplate(models.Model):
    """The controlled documents of a product, shown as their effective revision, and the
    registration certificates covering a device, by product or by category."""

    _inherit = "product.template"

    md_document_ids = fields.Many2many(
        "md.document",
        "md_document_product_template_rel",
        string="Controlled Documents",
        groups="md_base.group_md_user",
    )
    md_effective_document_count = fields.Integer(
        string="Effective Documents",
        compute="_compute_md_effective_document_count",
        groups="md_base.group_md_user",
    )

    md_registration_ids = fields.Many2many(
        "md.registration",
        compute="_compute_md_registration_ids",
        string="Registrations",
        help="Certificates naming this product or one of its categories (including parent categories).",
        groups="md_base.group_md_user",
    )
    md_product_qualification_ids = fields.One2many(
        "md.product.qualification",
        "product_tmpl_id",
        string="First-time Product Approvals",
        groups="md_base.group_md_user",
    )

    def _compute_md_effective_document_count(self):
        for product in self:
            product.md_effective_document_count = len(product.md_document_ids.effective_revision_id)

    def _compute_md_registration_ids(self):
        registrations = self.env["md.registration"].search(
            ["|", ("product_tmpl_ids", "in", self.ids), ("categ_ids", "parent_of", self.categ_id.ids)]
        )
        for template in self:
            template.md_registration_ids = registrations.filtered(
                lambda r, t=template: (
                    t in r.product_tmpl_ids
                    or any((t.categ_id.parent_path or "").startswith(c.parent_path) for c in r.categ_ids)
                )
            )

    def action_md_view_documents(self):
        self.ensure_one()
        return self.env["md.document.revision"]._md_action_effective_revisions(self.md_document_ids)
