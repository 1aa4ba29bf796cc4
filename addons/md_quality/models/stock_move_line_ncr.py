from odoo import models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"  # pylint: disable=consider-merging-classes-inherited

    def _md_hold_blocked_operation(self):
        """A rework order of an NCR disposition may consume the held lot it reworks
        (ISO 13485 8.3.4: rework is a disposition of nonconforming product; the lot
        stays held and is re-verified before release). Any other consumption of held
        stock stays blocked (md_udi_trace/models/stock_move_line_hold.py)."""
        disposition = self.move_id.raw_material_production_id.md_ncr_disposition_id
        if (
            disposition
            and self.location_dest_id.usage == "production"
            and self.lot_id == disposition.lot_id
            and disposition.disposition_type == "rework"
        ):
            return False
        return super()._md_hold_blocked_operation()
