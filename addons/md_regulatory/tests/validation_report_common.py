import base64
import json

from .test_document_common import MdDocumentCase


class MdValidationReportCase(MdDocumentCase):
    """A controlled document for the computerised system validation report and
    reports in the format of tools/validation_report.py."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.csv_document = (
            cls.env["md.document"]
            .with_user(cls.author)
            .create(
                {
                    "number": "CSV-T-001",
                    "name": "Computerised system validation report",
                    "document_type": "validation",
                }
            )
        )

    def metadata(self, result="passed", **oq):
        modules = self.env["ir.module.module"].search(
            [("name", "=like", "md\\_%"), ("state", "=", "installed")]
        )
        return {
            "format": "meddev-validation-report/1",
            "generated_at": "2026-03-02 08:15:00",
            "commit": "5b5bdb9a0c1d2e3f40516273849a0b1c2d3e4f50",
            "odoo_version": "18.0",
            "addons": {m.name: {"version": m.latest_version, "sha256": "0" * 64} for m in modules},
            "iq": {"result": "passed"},
            "oq": {
                "result": result,
                "requirements": 108,
                "passed": 108 if result == "passed" else 105,
                "failed": 0 if result == "passed" else 2,
                "untested": 0 if result == "passed" else 1,
                "stale": 0,
                "tests": 1450,
                "tests_passed": 1450 if result == "passed" else 1447,
                "tests_failed": 0 if result == "passed" else 3,
                "tests_skipped": 0,
                **oq,
            },
            "pq": {"result": "passed", "protocols": 3},
            "result": result,
        }

    @staticmethod
    def report_html(metadata):
        payload = json.dumps(metadata).replace("</", "<\\/")
        return (
            "<!DOCTYPE html><html><head><title>Validation report</title>"
            f'<script type="application/json" id="md-validation-metadata">{payload}</script>'
            "</head><body><h1>Computerised system validation report</h1></body></html>"
        ).encode()

    def import_report(self, metadata=None, user=None):
        wizard = (
            self.env["md.validation.report.import"]
            .with_user(user or self.author)
            .create(
                {
                    "document_id": self.csv_document.id,
                    "file": base64.b64encode(self.report_html(metadata or self.metadata())),
                    "file_name": "validation-report.html",
                }
            )
        )
        action = wizard.action_import()
        return self.env["md.document.revision"].browse(action["res_id"])
