from odoo import api, fields, models

# ISO 13485 4.2.3 (medical device file), 4.2.4 (control of documents).
DOCUMENT_TYPES = [
    ("sop", "Standard Operating Procedure"),
    ("work_instruction", "Work Instruction"),
    ("form", "Form"),
    ("specification", "Specification"),
    ("dmr", "Device Master Record"),
    ("labeling", "Labeling"),
    ("ifu", "Instructions for Use"),
    # ISO 13485:2016 4.1.6, 7.5.6; 21 CFR 11.10(a): the validation of the system itself.
    ("validation", "Computerised System Validation Report"),
]


class MdDocument(models.Model):
    """A controlled document (ISO 13485 4.2.4): its identity, owner, where it
    is used and its revisions, of which at most one is effective."""

    _name = "md.document"
    _description = "Controlled Document"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "number"
    _rec_names_search = ["number", "name"]

    number = fields.Char(required=True, index=True, tracking=True, copy=False)
    name = fields.Char(string="Title", required=True, tracking=True)
    document_type = fields.Selection(DOCUMENT_TYPES, string="Type", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    owner_id = fields.Many2one(
        "res.users",
        required=True,
        tracking=True,
        default=lambda self: self.env.user,
        help="Responsible for the document and its periodic review.",
    )
    active = fields.Boolean(default=True)
    revision_ids = fields.One2many("md.document.revision", "document_id", string="Revisions")
    effective_revision_id = fields.Many2one(
        "md.document.revision",
        compute="_compute_effective_revision_id",
        store=True,
        index=True,
        help="The one revision in use (ISO 13485 4.2.4 e: current revision identified).",
    )
    effective_revision_code = fields.Char(
        related="effective_revision_id.name", string="Effective Revision Code"
    )
    product_tmpl_ids = fields.Many2many(
        "product.template", "md_document_product_template_rel", string="Products"
    )
    bom_ids = fields.Many2many("mrp.bom", "md_document_mrp_bom_rel", string="Bills of Materials")
    operation_ids = fields.Many2many(
        "mrp.routing.workcenter", "md_document_routing_workcenter_rel", string="Operations"
    )
    training_group_ids = fields.Many2many(
        "res.groups",
        "md_document_training_group_rel",
        string="Training Groups",
        help="Members must acknowledge each effective revision (ISO 13485 6.2).",
    )
    training_days = fields.Integer(
        default=14, help="Days after the effective date within which the training is due."
    )
    review_reminder_days = fields.Integer(
        default=30, help="Days before the periodic review date when the owner is reminded."
    )

    _sql_constraints = [
        ("number_company_unique", "unique(number, company_id)", "The document number must be unique."),
        ("training_days_positive", "CHECK(training_days >= 0)", "Training days cannot be negative."),
        (
            "review_reminder_days_positive",
            "CHECK(review_reminder_days >= 0)",
            "Reminder days cannot be negative.",
        ),
    ]

    @api.depends("revision_ids.state")
    def _compute_effective_revision_id(self):
        for document in self:
            effective = document.revision_ids.filtered(lambda r: r.state == "effective")
            document.effective_revision_id = effective[:1]

    @api.depends("number", "name")
    def _compute_display_name(self):
        for document in self:
            document.display_name = (
                f"[{document.number}] {document.name}" if document.number else document.name
            )

    def action_view_revisions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("md_regulatory.action_md_document_revision")
        action["domain"] = [("document_id", "=", self.id)]
        action["context"] = {"default_document_id": self.id}
        return action
