from odoo import models


class StockPicking(models.Model):
    """Records retention of transfers. China: receipts are the purchase-inspection records
    (进货查验记录) and deliveries the sales records (销售记录) of 医疗器械监督管理条例 (State Council
    Order 739, 2021) Art. 45, kept for the period the GSP (医疗器械经营质量管理规范 Art. 23) sets: until 2
    years after the device's expiry date, at least 5 years without one, permanently for implantable
    devices. The periods are the policies of data/md_udi_trace_retention_data.xml (md.retention.policy);
    the mechanism is md_base's md.retention.mixin."""

    _name = "stock.picking"
    _inherit = ["stock.picking", "md.retention.mixin"]  # pylint: disable=consider-merging-classes-inherited
