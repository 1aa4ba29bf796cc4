from odoo import fields, models, tools
from odoo.tools import SQL


class MdQualityReportFirstPass(models.Model):
    """First-pass yield by product (ISO 13485 8.4 analysis of data): a done
    manufacturing order passes first time when no nonconformance was raised on it
    and none of its inspections failed."""

    _name = "md.quality.report.first.pass"
    _description = "First-Pass Yield"
    _auto = False
    _order = "date desc"

    production_id = fields.Many2one("mrp.production", "Manufacturing Order", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Datetime("Finished On", readonly=True)
    production_count = fields.Integer("Orders", readonly=True)
    first_pass_count = fields.Integer("Passed First Time", readonly=True)
    first_pass_yield = fields.Float("First-Pass Yield (%)", readonly=True, aggregator="avg", digits=(5, 1))

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS (
                    SELECT production.id, production.id AS production_id, production.product_id,
                           production.company_id, production.date_finished AS date,
                           1 AS production_count, passed.first_pass AS first_pass_count,
                           100.0 * passed.first_pass AS first_pass_yield
                      FROM mrp_production production
                     CROSS JOIN LATERAL (
                        SELECT CASE WHEN EXISTS (
                                   SELECT 1 FROM md_quality_ncr ncr WHERE ncr.production_id = production.id
                               ) OR EXISTS (
                                   SELECT 1 FROM md_quality_inspection inspection
                                    WHERE inspection.production_id = production.id
                                      AND inspection.state = 'failed'
                               ) THEN 0 ELSE 1 END AS first_pass
                     ) passed
                     WHERE production.state = 'done'
                )
                """,
                table=SQL.identifier(self._table),
            )
        )
