from odoo import Command, api, fields, models


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
