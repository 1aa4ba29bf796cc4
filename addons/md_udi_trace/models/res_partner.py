from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    md_min_shelf_life_days = fields.Integer(
        "Minimum Shelf Life at Delivery (days)",
        tracking=True,
        help="The customer's requirement: lots delivered to this customer have at least "
        "this many days before expiry.",
    )
    md_duns = fields.Char("DUNS Number", tracking=True, help="Labeler DUNS number for the FDA GUDID.")
    md_eu_srn = fields.Char(
        "EU SRN", tracking=True, help="Single Registration Number of the economic operator (MDR Art. 31)."
    )

    _sql_constraints = [
        (
            "md_min_shelf_life_positive",
            "CHECK(md_min_shelf_life_days >= 0)",
            "A minimum shelf life cannot be negative.",
        ),
    ]
