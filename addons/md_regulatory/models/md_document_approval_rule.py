from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .md_document import DOCUMENT_TYPES


class MdDocumentApprovalRule(models.Model):
    """Which signatures a revision of a document type needs before it is
    approved (ISO 13485 4.2.4 a: documents are reviewed and approved for
    adequacy prior to issue), and from which roles."""

    _name = "md.document.approval.rule"
    _description = "Controlled Document Approval Rule"
    _order = "document_type, sequence, id"

    document_type = fields.Selection(DOCUMENT_TYPES, required=True, index=True)
    sequence = fields.Integer(default=10)
    meaning_id = fields.Many2one("md.signature.meaning", required=True, ondelete="restrict")
    meaning_code = fields.Char(related="meaning_id.code", store=True)
    group_ids = fields.Many2many(
        "res.groups",
        string="Signing Roles",
        required=True,
        help="The required signature must come from a member of one of these groups.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "type_meaning_unique",
            "unique(document_type, meaning_id)",
            "A document type requires each signature meaning only once.",
        ),
    ]

    @api.constrains("group_ids")
    def _check_group_ids(self):
        if any(not rule.group_ids for rule in self):
            raise ValidationError(self.env._("An approval rule needs at least one signing role."))
