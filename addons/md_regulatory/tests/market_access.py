"""Test helper for modules whose tests sell, deliver or buy device products
(md_is_device): it records and e-signs what md_regulatory's gates require,
through the same models and signatures as users would.

    from odoo.addons.md_regulatory.tests.market_access import grant_market_access

    grant_market_access(self.env, devices, customers=hospital, suppliers=vendor)
"""

from odoo import Command
from odoo.tests import new_test_user

AUTHOR, SIGNER = "md_market_access_author", "md_market_access_signer"
PASSWORD_SUFFIX = "-Pw1!"


def _user(env, login, groups):
    user = env["res.users"].with_context(active_test=False).search([("login", "=", login)])
    return user or new_test_user(env, login, groups=groups, password=login + PASSWORD_SUFFIX)


def _sign(records, user):
    records.with_user(user).md_sign("approved", user.login + PASSWORD_SUFFIX, "Market access for tests")


def grant_market_access(env, products, customers=None, suppliers=None, countries=None, numbers=None):
    """Approved registrations of ``products`` for ``countries`` (default: the
    customers' countries and the company's), numbered from ``numbers`` ({country
    code: number}) where given, an unrestricted licence for each customer, and the
    first-time approvals (首营) of each supplier and product."""
    author = _user(env, AUTHOR, "md_base.group_md_regulatory")
    signer = _user(env, SIGNER, "md_base.group_md_regulatory,md_base.group_md_quality_manager")
    customers = (customers or env["res.partner"]).commercial_partner_id
    suppliers = (suppliers or env["res.partner"]).commercial_partner_id
    countries = countries or (
        customers.child_ids.country_id | customers.country_id | suppliers.country_id | env.company.country_id
    )
    serial = env["md.registration"].sudo().with_context(active_test=False).search_count([])
    templates = products.product_tmpl_id
    holder = env.company.partner_id
    registrations = (
        env["md.registration"]
        .with_user(author)
        .create(
            [
                {
                    "registration_type": "other",
                    "number": (numbers or {}).get(country.code) or f"TEST-{country.code}-{serial + index}",
                    "holder_id": holder.id,
                    "country_id": country.id,
                    "product_tmpl_ids": [Command.set(templates.ids)],
                }
                for index, country in enumerate(countries)
            ]
        )
    )
    _sign(registrations, signer)
    hospital = env.ref("md_regulatory.licence_type_cn_healthcare")
    production = env.ref("md_regulatory.licence_type_cn_production")
    Licence = env["md.partner.licence"].with_user(author)
    Licence.create(
        [
            {"partner_id": customer.id, "licence_type_id": hospital.id, "number": f"TEST-C-{customer.id}"}
            for customer in customers
        ]
    )
    supplier_licences = Licence.create(
        [
            {"partner_id": supplier.id, "licence_type_id": production.id, "number": f"TEST-S-{supplier.id}"}
            for supplier in suppliers
        ]
    )
    approvals = (
        env["md.partner.qualification"]
        .with_user(author)
        .create(
            [
                {"partner_id": licence.partner_id.id, "licence_ids": [Command.set(licence.ids)]}
                for licence in supplier_licences
            ]
        )
    )
    _sign(approvals, signer)
    if suppliers:
        product_approvals = (
            env["md.product.qualification"]
            .with_user(author)
            .create(
                [
                    {"product_tmpl_id": template.id, "registration_id": registrations[:1].id}
                    for template in templates
                ]
            )
        )
        _sign(product_approvals, signer)
    return registrations
