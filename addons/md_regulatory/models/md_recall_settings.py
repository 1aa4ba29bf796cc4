import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .md_recall import DEFAULT_EFFECTIVENESS_THRESHOLD, EFFECTIVENESS_PARAM


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    md_fda_registration_number = fields.Char(
        string="FDA Establishment Registration Number",
        help="21 CFR 806.10(c)(1): the seven digit registration number that starts the correction or "
        "removal report number. Empty: the report number starts with seven zeros and the report states "
        "whether the firm ever registered (806.10(c)(4)).",
    )

    @api.constrains("md_fda_registration_number")
    def _check_md_fda_registration_number(self):
        for company in self:
            number = company.md_fda_registration_number
            if number and not re.fullmatch(r"\d{7}", number):
                raise ValidationError(
                    self.env._(
                        "The FDA establishment registration number has seven digits "
                        "(21 CFR 806.10(c)(1)): %s",
                        number,
                    )
                )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    md_recall_effectiveness_threshold = fields.Float(
        string="Recall Effectiveness Threshold (%)",
        config_parameter=EFFECTIVENESS_PARAM,
        default=DEFAULT_EFFECTIVENESS_THRESHOLD,
        help="Below this share of the units delivered accounted for (returned, destroyed or corrected), "
        "closing a recall needs a closure justification (21 CFR 7.42(b)(3) effectiveness checks).",
    )
    md_licence_country_ids = fields.Many2many(related="company_id.md_licence_country_ids", readonly=False)
    md_outbound_check_required = fields.Boolean(
        related="company_id.md_outbound_check_required", readonly=False
    )
    md_receipt_gate_required = fields.Boolean(related="company_id.md_receipt_gate_required", readonly=False)
    md_acceptance_required = fields.Boolean(related="company_id.md_acceptance_required", readonly=False)
    md_fda_registration_number = fields.Char(related="company_id.md_fda_registration_number", readonly=False)

    @api.constrains("md_recall_effectiveness_threshold")
    def _check_md_recall_effectiveness_threshold(self):
        for settings in self:
            if not 0 <= settings.md_recall_effectiveness_threshold <= 100:
                raise ValidationError(
                    self.env._("The recall effectiveness threshold is a percentage (0-100).")
                )
