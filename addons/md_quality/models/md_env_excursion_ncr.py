from odoo import Command, api, fields, models

from odoo.addons.md_udi_trace.models.md_env_excursion import TRANSITION_FIELDS


class MdEnvExcursion(models.Model):
    """A storage excursion opens a nonconformance report for each product whose lots it held
    (ISO 13485:2016 8.3.1: nonconforming product, including suspected product, is identified,
    documented and evaluated; China's GSP, NMPA announcement 2023 No. 153, Art. 74)."""

    _inherit = "md.env.excursion"

    ncr_ids = fields.Many2many(
        "md.quality.ncr",
        "md_env_excursion_ncr_rel",
        "excursion_id",
        "ncr_id",
        string="Nonconformances",
        readonly=True,
        copy=False,
    )
    ncr_count = fields.Integer("Nonconformance Count", compute="_compute_ncr_count")

    _md_transition_fields = (*TRANSITION_FIELDS, "ncr_ids")

    @api.depends("ncr_ids")
    def _compute_ncr_count(self):
        for excursion in self:
            excursion.ncr_count = len(excursion.ncr_ids)

    def _md_lots_held(self, lots, quantities):
        result = super()._md_lots_held(lots, quantities)
        ncrs = (
            self.env["md.quality.ncr"]
            .sudo()
            .create(
                [
                    self._md_ncr_values(product_lots, quantities)
                    for product_lots in lots.grouped("product_id").values()
                ]
            )
        )
        self._md_write_transition({"ncr_ids": [Command.link(ncr.id) for ncr in ncrs]})
        ncrs._md_notify_quality()
        return result

    def _md_ncr_values(self, lots, quantities):
        return {
            "source": "storage",
            "origin": self.name,
            "company_id": self.company_id.id,
            "product_id": lots.product_id.id,
            "lot_ids": [Command.set(lots.ids)],
            "quantity": sum(quantities.get(lot.id, 0.0) for lot in lots) or len(lots),
            "cause": "environment",
            "description": self._md_hold_reason(),
        }

    def action_view_ncrs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Nonconformances"),
            "res_model": "md.quality.ncr",
            "view_mode": "list,form",
            "domain": [("id", "in", self.ncr_ids.ids)],
        }
