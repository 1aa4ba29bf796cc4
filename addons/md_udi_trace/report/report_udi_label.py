from odoo import api, models

from ..models.md_label_log import LABEL_HEIGHT_MM, LABEL_MARGIN_MM, LABEL_WIDTH_MM


class ReportUdiLabel(models.AbstractModel):
    """Values of the UDI label report: each run's symbols are drawn once, whatever its copies."""

    _name = "report.md_udi_trace.report_udi_label"
    _description = "UDI Label Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        logs = self.env["md.label.log"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "md.label.log",
            "docs": logs,
            "labels": {log.id: self._md_label(log) for log in logs},
            "label_style": (
                f"width:{LABEL_WIDTH_MM - 2 * LABEL_MARGIN_MM}mm;"
                f"height:{LABEL_HEIGHT_MM - 2 * LABEL_MARGIN_MM}mm;"
                f"padding:{LABEL_MARGIN_MM}mm"
            ),
        }

    @api.model
    def _md_label(self, log):
        """The symbols and the text lines of one label (21 CFR 801.18 dates: YYYY-MM-DD)."""
        symbols = log._md_symbols()
        qr = symbols.pop() if log.digital_link else None
        template = log.product_id.product_tmpl_id
        manufacturer = template.md_manufacturer_id or log.company_id.partner_id
        dates = []
        if log.label_expiry:
            dates.append(self.env._("Use by %s", log.label_expiry.isoformat()))
        if log.label_production_date:
            dates.append(self.env._("Manufactured %s", log.label_production_date.isoformat()))
        return {
            "symbols": [
                {"src": symbol.data_uri(), "style": symbol.img_style(), "hri": hri} for symbol, hri in symbols
            ],
            "qr": qr and {"src": qr[0].data_uri(), "style": qr[0].img_style()},
            "linear": log.symbology == "linear",
            "dates": dates,
            "reference": template.md_catalogue_number or log.product_id.default_code,
            "model": template.md_model_version,
            "packaging": log.packaging_id and f"{log.packaging_id.name} ({log.packaging_id.qty:g})",
            "sterile": self._md_sterile_text(template),
            "manufacturer": ", ".join(
                part for part in (manufacturer.name, manufacturer.city, manufacturer.country_id.name) if part
            ),
        }

    @api.model
    def _md_sterile_text(self, template):
        if template.md_sterile:
            method = dict(template._fields["md_sterilisation_method"]._description_selection(self.env)).get(
                template.md_sterilisation_method
            )
            return self.env._("Sterile: %s", method) if method else self.env._("Sterile")
        if template.md_requires_sterilisation:
            return self.env._("Non-sterile: sterilise before use")
        return False
