from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

RATING_DAYS_PARAM = "md_quality.supplier_rating_days"
DEFAULT_RATING_DAYS = 365
# Weight of the incoming-inspection pass rate in the score; on-time delivery has the rest.
PASS_RATE_WEIGHT = 0.6
# Lowest score of each grade, best first.
GRADE_THRESHOLDS = (("a", 90.0), ("b", 75.0), ("c", 60.0))


def rating_score(pass_rate, on_time_rate):
    """Weighted score of the two rates (percentages); None when neither is known."""
    if pass_rate is None and on_time_rate is None:
        return None
    if pass_rate is None:
        return on_time_rate
    if on_time_rate is None:
        return pass_rate
    return PASS_RATE_WEIGHT * pass_rate + (1 - PASS_RATE_WEIGHT) * on_time_rate


def rating_grade(score):
    if score is None:
        return "none"
    for grade, threshold in GRADE_THRESHOLDS:
        if score >= threshold:
            return grade
    return "d"


class MdQualitySupplierApproval(models.Model):
    """Re-evaluation of suppliers (ISO 13485 7.4.1): the rating (incoming-inspection
    pass rate and on-time delivery over a configurable period, computed per supplier
    company and company with two aggregate queries) and the supplier's corrective
    action requests."""

    _inherit = "md.quality.supplier.approval"

    scar_count = fields.Integer("SCARs", compute="_compute_scar_count")
    open_scar_count = fields.Integer("Open SCARs", compute="_compute_scar_count")

    def _md_scar_domain(self):
        return [("capa_type", "=", "scar"), ("partner_id", "in", self.partner_id.ids)]

    @api.depends("partner_id")
    def _compute_scar_count(self):
        groups = self.env["md.quality.capa"]._read_group(
            self._md_scar_domain(), ["partner_id", "state"], ["__count"]
        )
        for approval in self:
            counts = [(state, count) for partner, state, count in groups if partner == approval.partner_id]
            approval.scar_count = sum(count for _state, count in counts)
            approval.open_scar_count = sum(
                count for state, count in counts if state not in ("closed", "cancelled")
            )

    def action_view_scars(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("SCARs of %s", self.partner_id.display_name),
            "res_model": "md.quality.capa",
            "view_mode": "list,form",
            "domain": self._md_scar_domain(),
            "context": {
                "default_capa_type": "scar",
                "default_partner_id": self.partner_id.id,
                "default_source": "ncr",
                "default_product_id": self.product_tmpl_id.product_variant_id.id,
                "default_company_id": self.company_id.id,
            },
        }

    @api.model
    def _md_rating_since(self):
        days = int(self.env["ir.config_parameter"].sudo().get_param(RATING_DAYS_PARAM, DEFAULT_RATING_DAYS))
        return fields.Datetime.now() - timedelta(days=max(days, 1))

    @api.model
    def _md_on_time_by_supplier(self, partners, since):
        """``{(partner_id, company_id): (receipts, on_time)}``: done purchase receipts
        since ``since`` and those done by the date promised on their purchase lines."""
        self.env.cr.execute(
            SQL(
                """
                WITH receipt AS (
                    SELECT picking.id, picking.company_id, partner.commercial_partner_id AS partner_id,
                           picking.date_done, MAX(line.date_planned) AS promised
                      FROM stock_picking picking
                      JOIN stock_picking_type picking_type ON picking_type.id = picking.picking_type_id
                      JOIN res_partner partner ON partner.id = picking.partner_id
                      JOIN stock_move move ON move.picking_id = picking.id
                      JOIN purchase_order_line line ON line.id = move.purchase_line_id
                     WHERE picking_type.code = 'incoming'
                       AND picking.state = 'done'
                       AND picking.date_done >= %(since)s
                       AND partner.commercial_partner_id = ANY(%(partners)s)
                     GROUP BY picking.id, partner.commercial_partner_id
                )
                SELECT partner_id, company_id, COUNT(*),
                       COUNT(*) FILTER (WHERE date_done::date <= promised::date)
                  FROM receipt
                 GROUP BY partner_id, company_id
                """,
                since=since,
                partners=partners.ids,
            )
        )
        return {
            (partner, company): (total, on_time)
            for partner, company, total, on_time in self.env.cr.fetchall()
        }

    @api.model
    def _md_pass_rate_by_supplier(self, partners, since):
        """``{(partner_id, company_id): (inspections, passed)}``: incoming inspections
        (trigger receipt) decided since ``since``, by their supplier (or their receipt's)."""
        self.env.cr.execute(
            SQL(
                """
                SELECT partner.commercial_partner_id, inspection.company_id, COUNT(*),
                       COUNT(*) FILTER (WHERE inspection.state = 'passed')
                  FROM md_quality_inspection inspection
             LEFT JOIN stock_picking picking ON picking.id = inspection.picking_id
                  JOIN res_partner partner ON partner.id = COALESCE(inspection.partner_id, picking.partner_id)
                 WHERE inspection.trigger = 'receipt'
                   AND inspection.state IN ('passed', 'failed')
                   AND inspection.date_done >= %(since)s
                   AND partner.commercial_partner_id = ANY(%(partners)s)
                 GROUP BY partner.commercial_partner_id, inspection.company_id
                """,
                since=since,
                partners=partners.ids,
            )
        )
        return {
            (partner, company): (total, passed) for partner, company, total, passed in self.env.cr.fetchall()
        }

    def _md_compute_supplier_ratings(self):
        """Recompute the ratings of these entries (all active entries when empty)."""
        approvals = self or self.search([])
        if not approvals:
            return True
        self.env.flush_all()  # the queries read receipts, purchase lines and inspections
        partners = approvals.partner_id
        since = self._md_rating_since()
        deliveries = self._md_on_time_by_supplier(partners, since)
        inspections = self._md_pass_rate_by_supplier(partners, since)
        now = fields.Datetime.now()
        for approval in approvals:
            key = (approval.partner_id.id, approval.company_id.id)
            receipts, on_time = deliveries.get(key, (0, 0))
            inspected, passed = inspections.get(key, (0, 0))
            pass_rate = 100.0 * passed / inspected if inspected else None
            on_time_rate = 100.0 * on_time / receipts if receipts else None
            score = rating_score(pass_rate, on_time_rate)
            approval.sudo()._md_write_transition(
                {
                    "rating_inspection_count": inspected,
                    "rating_pass_rate": pass_rate or 0.0,
                    "rating_receipt_count": receipts,
                    "rating_on_time_rate": on_time_rate or 0.0,
                    "rating_score": score or 0.0,
                    "rating_grade": rating_grade(score),
                    "rating_date": now,
                }
            )
        return True

    def action_md_compute_ratings(self):
        self._md_compute_supplier_ratings()
        return True

    @api.model
    def _md_cron_compute_supplier_ratings(self):
        self.search([])._md_compute_supplier_ratings()
