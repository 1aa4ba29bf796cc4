import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.md_document_revision_validation import RESULTS, validation_metadata


class MdValidationReportImport(models.TransientModel):
    """Import the validation report of a test run (tools/validation_report.py)
    as a new draft revision of a controlled document of type "Computerised
    System Validation Report", with the run's figures shown on it.

    Only the report of a passing run of the installed addon versions is
    accepted: 21 CFR 11.10(a) and ISO 13485:2016 4.1.6 ask for evidence that
    the system in use is validated, and GAMP 5 treats a failed run as a
    deviation to correct and re-test, not as a report to approve."""

    _name = "md.validation.report.import"
    _description = "Import Validation Report"

    document_id = fields.Many2one(
        "md.document",
        string="Controlled Document",
        required=True,
        domain=[("document_type", "=", "validation")],
        default=lambda self: self._default_document_id(),
    )
    name = fields.Char(string="Revision", required=True, default=lambda self: self._default_name())
    file = fields.Binary(string="Validation Report (HTML)", required=True)
    file_name = fields.Char()
    generated_at = fields.Datetime(string="Validation Run", compute="_compute_summary")
    commit = fields.Char(string="Validated Commit", compute="_compute_summary")
    result = fields.Selection(RESULTS, compute="_compute_summary")
    summary = fields.Text(compute="_compute_summary")

    @api.model
    def _default_document_id(self):
        if self.env.context.get("active_model") == "md.document":
            return self.env.context.get("active_id")
        return self.env["md.document"].search([("document_type", "=", "validation")], limit=1).id

    @api.model
    def _default_name(self):
        return self._next_revision_code(self.env["md.document"].browse(self._default_document_id()))

    @api.model
    def _next_revision_code(self, document):
        return str(len(document.revision_ids) + 1) if document else False

    @api.onchange("document_id")
    def _onchange_document_id(self):
        self.name = self._next_revision_code(self.document_id)

    @api.depends("file")
    def _compute_summary(self):
        for wizard in self:
            metadata = wizard._metadata() or {}
            wizard.generated_at = metadata.get("generated_at") or False
            wizard.commit = metadata.get("commit") or False
            wizard.result = metadata.get("result") or False
            wizard.summary = self._md_summary(metadata) if metadata else False

    def _metadata(self):
        self.ensure_one()
        data = self.with_context(bin_size=False).file
        return validation_metadata(base64.b64decode(data)) if data else None

    @api.model
    def _md_summary(self, metadata):
        oq = metadata["oq"]
        return self.env._(
            "Validation report of commit %(commit)s, run %(date)s (Odoo %(odoo)s): IQ %(iq)s; OQ %(oq)s, "
            "%(passed)s of %(requirements)s requirements verified, %(tests)s tests, %(failed)s failed; "
            "PQ %(pq)s.",
            commit=metadata["commit"],
            date=metadata["generated_at"],
            odoo=metadata["odoo_version"],
            iq=metadata["iq"]["result"],
            oq=oq["result"],
            passed=oq["passed"],
            requirements=oq["requirements"],
            tests=oq["tests"],
            failed=oq["tests_failed"],
            pq=metadata["pq"]["result"],
        )

    @api.model
    def _md_check_report(self, metadata, name):
        """Refuse what is not the report of a passing run of the addon versions installed here."""
        if not metadata:
            raise UserError(
                self.env._(
                    "%s is not a validation report of MedDev ERP: use the HTML file written by "
                    "tools/validation_report.py (tests/run.sh --validation-report DIR).",
                    name,
                )
            )
        if metadata["result"] != "passed":
            oq = metadata["oq"]
            raise UserError(
                self.env._(
                    "The validation run of %(name)s failed (IQ %(iq)s, OQ %(oq)s: %(failed)s requirements "
                    "failed, %(untested)s untested, %(stale)s stale test references; PQ %(pq)s). A failed "
                    "run is a deviation to correct and test again, not evidence of a validated system "
                    "(21 CFR 11.10(a), ISO 13485 4.1.6): import the report of a passing run.",
                    name=name,
                    iq=metadata["iq"]["result"],
                    oq=oq["result"],
                    failed=oq["failed"],
                    untested=oq["untested"],
                    stale=oq["stale"],
                    pq=metadata["pq"]["result"],
                )
            )
        installed = dict(
            self.env["ir.module.module"]
            .sudo()
            .search([("name", "in", list(metadata["addons"])), ("state", "=", "installed")])
            .mapped(lambda module: (module.name, module.latest_version))
        )
        different = [
            self.env._(
                "%(addon)s %(validated)s (installed: %(installed)s)",
                addon=addon,
                validated=values["version"],
                installed=installed.get(addon) or self.env._("not installed"),
            )
            for addon, values in sorted(metadata["addons"].items())
            if installed.get(addon) != values["version"]
        ]
        if different:
            raise UserError(
                self.env._(
                    "%(name)s validates other versions than the ones installed: %(addons)s. "
                    "Import the report of the installed versions.",
                    name=name,
                    addons=", ".join(different),
                )
            )

    def action_import(self):
        self.ensure_one()
        if self.document_id.document_type != "validation":
            raise UserError(
                self.env._(
                    "%s is not a document of type Computerised System Validation Report.",
                    self.document_id.display_name,
                )
            )
        self._md_check_report(self._metadata(), self.file_name or self.env._("The file"))
        revision = self.env["md.document.revision"].create(
            {
                "document_id": self.document_id.id,
                "name": self.name,
                "file": self.file,
                "file_name": self.file_name,
                "change_description": self.summary,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "md.document.revision",
            "res_id": revision.id,
            "view_mode": "form",
            "target": "current",
        }
