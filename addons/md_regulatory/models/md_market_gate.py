from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .md_gate_override import GATES

# A registration or licence in force today: approved (registrations), not
# withdrawn, issued and not expired. The dates are compared here rather than
# through the stored state, so a certificate expiring tonight blocks tomorrow
# morning, before the daily cron refreshes the state.
REGISTRATION_IN_FORCE = """
    reg.approved_on IS NOT NULL AND reg.withdrawn_on IS NULL
    AND (reg.issue_date IS NULL OR reg.issue_date <= %(today)s)
    AND (reg.expiry_date IS NULL OR reg.expiry_date >= %(today)s)
"""


class MdMarketGate(models.AbstractModel):
    """The regulatory gates of sales, deliveries and purchases of device
    products (md_is_device), each checked for all lines at once in a few
    queries:

    - registration: a valid certificate covering the product and the country
      of the delivery address (条例 Art. 13: no sale without registration or
      filing; FD&C Act 510(k)/PMA; MDR Art. 5, 56);
    - customer licence, for deliveries to a country of the company's
      "Countries Requiring Customer Licences" (China by default): the buyer
      holds a valid licence whose scope covers the device class (条例 Art.
      30-32, 41-42; 医疗器械经营监督管理办法 and GSP customer checks: a
      distributor sells only to holders of a 经营许可证/备案凭证 or
      医疗机构执业许可证). A licence type issued by a country counts for
      deliveries to that country only;
    - supplier and product qualification: 首营企业/首营品种 approved and the
      supplier's verified licences still valid (China GSP; ISO 13485 7.4.1).

    A violation is lifted for exactly one document and product by a signed
    md.gate.override."""

    _name = "md.market.gate"
    _description = "Regulatory Gates of Sales and Purchases"

    # --- registration ----------------------------------------------------------

    @api.model
    def _md_registration_violations(self, requests):
        """``requests``: [(document, product, country, company)] -> violations."""
        requests = [r for r in requests if r[1].md_is_device]
        violations = [
            self._md_violation(
                "registration",
                document,
                product,
                country=country,
                message=self.env._(
                    "%(document)s: the delivery address has no country, so the market registration of "
                    "%(product)s cannot be checked.",
                    document=document.display_name,
                    product=product.display_name,
                ),
            )
            for document, product, country, _company in requests
            if not country
        ]
        requests = [r for r in requests if r[2]]
        if not requests:
            return violations
        found = self._md_query_registrations(requests)
        Registration = self.env["md.registration"].sudo()
        for document, product, country, company in requests:
            registration_id, in_force = found.get(
                (product.product_tmpl_id.id, country.id, company.id), (None, False)
            )
            if not in_force:
                registration = Registration.browse(registration_id)
                violations.append(
                    self._md_violation(
                        "registration",
                        document,
                        product,
                        country=country,
                        message=self._md_registration_message(document, product, country, registration),
                    )
                )
        return violations

    @api.model
    def _md_registration_lookup(self, requests):
        """``lookup(product, country, company)`` -> the best registration (or none) for any of
        ``requests`` ([(document, product, country, company)]), all read in one query."""
        found = self._md_query_registrations(requests) if requests else {}
        registrations = self.env["md.registration"].sudo()

        def lookup(product, country, company):
            key = (product.product_tmpl_id.id, country.id, company.id)
            return registrations.browse(found.get(key, (None, False))[0])

        return lookup

    @api.model
    def _md_registrations_of(self, records, market_of):
        """``{record: best registration (or none)}`` for records with ``product_id`` and
        ``company_id`` (GSP record lines), in the market ``market_of(record)``; one query."""
        markets = {record: market_of(record) for record in records}
        registration_of = self._md_registration_lookup(
            [
                (record, record.product_id, market, record.company_id)
                for record, market in markets.items()
                if market and record.product_id.md_is_device
            ]
        )
        return {
            record: registration_of(record.product_id, market, record.company_id)
            for record, market in markets.items()
        }

    @api.model
    def _md_query_registrations(self, requests):
        """{(template, country, company): (best registration id or None, in force)}: one query."""
        self.env["md.registration"].flush_model()
        today = fields.Date.context_today(self)
        keys = {(p.product_tmpl_id.id, p.categ_id.id, c.id, co.id) for _d, p, c, co in requests}
        templates, categories, countries, companies = (list(column) for column in zip(*keys, strict=True))
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (req.tmpl_id, req.country_id, req.company_id)
                       req.tmpl_id, req.country_id, req.company_id, reg.id,
                       COALESCE(%(in_force)s, FALSE) AS in_force
                  FROM unnest(%(templates)s::int[], %(categories)s::int[], %(countries)s::int[],
                              %(companies)s::int[]) AS req(tmpl_id, categ_id, country_id, company_id)
             LEFT JOIN md_registration reg
                    ON reg.company_id = req.company_id AND reg.active
                   AND EXISTS (SELECT 1 FROM md_registration_country_rel rc
                                WHERE rc.registration_id = reg.id AND rc.country_id = req.country_id)
                   AND (EXISTS (SELECT 1 FROM md_registration_product_template_rel rt
                                 WHERE rt.registration_id = reg.id AND rt.product_template_id = req.tmpl_id)
                        OR EXISTS (SELECT 1 FROM md_registration_product_category_rel rcat
                                     JOIN product_category scope ON scope.id = rcat.category_id
                                     JOIN product_category own ON own.id = req.categ_id
                                    WHERE rcat.registration_id = reg.id
                                      AND starts_with(own.parent_path, scope.parent_path)))
              ORDER BY req.tmpl_id, req.country_id, req.company_id, in_force DESC,
                       reg.expiry_date DESC NULLS FIRST, reg.id DESC
                """,
                in_force=SQL(REGISTRATION_IN_FORCE, today=today),
                templates=templates,
                categories=categories,
                countries=countries,
                companies=companies,
            )
        )
        return {
            (tmpl, country, company): (reg, ok) for tmpl, country, company, reg, ok in self.env.cr.fetchall()
        }

    @api.model
    def _md_registration_message(self, document, product, country, registration):
        values = {
            "document": document.display_name,
            "product": product.display_name,
            "country": country.name,
            "certificate": registration.display_name,
        }
        today = fields.Date.context_today(self)
        if not registration:
            return self.env._(
                "%(document)s: %(product)s has no registration certificate for %(country)s.", **values
            )
        if registration.withdrawn_on:
            return self.env._(
                "%(document)s: the registration %(certificate)s of %(product)s for %(country)s is withdrawn.",
                **values,
            )
        if not registration.approved_on:
            return self.env._(
                "%(document)s: the registration %(certificate)s of %(product)s for %(country)s is not "
                "approved yet.",
                **values,
            )
        if registration.issue_date and registration.issue_date > today:
            return self.env._(
                "%(document)s: the registration %(certificate)s of %(product)s for %(country)s is valid "
                "from %(date)s only.",
                date=registration.issue_date,
                **values,
            )
        return self.env._(
            "%(document)s: the registration %(certificate)s of %(product)s for %(country)s expired on "
            "%(date)s.",
            date=registration.expiry_date,
            **values,
        )

    # --- customer licence ------------------------------------------------------

    @api.model
    def _md_customer_licence_violations(self, requests):
        """``requests``: [(document, product, customer, delivery country, company)] ->
        violations. Only deliveries to a country whose law requires the buyer's licence
        (res.company.md_licence_country_ids) are checked; a delivery without a country
        is refused by the registration gate."""
        requests = [
            (document, product, customer.commercial_partner_id, country, company)
            for document, product, customer, country, company in requests
            if product.md_is_device and country and country in company.md_licence_country_ids
        ]
        if not requests:
            return []
        found = self._md_query_customer_licences(requests)
        Licence = self.env["md.partner.licence"].sudo()
        violations = []
        for document, product, customer, country, company in requests:
            licence_id, in_force = found.get(
                (customer.id, product.product_tmpl_id.id, country.id, company.id), (None, False)
            )
            if in_force:
                continue
            licence = Licence.browse(licence_id)
            values = {
                "document": document.display_name,
                "customer": customer.display_name,
                "product": product.display_name,
                "klass": product.md_risk_class_cn or self.env._("unclassified"),
                "licence": licence.display_name,
                "country": country.name,
            }
            if not licence:
                message = self.env._(
                    "%(document)s: %(customer)s has no licence covering %(product)s (NMPA class %(klass)s), "
                    "required for deliveries to %(country)s.",
                    **values,
                )
            elif licence.withdrawn_on:
                message = self.env._(
                    "%(document)s: the licence %(licence)s of %(customer)s covering %(product)s is revoked.",
                    **values,
                )
            else:
                message = self.env._(
                    "%(document)s: the licence %(licence)s of %(customer)s covering %(product)s "
                    "(NMPA class %(klass)s) expired on %(date)s.",
                    date=licence.expiry_date,
                    **values,
                )
            violations.append(
                self._md_violation("customer_licence", document, product, partner=customer, message=message)
            )
        return violations

    @api.model
    def _md_query_customer_licences(self, requests):
        """{(customer, template, country, company): (best licence id or None, in force)}: one
        query. A licence covers a product by its class, its categories, or, without any scope,
        every device; its type must be a customer licence type of the delivery country or of
        no country."""
        self.env["md.partner.licence"].flush_model()
        self.env["md.partner.licence.type"].flush_model()
        today = fields.Date.context_today(self)
        keys = {
            (c.id, p.product_tmpl_id.id, p.categ_id.id, p.md_risk_class_cn or "", country.id, co.id)
            for _d, p, c, country, co in requests
        }
        partners, templates, categories, classes, countries, companies = (
            list(column) for column in zip(*keys, strict=True)
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (req.partner_id, req.tmpl_id, req.country_id, req.company_id)
                       req.partner_id, req.tmpl_id, req.country_id, req.company_id, lic.id,
                       COALESCE(lic.id IS NOT NULL AND lic.withdrawn_on IS NULL
                                AND (lic.issue_date IS NULL OR lic.issue_date <= %(today)s)
                                AND (lic.expiry_date IS NULL OR lic.expiry_date >= %(today)s),
                                FALSE) AS in_force
                  FROM unnest(%(partners)s::int[], %(templates)s::int[], %(categories)s::int[],
                              %(classes)s::varchar[], %(countries)s::int[], %(companies)s::int[])
                       AS req(partner_id, tmpl_id, categ_id, cn_class, country_id, company_id)
             LEFT JOIN md_partner_licence lic
                    ON lic.partner_id = req.partner_id AND lic.active
                   AND (lic.company_id IS NULL OR lic.company_id = req.company_id)
                   AND EXISTS (SELECT 1 FROM md_partner_licence_type t
                                WHERE t.id = lic.licence_type_id AND t.for_customer
                                  AND (t.country_id IS NULL OR t.country_id = req.country_id))
                   AND ((req.cn_class = 'I' AND lic.covers_class_i)
                        OR (req.cn_class = 'II' AND lic.covers_class_ii)
                        OR (req.cn_class = 'III' AND lic.covers_class_iii)
                        OR EXISTS (SELECT 1 FROM md_partner_licence_product_category_rel rcat
                                     JOIN product_category scope ON scope.id = rcat.category_id
                                     JOIN product_category own ON own.id = req.categ_id
                                    WHERE rcat.licence_id = lic.id
                                      AND starts_with(own.parent_path, scope.parent_path))
                        OR (NOT COALESCE(lic.covers_class_i, FALSE)
                            AND NOT COALESCE(lic.covers_class_ii, FALSE)
                            AND NOT COALESCE(lic.covers_class_iii, FALSE)
                            AND NOT EXISTS (SELECT 1 FROM md_partner_licence_product_category_rel rcat
                                             WHERE rcat.licence_id = lic.id)))
              ORDER BY req.partner_id, req.tmpl_id, req.country_id, req.company_id, in_force DESC,
                       lic.expiry_date DESC NULLS FIRST, lic.id DESC
                """,
                today=today,
                partners=partners,
                templates=templates,
                categories=categories,
                classes=classes,
                countries=countries,
                companies=companies,
            )
        )
        return {(p, t, c, co): (lic, ok) for p, t, c, co, lic, ok in self.env.cr.fetchall()}

    # --- supplier and product first-time approval (首营) -----------------------

    @api.model
    def _md_supplier_violations(self, requests):
        """``requests``: [(document, product, supplier, company)] -> violations: a supplier
        without an approved first-time approval, or whose verified licences lapsed."""
        requests = [(d, p, s.commercial_partner_id, co) for d, p, s, co in requests if p.md_is_device]
        if not requests:
            return []
        approvals = (
            self.env["md.partner.qualification"]
            .sudo()
            .search(
                [
                    ("state", "=", "approved"),
                    ("partner_id", "in", list({r[2].id for r in requests})),
                    ("company_id", "in", list({r[3].id for r in requests})),
                ]
            )
        )
        by_key = {(a.partner_id.id, a.company_id.id): a for a in approvals}
        today = fields.Date.context_today(self)
        violations = []
        for document, product, supplier, company in requests:
            approval = by_key.get((supplier.id, company.id))
            values = {
                "document": document.display_name,
                "supplier": supplier.display_name,
                "product": product.display_name,
            }
            if not approval:
                message = self.env._(
                    "%(document)s: %(supplier)s has no approved first-time supplier approval (首营企业), "
                    "required to purchase %(product)s.",
                    **values,
                )
            else:
                lapsed = approval.licence_ids.filtered(
                    lambda lic: lic.withdrawn_on or (lic.expiry_date and lic.expiry_date < today)
                )
                if not lapsed:
                    continue
                message = self.env._(
                    "%(document)s: licence %(licences)s of %(supplier)s is expired or revoked; renew the "
                    "supplier approval before purchasing %(product)s.",
                    licences=", ".join(lapsed.mapped("display_name")),
                    **values,
                )
            violations.append(
                self._md_violation(
                    "supplier_qualification", document, product, partner=supplier, message=message
                )
            )
        return violations

    @api.model
    def _md_product_qualification_violations(self, requests):
        """``requests``: [(document, product, company)] -> violations: device products without
        an approved first-time product approval (首营品种)."""
        requests = [r for r in requests if r[1].md_is_device]
        if not requests:
            return []
        approvals = (
            self.env["md.product.qualification"]
            .sudo()
            .search(
                [
                    ("state", "=", "approved"),
                    ("product_tmpl_id", "in", list({r[1].product_tmpl_id.id for r in requests})),
                    ("company_id", "in", list({r[2].id for r in requests})),
                ]
            )
        )
        approved = {(a.product_tmpl_id.id, a.company_id.id) for a in approvals}
        return [
            self._md_violation(
                "product_qualification",
                document,
                product,
                message=self.env._(
                    "%(document)s: %(product)s has no approved first-time product approval (首营品种).",
                    document=document.display_name,
                    product=product.display_name,
                ),
            )
            for document, product, company in requests
            if (product.product_tmpl_id.id, company.id) not in approved
        ]

    # --- overrides and refusal -------------------------------------------------

    @api.model
    def _md_violation(self, gate, document, product, partner=None, country=None, message=""):
        return {
            "gate": gate,
            "document": document,
            "product": product,
            "partner": partner or self.env["res.partner"],
            "country": country or self.env["res.country"],
            "message": message,
        }

    @api.model
    def _md_not_overridden(self, violations, also_covered_by=None):
        """The violations no signed override lifts. ``also_covered_by(document)``
        may give other documents whose overrides count too (a delivery's sales order)."""
        documents = defaultdict(set)
        for violation in violations:
            for document in self._md_override_documents(violation["document"], also_covered_by):
                documents[document._name].add(document.id)
        Override = self.env["md.gate.override"]
        keys = set()
        for model, ids in documents.items():
            keys |= {(model, *key) for key in Override._md_signed_keys(self.env[model].browse(ids))}
        return [
            violation
            for violation in violations
            if not any(
                (doc._name, violation["gate"], doc.id, violation["product"].id, violation["country"].id)
                in keys
                for doc in self._md_override_documents(violation["document"], also_covered_by)
            )
        ]

    @api.model
    def _md_override_documents(self, document, also_covered_by):
        extra = also_covered_by(document) if also_covered_by else []
        return [document, *[doc for doc in extra if doc]]

    @api.model
    def _md_raise(self, violations):
        if not violations:
            return
        messages = list(dict.fromkeys(violation["message"] for violation in violations))
        overridable = {gate for gate, _label in GATES}
        if any(violation["gate"] in overridable for violation in violations):
            messages.append(
                self.env._(
                    "Regulatory Affairs can lift a refusal of a regulatory gate for this document with a "
                    "signed override (button Regulatory Override)."
                )
            )
        raise UserError("\n".join(messages))
