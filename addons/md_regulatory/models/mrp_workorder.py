from odoo import api, fields, models


class MrpWorkorder(models.Model):
    """The work order shows the effective revision of its operation's work
    instructions only (ISO 13485 4.2.4 e, 7.5.1: documented procedures available at the point of use)."""

    _inherit = "mrp.workorder"

    md_work_instruction_ids = fields.Many2many(
        "md.document.revision",
        string="Effective Work Instructions",
        compute="_compute_md_work_instruction_ids",
        groups="md_base.group_md_user",
    )

    @api.depends("operation_id.md_document_ids.effective_revision_id")
    def _compute_md_work_instruction_ids(self):
        for workorder in self:
            documents = workorder.operation_id.md_document_ids.filtered(
                lambda d: d.document_type == "work_instruction"
            )
            workorder.md_work_instruction_ids = documents.effective_revision_id
