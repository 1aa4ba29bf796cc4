from odoo import api, fields, models

# Printed in Chinese and in English, each where the language is installed.
CERTIFICATE_LANGUAGES = ("zh_CN", "en_US")


class ReportCertificateOfConformity(models.AbstractModel):
    """The certificate of conformity (产品合格证) of a released lot or serial.

    - 医疗器械生产质量管理规范 (2025 revision, in force since 2026-11-01), Art. 104: the released
      product comes with its proof of conformity (合格证明文件), which may be a certificate of
      conformity (合格证), signed off by an authorised release person; SAMR Order 53 Art. 34;
      ISO 13485:2016 8.2.6.
    - State Council Order 739, Art. 55, and GSP (NMPA announcement 2023 No. 153) Art. 57, 64, 80:
      no device without its proof of conformity is bought, sold or used; the buyer checks it at
      acceptance.

    It is issued only for what the release signature released and is not held, and names the
    registration, the lot and its dates (Order 6 Art. 13 label content), the UDI and who released
    it."""

    _name = "report.md_quality.report_md_certificate_of_conformity"
    _description = "Certificate of Conformity Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        lots = self.env["stock.lot"].browse(docids)
        lots._md_check_certifiable()
        languages = [code for code in CERTIFICATE_LANGUAGES if self.env["res.lang"]._lang_get(code)]
        return {
            "doc_ids": docids,
            "doc_model": "stock.lot",
            "docs": lots,
            "languages": languages or [self.env.lang or "en_US"],
            "certificates": {lot.id: self._md_certificate(lot) for lot in lots},
        }

    @api.model
    def _md_certificate(self, lot):
        company = lot.company_id or self.env.company
        product = lot.product_id
        registration_of = self.env["md.market.gate"]._md_registration_lookup(
            [(lot, product, company.country_id, company)] if company.country_id else []
        )
        registration = registration_of(product, company.country_id, company)
        dhrs = lot.sudo().md_dhr_ids.filtered(lambda dhr: dhr.state == "released")
        release = dhrs.sorted("decision_on")[-1:]
        return {
            "manufacturer": product.md_manufacturer_id or company.partner_id,
            "production_licence": self._md_production_licence(company),
            "registration": registration.number or "",
            "model": product.md_model_version or "",
            "specification": product.product_template_variant_value_ids._get_combination_name(),
            "production_date": lot.md_production_date,
            "expiry": self._md_local_date(lot, lot.expiration_date),
            "udi": lot._md_udi_text() or "",
            "released_by": release.decision_by_id.name or "",
            "released_on": self._md_local_date(lot, release.decision_on),
        }

    @api.model
    def _md_local_date(self, record, value):
        """The calendar date of a datetime where the certificate is printed."""
        return value and fields.Datetime.context_timestamp(record, value).date()

    @api.model
    def _md_production_licence(self, company):
        production = self.env.ref("md_regulatory.licence_type_cn_production", raise_if_not_found=False)
        licences = company.partner_id.sudo().md_licence_ids.filtered(
            lambda licence: licence.licence_type_id == production and licence.state == "valid"
        )
        return licences[:1].number or ""
