from odoo import api, fields, models
from odoo.exceptions import ValidationError

DONE_STATES = ("closed", "cancelled")


class MdQualityCapa(models.Model):
    """Supplier corrective action requests (ISO 13485 7.4.1: actions arising
    from the evaluation of suppliers; 8.5.2): a CAPA of type SCAR asks the
    supplier for the cause and the correction, with a response due date."""

    _inherit = "md.quality.capa"

    capa_type = fields.Selection(
        selection_add=[("scar", "SCAR (Supplier)")], ondelete={"scar": "set default"}
    )
    scar_response_due_date = fields.Date(
        "Supplier Response Due", tracking=True, help="When the supplier must answer the request."
    )
    scar_response_date = fields.Date("Supplier Responded On", tracking=True)
    scar_supplier_response = fields.Text(
        "Supplier Response",
        tracking=True,
        help="The supplier's root cause, correction and corrective action.",
    )
    scar_response_overdue = fields.Boolean(
        "Supplier Response Overdue",
        compute="_compute_scar_response_overdue",
        search="_search_scar_response_overdue",
    )

    @api.constrains("capa_type", "partner_id")
    def _check_scar_supplier(self):
        missing = self.filtered(lambda capa: capa.capa_type == "scar" and not capa.partner_id)
        if missing:
            raise ValidationError(
                self.env._(
                    "A supplier corrective action request names the supplier: %s",
                    ", ".join(missing.mapped("display_name")),
                )
            )

    @api.depends("capa_type", "state", "scar_response_due_date", "scar_response_date")
    @api.depends_context("tz")
    def _compute_scar_response_overdue(self):
        today = fields.Date.context_today(self)
        for capa in self:
            capa.scar_response_overdue = bool(
                capa.capa_type == "scar"
                and capa.state not in DONE_STATES
                and not capa.scar_response_date
                and capa.scar_response_due_date
                and capa.scar_response_due_date < today
            )

    def _search_scar_response_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on Supplier Response Overdue."))
        overdue = self.search(
            [
                ("capa_type", "=", "scar"),
                ("state", "not in", DONE_STATES),
                ("scar_response_date", "=", False),
                ("scar_response_due_date", "<", fields.Date.context_today(self)),
            ]
        )
        in_overdue = (operator == "=") == value
        return [("id", "in" if in_overdue else "not in", overdue.ids)]
