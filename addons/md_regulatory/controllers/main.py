from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import content_disposition, request


class MdDocumentController(http.Controller):
    @http.route("/md_regulatory/document_revision/<int:revision_id>/download", type="http", auth="user")
    def md_document_revision_download(self, revision_id):
        """The controlled file, only if it still matches its checksum (ISO 13485 4.2.5)."""
        revision = request.env["md.document.revision"].browse(revision_id)
        try:
            data = revision._md_verified_file()
        except (AccessError, MissingError):
            raise request.not_found() from None
        except UserError as error:
            return request.make_response(
                error.args[0], headers=[("Content-Type", "text/plain; charset=utf-8")], status=409
            )
        filename = revision.file_name or f"{revision.display_name}.bin"
        return request.make_response(
            data,
            headers=[
                ("Content-Type", "application/octet-stream"),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
