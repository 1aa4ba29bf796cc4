from odoo import models


class SaleOrder(models.Model):
    """Records retention of sales orders: with their deliveries they are China's sales records (销售记录,
    医疗器械监督管理条例, State Council Order 739, 2021, Art. 45), kept until 2 years after the devices'
    expiry date, at least 5 years without one, permanently for implantable devices (医疗器械经营质量管理规范
    Art. 9). The periods are the policies of data/md_regulatory_retention_data.xml; the mechanism is
    md_base's md.retention.mixin."""

    _name = "sale.order"
    _inherit = ["sale.order", "md.retention.mixin"]  # pylint: disable=consider-merging-classes-inherited
