from odoo import models


class StockMove(models.Model):
    """Devices returned by a customer are quarantined on arrival, their return as the source,
    until their inspection is signed (China GSP, NMPA announcement 2023 No. 153, Art. 106: returned
    devices are checked by the acceptance staff and a return record is made; Art. 40: a returns
    area; ISO 13485:2016 7.5.8: returned product is identified and segregated)."""

    _inherit = "stock.move"  # pylint: disable=consider-merging-classes-inherited

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves._md_quarantine_returns()
        return moves

    def _md_quarantine_returns(self):
        lines = self.move_line_ids.filtered(
            lambda line: (
                line.state == "done"
                and line.lot_id
                and line.product_id.md_is_device
                and line.location_id.usage == "customer"
                and line.location_dest_id.usage == "internal"
            )
        )
        for source, source_lines in lines.grouped(lambda line: line.picking_id or line.move_id).items():
            lots = source_lines.lot_id
            lots.sudo()._md_place_hold(
                "quarantine",
                self.env._("Sales return %s: inspect before restocking (销售退回).", source.display_name),
                source=source,
                sales_return=True,
            )
