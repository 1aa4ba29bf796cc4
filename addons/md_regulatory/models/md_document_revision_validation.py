import base64
import json
import re

from odoo import api, fields, models

# The report of tools/validation_report.py carries its figures as JSON in
# <script type="application/json" id="md-validation-metadata">.
METADATA_FORMAT = "meddev-validation-report/1"
METADATA_SCRIPT = re.compile(
    rb'<script type="application/json" id="md-validation-metadata">(.*?)</script>', re.DOTALL
)
RESULTS = [("passed", "Passed"), ("failed", "Failed")]


def validation_metadata(data):
    """The metadata of a validation report (bytes of its HTML), None when the
    file is not one."""
    match = METADATA_SCRIPT.search(data or b"")
    if not match:
        return None
    try:
        metadata = json.loads(match.group(1).decode().replace("<\\/", "</"))
    except ValueError:
        return None
    return metadata if isinstance(metadata, dict) and metadata.get("format") == METADATA_FORMAT else None


class MdDocumentRevision(models.Model):
    """The computerised system validation report as a controlled document
    (ISO 13485:2016 4.1.6, 7.5.6; 21 CFR 11.10(a); GAMP 5): the figures of the
    run are read from the report, and only a report of a passing run goes to
    review, so an approved revision always states a validated system."""

    _inherit = "md.document.revision"

    validation_generated_at = fields.Datetime(
        string="Validation Run", compute="_compute_validation", store=True
    )
    validation_commit = fields.Char(string="Validated Commit", compute="_compute_validation", store=True)
    validation_odoo_version = fields.Char(string="Odoo Version", compute="_compute_validation", store=True)
    validation_result = fields.Selection(RESULTS, compute="_compute_validation", store=True)
    validation_iq_result = fields.Selection(RESULTS, string="IQ", compute="_compute_validation", store=True)
    validation_oq_result = fields.Selection(RESULTS, string="OQ", compute="_compute_validation", store=True)
    validation_pq_result = fields.Char(string="PQ", compute="_compute_validation", store=True)
    validation_requirements = fields.Integer(string="Requirements", compute="_compute_validation", store=True)
    validation_requirements_passed = fields.Integer(
        string="Requirements Passed", compute="_compute_validation", store=True
    )
    validation_tests = fields.Integer(string="Tests Run", compute="_compute_validation", store=True)
    validation_tests_failed = fields.Integer(string="Tests Failed", compute="_compute_validation", store=True)

    @api.depends("file", "document_type")
    def _compute_validation(self):
        for revision in self:
            metadata = revision._md_validation_metadata() or {}
            oq = metadata.get("oq", {})
            revision.update(
                {
                    "validation_generated_at": metadata.get("generated_at") or False,
                    "validation_commit": metadata.get("commit") or False,
                    "validation_odoo_version": metadata.get("odoo_version") or False,
                    "validation_result": metadata.get("result") or False,
                    "validation_iq_result": metadata.get("iq", {}).get("result") or False,
                    "validation_oq_result": oq.get("result") or False,
                    "validation_pq_result": metadata.get("pq", {}).get("result") or False,
                    "validation_requirements": oq.get("requirements", 0),
                    "validation_requirements_passed": oq.get("passed", 0),
                    "validation_tests": oq.get("tests", 0),
                    "validation_tests_failed": oq.get("tests_failed", 0),
                }
            )

    def _md_validation_metadata(self):
        self.ensure_one()
        if self.document_type != "validation" or not self.file:
            return None
        return validation_metadata(base64.b64decode(self.with_context(bin_size=False).file))

    def action_submit(self):
        for revision in self.filtered(lambda r: r.document_type == "validation" and r.checksum):
            self.env["md.validation.report.import"]._md_check_report(
                revision._md_validation_metadata(), revision.display_name
            )
        return super().action_submit()
