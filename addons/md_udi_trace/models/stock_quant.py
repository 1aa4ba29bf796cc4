from odoo import fields, models


class StockQuant(models.Model):
    _inherit = "stock.quant"  # pylint: disable=consider-merging-classes-inherited

    md_lot_status = fields.Selection(related="lot_id.md_status", string="Lot Status")
    md_alert_date = fields.Datetime(
        related="lot_id.alert_date",
        string="Near-Expiry Alert From",
        help="The expiry date less the product's alert days.",
    )

    def _get_removal_strategy(self, product_id, location_id):
        """Devices with an expiry date leave first-expired-first-out unless a category or
        location sets another strategy (GSP, NMPA announcement 2023 No. 153, Art. 76: the
        expiry dates of stock are tracked and controlled)."""
        strategy = super()._get_removal_strategy(product_id, location_id)
        explicit = product_id.sudo().categ_id.removal_strategy_id or any(
            location.removal_strategy_id for location in self._md_location_chain(location_id)
        )
        if strategy == "fifo" and not explicit and product_id.md_is_device and product_id.use_expiration_date:
            return "fefo"
        return strategy

    def _md_location_chain(self, location):
        location = location.sudo()
        while location:
            yield location
            location = location.location_id
