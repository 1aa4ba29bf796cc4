from odoo import Command, api, fields, models


class MdQualityCapa(models.Model):
    """The nonconformances a CAPA addresses (ISO 13485 8.5.2 a: review of nonconformities)."""

    _inherit = "md.quality.capa"  # pylint: disable=consider-merging-classes-inherited

    ncr_ids = fields.Many2many(
        "md.quality.ncr", "md_quality_capa_ncr_rel", "capa_id", "ncr_id", string="Nonconformances"
    )


class MdQualityNcr(models.Model):
    """An NCR whose cause needs corrective action opens a CAPA (ISO 13485 8.3.1, 8.5.2)."""

    _inherit = "md.quality.ncr"  # pylint: disable=consider-merging-classes-inherited

    capa_ids = fields.Many2many(
        "md.quality.capa",
        "md_quality_capa_ncr_rel",
        "ncr_id",
        "capa_id",
        string="CAPAs",
        readonly=True,
        copy=False,
    )
    capa_id = fields.Many2one(
        "md.quality.capa",
        string="CAPA",
        compute="_compute_capa_id",
        store=True,
        index=True,
        help="The latest CAPA (not cancelled) addressing this nonconformance.",
    )

    @api.depends("capa_ids.state")
    def _compute_capa_id(self):
        for ncr in self:
            capas = ncr.capa_ids.filtered(lambda capa: capa.state != "cancelled").sorted("id", reverse=True)
            ncr.capa_id = capas[:1]

    def action_create_capa(self):
        """Open a corrective action from this nonconformance, or show the one already open."""
        self.ensure_one()
        capa = self.capa_id
        if not capa:
            capa = self.env["md.quality.capa"].create(
                {
                    "title": self.env._(
                        "Nonconformance %(ncr)s: %(product)s",
                        ncr=self.name,
                        product=self.product_id.display_name,
                    ),
                    "capa_type": "corrective",
                    "source": "ncr",
                    "source_reference": self.name,
                    "product_id": self.product_id.id,
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "problem_statement": self.description,
                    "containment": self.containment,
                    "ncr_ids": [Command.link(self.id)],
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "md.quality.capa",
            "res_id": capa.id,
            "view_mode": "form",
        }
