from odoo import http
from odoo.http import content_disposition, request


class TraceExportController(http.Controller):
    # Read-only: Odoo sends it to the database replica when one is configured (db_replica_host).
    @http.route(
        "/md_udi_trace/trace/export/<string:file_format>",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=True,
    )
    def trace_export(self, file_format, lot_ids="", **kwargs):
        """Download the trace of ``lot_ids`` (comma-separated) as XLSX or CSV;
        the model checks access and the format."""
        ids = [int(lot_id) for lot_id in lot_ids.split(",") if lot_id.strip().isdigit()]
        lots = request.env["stock.lot"].browse(ids).exists()
        filename, content, mimetype = lots.md_trace_export(file_format)
        return request.make_response(
            content,
            headers=[("Content-Type", mimetype), ("Content-Disposition", content_disposition(filename))],
        )
