from odoo import models


class StockPicking(models.Model):
    """The accompanying document (随货同行单) printed with a delivery: China GSP, NMPA
    announcement 2023 No. 153, Art. 91 (a wholesaler's delivery leaves with it, stamped with the
    outbound seal) and Art. 92 (its content: supplier; registrant or filer and contract
    manufacturer; name, model, specification and registration certificate or filing number;
    lot or serial, use-by date and quantity; transport and storage conditions; consignee,
    address, contact and ship date)."""

    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    def _md_accompanying_lines(self):
        """One row per product and lot/serial shipped, registration read once for all."""
        self.ensure_one()
        lines = self.move_line_ids.filtered(lambda line: line.quantity)
        country = self.partner_id.country_id or self.company_id.country_id
        requests = [(self, line.product_id, country, self.company_id) for line in lines] if country else []
        registration_of = self.env["md.market.gate"]._md_registration_lookup(requests)
        rows = []
        for line in lines:
            product = line.product_id
            registration = registration_of(product, country, self.company_id)
            rows.append(
                {
                    "product": product.name,
                    "model": product.md_model_version or "",
                    "specification": product.product_template_variant_value_ids._get_combination_name(),
                    "registration": registration.number or "",
                    "registrant": registration.holder_id.name or "",
                    "manufacturer": (product.md_manufacturer_id or self.company_id.partner_id).name,
                    "lot": line.lot_id.name or "",
                    "expiry": line.lot_id.expiration_date,
                    "quantity": line.quantity,
                    "uom": line.product_uom_id.name,
                    "udi_di": product.md_udi_di or "",
                    "storage": self._md_storage_text(product),
                }
            )
        return rows

    def _md_storage_text(self, product):
        text = product.md_storage_conditions or ""
        if product.md_storage_temp_controlled:
            text = f"{text} {product.md_storage_temp_min:g}–{product.md_storage_temp_max:g} °C".strip()
        return text

    def _md_outbound_checker(self):
        self.ensure_one()
        return self.md_outbound_check_ids.filtered(lambda check: check.state == "done")[:1].checker_id
