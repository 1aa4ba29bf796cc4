from odoo import fields, models, tools
from odoo.tools import SQL


class MdQualityReportIncoming(models.Model):
    """Incoming rejection rate by supplier (ISO 13485 7.4.3 verification of
    purchased product, 8.4 analysis of supplier data): one row per decided
    incoming inspection."""

    _name = "md.quality.report.incoming"
    _description = "Incoming Inspection Results"
    _auto = False
    _order = "date desc"

    inspection_id = fields.Many2one("md.quality.inspection", readonly=True)
    partner_id = fields.Many2one("res.partner", "Supplier", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Datetime("Decided On", readonly=True)
    inspection_count = fields.Integer("Inspections", readonly=True)
    rejected_count = fields.Integer("Rejected", readonly=True)
    rejection_rate = fields.Float("Rejection Rate (%)", readonly=True, aggregator="avg", digits=(5, 1))

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS (
                    SELECT inspection.id, inspection.id AS inspection_id,
                           partner.commercial_partner_id AS partner_id, inspection.product_id,
                           inspection.company_id, inspection.date_done AS date, 1 AS inspection_count,
                           CASE WHEN inspection.state = 'failed' THEN 1 ELSE 0 END AS rejected_count,
                           CASE WHEN inspection.state = 'failed' THEN 100.0 ELSE 0.0 END AS rejection_rate
                      FROM md_quality_inspection inspection
                 LEFT JOIN stock_picking picking ON picking.id = inspection.picking_id
                 LEFT JOIN res_partner partner
                        ON partner.id = COALESCE(inspection.partner_id, picking.partner_id)
                     WHERE inspection.trigger = 'receipt'
                       AND inspection.state IN ('passed', 'failed')
                )
                """,
                table=SQL.identifier(self._table),
            )
        )
