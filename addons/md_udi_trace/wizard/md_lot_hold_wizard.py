from odoo import api, fields, models
from odoo.exceptions import UserError


class MdLotHoldWizard(models.TransientModel):
    """Place a hold on several lots, or release their active holds, with one reason."""

    _name = "md.lot.hold.wizard"
    _description = "Place or Release Lot Holds"

    mode = fields.Selection(
        [("place", "Place Hold"), ("release", "Release Holds")], required=True, default="place"
    )
    lot_ids = fields.Many2many("stock.lot", string="Lots/Serial Numbers")
    hold_type = fields.Selection(
        selection=lambda self: self.env["md.lot.hold"]._fields["hold_type"]._description_selection(self.env),
        string="Type",
        default="hold",
    )
    hold_ids = fields.Many2many(
        "md.lot.hold",
        string="Holds to Release",
        compute="_compute_hold_ids",
        store=True,
        readonly=False,
        domain="[('lot_id', 'in', lot_ids), ('state', '=', 'active')]",
    )
    reason = fields.Text(required=True)

    @api.depends("lot_ids", "mode")
    def _compute_hold_ids(self):
        for wizard in self:
            if wizard.mode == "release" and not wizard.hold_ids:
                wizard.hold_ids = wizard.lot_ids.md_hold_ids.filtered(lambda h: h.state == "active")
            elif wizard.mode == "place":
                wizard.hold_ids = False

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "place":
            if not self.lot_ids:
                raise UserError(self.env._("Select the lots/serials to put on hold."))
            if not self.hold_type:
                raise UserError(self.env._("Choose the type of hold."))
            self.lot_ids._md_place_hold(self.hold_type, self.reason)
        else:
            if not self.hold_ids:
                raise UserError(self.env._("The selected lots/serials have no active hold to release."))
            self.hold_ids._md_release(self.reason)
        return {"type": "ir.actions.act_window_close"}
