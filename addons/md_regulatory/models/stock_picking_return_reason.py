from odoo import fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    """A return of devices names its reason: the return record carries it (GSP, NMPA
    announcement 2023 No. 153, Art. 107: 退货原因), for a sales return as for a return to the
    supplier (购进退出)."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    md_return_reason = fields.Char("Return Reason", tracking=True, copy=False)

    def _md_gate_enforce(self, documents):
        result = super()._md_gate_enforce(documents)
        documents._md_check_return_reason()
        return result

    def _md_check_return_reason(self):
        missing = self.filtered(
            lambda p: (
                p.return_id
                and not (p.md_return_reason or "").strip()
                and any(move.product_id.md_is_device for move in p.move_ids if move.state != "cancel")
            )
        )
        if missing:
            raise UserError(
                self.env._(
                    "Give the reason of the return (GSP Art. 107) before validating: %s.",
                    ", ".join(missing.mapped("name")),
                )
            )
