from odoo import fields, models
from odoo.exceptions import UserError


class MdQualityComplaint(models.Model):
    """What a complaint starts: a nonconformance of the unit (ISO 13485 8.3),
    corrective action (8.2.2 e, 8.5.2) and, when the field is at risk, a recall
    (8.3.3 advisory notice; 21 CFR 806, EU MDR FSCA, NMPA recall)."""

    _inherit = "md.quality.complaint"

    ncr_id = fields.Many2one("md.quality.ncr", "Nonconformance", tracking=True, index=True, copy=False)
    capa_id = fields.Many2one("md.quality.capa", "CAPA", tracking=True, index=True, copy=False)
    recall_id = fields.Many2one("md.recall", tracking=True, index=True, copy=False)

    def _md_check_not_linked(self, field_name):
        self.ensure_one()
        if self[field_name]:
            raise UserError(
                self.env._(
                    "%(complaint)s is already linked to %(record)s.",
                    complaint=self.display_name,
                    record=self[field_name].display_name,
                )
            )

    def _md_open(self, record):
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }

    def action_create_ncr(self):
        self._md_check_not_linked("ncr_id")
        if not self.product_id:
            raise UserError(self.env._("Give the product of %s before opening a nonconformance.", self.name))
        ncr = self.env["md.quality.ncr"].create(
            {
                "source": "complaint",
                "origin": self.name,
                "partner_id": self.partner_id.id,
                "product_id": self.product_id.id,
                "lot_ids": [fields.Command.set(self.lot_id.ids)],
                "quantity": 1.0,
                "description": self.description,
                "company_id": self.company_id.id,
            }
        )
        self.ncr_id = ncr
        return self._md_open(ncr)

    def action_create_capa(self):
        self._md_check_not_linked("capa_id")
        capa = self.env["md.quality.capa"].create(
            {
                "title": self.title,
                "source": "complaint",
                "source_reference": self.name,
                "partner_id": self.partner_id.id,
                "product_id": self.product_id.id,
                "company_id": self.company_id.id,
                "problem_statement": self.description,
            }
        )
        self.capa_id = capa
        return self._md_open(capa)

    def action_create_recall(self):
        self._md_check_not_linked("recall_id")
        if not self.lot_id:
            raise UserError(self.env._("Give the lot or serial of %s before starting a recall.", self.name))
        recall_id = self.env["md.recall"].md_create_from_lots(
            self.lot_id.ids,
            {
                "source": "complaint",
                "source_model": self._name,
                "source_res_id": self.id,
                "description": self.description,
            },
        )
        self.recall_id = recall_id
        return self._md_open(self.recall_id)
