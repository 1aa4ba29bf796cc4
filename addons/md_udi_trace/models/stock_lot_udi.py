from odoo import fields, models

from ..labels import Gs1LabelData, HibcLabelData, LabelError
from .md_label_log import udi_hri


class StockLot(models.Model):
    """The UDI of a lot or serial in human-readable form, for records and certificates."""

    _inherit = "stock.lot"  # pylint: disable=consider-merging-classes-inherited

    def _md_udi_text(self):
        """The device identifier with the production identifiers the product's label carries
        (GS1 HRI or HIBC data); the DI and the lot name when the symbology cannot carry them."""
        self.ensure_one()
        product = self.product_id
        if not product.md_udi_di:
            return False
        plain = f"{product.md_udi_di} {self.name}"
        data_class = {"gs1": Gs1LabelData, "hibcc": HibcLabelData}.get(product.md_udi_issuer)
        if not data_class:
            return plain
        try:
            return udi_hri(data_class(product.md_udi_di, **self._md_label_identifiers()))
        except LabelError:
            return plain

    def _md_label_identifiers(self):
        """The production identifiers of this lot that its product's label carries, where known."""
        template = self.product_id.product_tmpl_id
        tracking = self.product_id.tracking
        pis = {}
        if template.md_label_serial and tracking == "serial":
            pis["serial"] = self.name
        if template.md_label_lot and tracking == "lot":
            pis["lot"] = self.name
        if self.expiration_date and template.md_label_expiry:
            pis["expiry"] = fields.Datetime.context_timestamp(self, self.expiration_date).date()
        if self.md_production_date and template.md_label_production_date:
            pis["production_date"] = self.md_production_date
        return pis
