from odoo import fields, models
from odoo.exceptions import UserError


class StockReturnPicking(models.TransientModel):
    """The return wizard asks for the reason of a return of devices and gives it to the return
    (GSP, NMPA announcement 2023 No. 153, Art. 107)."""

    _inherit = "stock.return.picking"

    md_return_reason = fields.Char("Return Reason")

    def _prepare_picking_default_values(self):
        values = super()._prepare_picking_default_values()
        values["md_return_reason"] = self.md_return_reason
        return values

    def _create_return(self):
        devices = self.product_return_moves.filtered(
            lambda line: line.quantity and line.product_id.md_is_device
        )
        if devices and not (self.md_return_reason or "").strip():
            raise UserError(
                self.env._("Give the reason of the return of %s (GSP Art. 107).", self.picking_id.name)
            )
        return super()._create_return()
