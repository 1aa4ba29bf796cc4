from odoo import fields, models


class MrpRoutingWorkcenter(models.Model):
    _inherit = "mrp.routing.workcenter"

    md_document_ids = fields.Many2many(
        "md.document",
        "md_document_routing_workcenter_rel",
        string="Controlled Documents",
        groups="md_base.group_md_user",
    )
