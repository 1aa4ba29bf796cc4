from odoo import fields, models


class ProductTemplate(models.Model):
    """What the records retention policies read from a device (md.retention.policy)."""

    _inherit = "product.template"  # pylint: disable=consider-merging-classes-inherited

    md_implantable = fields.Boolean(
        help="China: the purchase-inspection (进货查验) and sales records of implantable devices are kept "
        "permanently (医疗器械经营质量管理规范 Art. 23; 医疗器械经营监督管理办法 Art. 32).",
    )
    md_expected_life_years = fields.Integer(
        "Expected Life (years)",
        tracking=True,
        help="The lifetime of the device as the manufacturer defines it. Its quality records are kept at "
        "least this long, and not less than two years from its release (ISO 13485:2016 4.2.5, incorporated "
        "by 21 CFR 820.10 and 820.35; formerly 21 CFR 820.180(b)). 0: not defined.",
    )

    _sql_constraints = [
        (
            "md_expected_life_positive",
            "CHECK(md_expected_life_years >= 0)",
            "An expected life cannot be negative.",
        ),
    ]
