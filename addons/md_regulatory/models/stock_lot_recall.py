from odoo import fields, models


class StockLot(models.Model):
    _inherit = "stock.lot"

    md_recall_count = fields.Integer(string="Recalls", compute="_compute_md_recall_count")

    def _md_recall_domain(self):
        return ["|", ("lot_ids", "in", self.ids), ("scope_lot_ids", "in", self.ids)]

    def _compute_md_recall_count(self):
        Recall = self.env["md.recall"]
        if not Recall.has_access("read"):
            self.md_recall_count = 0
            return
        for lot in self:
            lot.md_recall_count = Recall.search_count(lot._md_recall_domain()) if lot.id else 0

    def action_md_open_recalls(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recalls of %s", self.display_name),
            "res_model": "md.recall",
            "view_mode": "list,form",
            "domain": self._md_recall_domain(),
        }
