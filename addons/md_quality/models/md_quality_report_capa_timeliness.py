from odoo import fields, models, tools
from odoo.tools import SQL


class MdQualityReportCapaTimeliness(models.Model):
    """CAPA on-time rate (ISO 13485 8.5.2: action without undue delay): every
    CAPA with a target closure date that is closed, or open past it. Closed by
    the target counts on time; closed later or still open after it, late."""

    _name = "md.quality.report.capa.timeliness"
    _description = "CAPA Timeliness"
    _auto = False
    _order = "date_due desc"

    capa_id = fields.Many2one("md.quality.capa", "CAPA", readonly=True)
    # The CAPA's own selections, with their labels in the user's language.
    capa_type = fields.Selection(
        lambda self: self.env["md.quality.capa"]._fields["capa_type"]._description_selection(self.env),
        "Type",
        readonly=True,
    )
    source = fields.Selection(
        lambda self: self.env["md.quality.capa"]._fields["source"]._description_selection(self.env),
        readonly=True,
    )
    product_id = fields.Many2one("product.product", readonly=True)
    user_id = fields.Many2one("res.users", "Responsible", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date_due = fields.Date("Target Closure", readonly=True)
    date_closed = fields.Date("Closed On", readonly=True)
    capa_count = fields.Integer("CAPAs", readonly=True)
    on_time_count = fields.Integer("On Time", readonly=True)
    on_time_rate = fields.Float("On-Time Rate (%)", readonly=True, aggregator="avg", digits=(5, 1))

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS (
                    SELECT capa.id, capa.id AS capa_id, capa.capa_type, capa.source, capa.product_id,
                           capa.user_id, capa.company_id, capa.date_due, capa.date_closed, 1 AS capa_count,
                           timely.on_time AS on_time_count, 100.0 * timely.on_time AS on_time_rate
                      FROM md_quality_capa capa
                     CROSS JOIN LATERAL (
                        SELECT CASE WHEN capa.state = 'closed' AND capa.date_closed <= capa.date_due
                                    THEN 1 ELSE 0 END AS on_time
                     ) timely
                     WHERE capa.date_due IS NOT NULL
                       AND (capa.state = 'closed'
                            OR (capa.state != 'cancelled' AND capa.date_due < CURRENT_DATE))
                )
                """,
                table=SQL.identifier(self._table),
            )
        )
