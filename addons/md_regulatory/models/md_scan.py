from odoo import api, models


class MdScan(models.AbstractModel):
    """Outbound checks are scanned with the same scan entry and rules as stock operations."""

    _inherit = "md.scan"

    @api.model
    def _md_scan_targets(self):
        return {**super()._md_scan_targets(), "md.outbound.check": "outbound check of a delivery"}
