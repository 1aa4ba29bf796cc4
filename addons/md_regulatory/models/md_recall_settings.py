from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .md_recall import DEFAULT_EFFECTIVENESS_THRESHOLD, EFFECTIVENESS_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    md_recall_effectiveness_threshold = fields.Float(
        string="Recall Effectiveness Threshold (%)",
        config_parameter=EFFECTIVENESS_PARAM,
        default=DEFAULT_EFFECTIVENESS_THRESHOLD,
        help="Below this share of the affected units accounted for, closing a recall needs a closure "
        "justification (21 CFR 7.42(b)(3) effectiveness checks).",
    )
    md_licence_country_ids = fields.Many2many(related="company_id.md_licence_country_ids", readonly=False)

    @api.constrains("md_recall_effectiveness_threshold")
    def _check_md_recall_effectiveness_threshold(self):
        for settings in self:
            if not 0 <= settings.md_recall_effectiveness_threshold <= 100:
                raise ValidationError(
                    self.env._("The recall effectiveness threshold is a percentage (0-100).")
                )
