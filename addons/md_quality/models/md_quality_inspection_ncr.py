from odoo import Command, api, fields, models
from odoo.tools import SQL

from .md_quality_ncr_disposition import CONCESSION_MEANING


class MdQualityInspection(models.Model):
    """A failed inspection opens a nonconformance report (ISO 13485 8.3.1:
    nonconforming product is identified, documented and segregated): source
    inspection, its lots and lot size, contained as rejected by the NCR, and an
    activity for the quality managers."""

    _inherit = "md.quality.inspection"  # pylint: disable=consider-merging-classes-inherited

    md_ncr_ids = fields.One2many("md.quality.ncr", "inspection_id", string="Nonconformances")
    md_ncr_count = fields.Integer(string="NCR Count", compute="_compute_md_ncr_count")

    @api.depends("md_ncr_ids")
    def _compute_md_ncr_count(self):
        for inspection in self:
            inspection.md_ncr_count = len(inspection.md_ncr_ids)

    def _md_on_failed(self):
        result = super()._md_on_failed()
        self._md_open_ncrs()
        return result

    def _md_decide(self):
        result = super()._md_decide()
        # A re-inspection after rework decides its disposition (8.3.4).
        self.env["md.quality.ncr.disposition"].sudo().search(
            [("inspection_id", "in", self.ids)]
        )._md_on_operation_done()
        return result

    @api.model
    def _md_conceded_failures(self, lot_ids, inspection_ids):
        """A lot accepted under concession (ISO 13485:2016 8.3.2: justified, within regulatory
        requirements, the authorising person recorded; 21 CFR 820.90(b)) is one named by a done
        concession disposition, approved by a valid (not voided) "approved" e-signature, of the
        closed NCR that the failed inspection opened. One query for all lots."""
        conceded = super()._md_conceded_failures(lot_ids, inspection_ids)
        if not lot_ids or not inspection_ids:
            return conceded
        self.env["md.quality.ncr"].flush_model(["state", "inspection_id"])
        self.env["md.quality.ncr.disposition"].flush_model(
            ["ncr_id", "lot_id", "disposition_type", "state", "approved_by_id"]
        )
        self.env["md.signature"].flush_model(["res_model", "res_id", "meaning", "voided"])
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT d.lot_id, ncr.inspection_id
                     FROM md_quality_ncr_disposition d
                     JOIN md_quality_ncr ncr ON ncr.id = d.ncr_id
                    WHERE d.lot_id = ANY(%(lots)s)
                      AND ncr.inspection_id = ANY(%(inspections)s)
                      AND ncr.state = 'closed'
                      AND d.disposition_type = 'concession'
                      AND d.state = 'done'
                      AND d.approved_by_id IS NOT NULL
                      AND EXISTS (
                          SELECT 1 FROM md_signature s
                           WHERE s.res_model = %(model)s AND s.res_id = d.id
                             AND s.meaning = %(meaning)s AND s.voided IS NOT TRUE)""",
                lots=list(lot_ids),
                inspections=list(inspection_ids),
                model="md.quality.ncr.disposition",
                meaning=CONCESSION_MEANING,
            )
        )
        return conceded | {tuple(row) for row in rows}

    def _md_open_ncrs(self):
        """One NCR per failed inspection that has none yet."""
        Ncr = self.env["md.quality.ncr"].sudo()
        inspections = self.filtered(lambda i: not i.md_ncr_ids)
        ncrs = Ncr.create([inspection._md_ncr_vals() for inspection in inspections])
        for inspection, ncr in zip(inspections, ncrs, strict=True):
            if ncr.lot_ids:
                ncr._md_contain()
                # The NCR's "rejected" hold takes over from the inspection's quarantine.
                inspection._md_quarantine_holds()._md_release(
                    self.env._("Inspection failed: the lots are held as rejected by %s", ncr.name)
                )
            inspection.sudo().message_post(body=self.env._("Nonconformance opened: %s", ncr.name))
        ncrs._md_notify_quality()
        return ncrs

    def _md_ncr_vals(self):
        self.ensure_one()
        return {
            "source": "inspection",
            "inspection_id": self.id,
            "origin": self.name,
            "company_id": self.company_id.id,
            "product_id": self.product_id.id,
            "lot_ids": [Command.set(self.lot_ids.ids)],
            "quantity": self.quantity,
            "picking_id": self.picking_id.id,
            "production_id": self.production_id.id,
            "partner_id": self.partner_id.id,
            "description": self.env._(
                "Inspection %(name)s (%(plan)s) failed: %(defects)s defective in a sample of %(sample)s "
                "(Ac %(accept)s, Re %(reject)s).",
                name=self.name,
                plan=self.plan_id.name,
                defects=self.defect_count,
                sample=self.sample_size,
                accept=self.accept_number,
                reject=self.reject_number,
            ),
        }

    def action_md_open_ncrs(self):
        self.ensure_one()
        return self.env["md.quality.ncr"]._md_open_records(
            "md.quality.ncr", self.md_ncr_ids, self.env._("Nonconformances")
        )
