from odoo import fields, models

from ..models.md_recall_report import REPORT_TYPES


class MdRecallReportExport(models.TransientModel):
    _name = "md.recall.report.export"
    _description = "Export a Recall's Regulatory Report"

    recall_id = fields.Many2one("md.recall", required=True, ondelete="cascade")
    report_type = fields.Selection(REPORT_TYPES, required=True, default="fda_806")
    file_format = fields.Selection(
        [("xlsx", "Excel (XLSX)"), ("json", "JSON")], required=True, default="xlsx"
    )

    def action_export(self):
        self.ensure_one()
        attachment = self.recall_id._md_export_report(self.report_type, self.file_format)
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
