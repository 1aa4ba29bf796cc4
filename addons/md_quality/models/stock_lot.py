from odoo import fields, models


class StockLot(models.Model):
    _inherit = "stock.lot"

    md_inspection_count = fields.Integer(
        string="Inspections", compute="_compute_md_inspection_count", groups="md_base.group_md_user"
    )

    def _md_release_blockers(self):
        """What stands between each lot and its batch release (ISO 13485 8.2.6:
        product is released only when planned arrangements are completed).

        :return: ``{lot_id: [message, ...]}`` for every lot in self, empty
            lists for lots nothing blocks. Each quality feature (inspections,
            NCRs, holds...) extends this with one set-based query over all lots.
        """
        blockers = {lot.id: [] for lot in self}
        # Inspections (ISO 13485 7.4.3, 8.2.6): open or failed ones, missing required final ones.
        for lot_id, messages in self.env["md.quality.inspection"].sudo()._md_lot_blockers(self).items():
            blockers[lot_id] += messages
        return blockers

    def _compute_md_inspection_count(self):
        counts = dict(
            self.env["md.quality.inspection"]._read_group(
                [("lot_ids", "in", self.ids)], ["lot_ids"], ["__count"]
            )
        )
        for lot in self:
            lot.md_inspection_count = counts.get(lot, 0)

    def action_md_open_inspections(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("md_quality.md_quality_inspection_action")
        action["domain"] = [("lot_ids", "in", self.ids)]
        return action
