from contextlib import ExitStack
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user

PASSWORD_SUFFIX = "-Pw1!"


class MdQualificationCase(TransactionCase):
    """Device products (NMPA class II and III), customers in China, Germany
    and Switzerland, a supplier; a Regulatory Affairs author and signer, a
    quality manager and a plain Medical Devices user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["md.registration"])
        cls.ra_author = cls._user("md_ra_author", "md_base.group_md_regulatory")
        cls.ra_signer = cls._user("md_ra_signer", "md_base.group_md_regulatory")
        cls.quality_manager = cls._user("md_qm", "md_base.group_md_quality_manager")
        cls.md_user = cls._user("md_plain", "md_base.group_md_user")
        cls.category = cls.env["product.category"].create({"name": "Infusion"})
        cls.subcategory = cls.env["product.category"].create({"name": "Sets", "parent_id": cls.category.id})
        cls.infusion_set = cls._device("Infusion Set T-1", "II", cls.subcategory)
        cls.stent = cls._device("Stent T-3", "III", cls.category)
        cls.plain_product = cls.env["product.product"].create({"name": "Box label", "is_storable": True})
        cls.cn, cls.de, cls.no, cls.ch, cls.us = (
            cls.env.ref(f"base.{code}") for code in ("cn", "de", "no", "ch", "us")
        )
        cls.customer_cn = cls._partner("Hangzhou Hospital", cls.cn)
        cls.customer_de = cls._partner("Klinikum Nord", cls.de)
        cls.customer_ch = cls._partner("Spital Basel", cls.ch)
        cls.supplier = cls._partner("Ningbo Tubing Co.", cls.cn)
        cls.holder = cls._partner("Registrant Ltd.", cls.cn)
        cls.notified_body = cls._partner("Notified Body GmbH", cls.de)
        cls.type_hospital = cls.env.ref("md_regulatory.licence_type_cn_healthcare")
        cls.type_distribution = cls.env.ref("md_regulatory.licence_type_cn_distribution")
        cls.type_distribution_filing = cls.env.ref("md_regulatory.licence_type_cn_distribution_filing")
        cls.type_production = cls.env.ref("md_regulatory.licence_type_cn_production")
        cls.eu = cls.env.ref("md_regulatory.country_group_eu_eea_mdr")
        cls._isolate_from_other_gates()

    @classmethod
    def _isolate_from_other_gates(cls):
        """md_quality, when installed, adds its approved-supplier list to purchase
        confirmation; these tests check md_regulatory's gates alone."""
        stack = ExitStack()
        purchase_class = type(cls.env["purchase.order"])
        if hasattr(purchase_class, "_md_approved_supplier_violations"):
            stack.enter_context(
                patch.object(purchase_class, "_md_approved_supplier_violations", return_value=[])
            )
        cls.addClassCleanup(stack.close)

    @classmethod
    def _user(cls, login, groups):
        return new_test_user(
            cls.env,
            login,
            groups=groups,
            name=login.replace("_", " ").title(),
            password=login + PASSWORD_SUFFIX,
            # The same "today" as cls.today: dates follow the user's time zone (context_today).
            tz=cls.env.user.tz,
        )

    @classmethod
    def _device(cls, name, cn_class, category):
        return cls.env["product.product"].create(
            {
                "name": name,
                "is_storable": True,
                "md_is_device": True,
                "md_risk_class_cn": cn_class,
                "categ_id": category.id,
            }
        )

    @classmethod
    def _partner(cls, name, country):
        return cls.env["res.partner"].create({"name": name, "is_company": True, "country_id": country.id})

    @staticmethod
    def password(user):
        return user.login + PASSWORD_SUFFIX

    def sign(self, records, user, meaning="approved"):
        return records.with_user(user).md_sign(meaning, self.password(user), f"{meaning} by {user.login}")

    # --- registrations -------------------------------------------------------

    def new_registration(self, products=None, country=None, **vals):
        values = {
            "registration_type": "nmpa_registration",
            "number": f"国械注准{len(self.env['md.registration'].search([])) + 20240001}",
            "holder_id": self.holder.id,
            "country_id": (country or self.cn).id,
            "product_tmpl_ids": [Command.set((products or self.infusion_set).product_tmpl_id.ids)],
            "issue_date": self.today - timedelta(days=365),
            "expiry_date": self.today + timedelta(days=365 * 4),
        }
        values.update(vals)
        return self.env["md.registration"].with_user(self.ra_author).create(values)

    def approved_registration(self, products=None, country=None, **vals):
        registration = self.new_registration(products, country, **vals)
        self.sign(registration, self.ra_signer)
        return registration

    # --- licences ------------------------------------------------------------

    def licence(self, partner, licence_type=None, **vals):
        values = {
            "partner_id": partner.id,
            "licence_type_id": (licence_type or self.type_hospital).id,
            "number": f"LIC-{partner.id}-{len(partner.md_licence_ids) + 1}",
            "expiry_date": self.today + timedelta(days=800),
        }
        values.update(vals)
        return self.env["md.partner.licence"].with_user(self.ra_author).create(values)

    # --- orders --------------------------------------------------------------

    def sale_order(self, customer, products, shipping=None):
        return self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "partner_shipping_id": (shipping or customer).id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 1}) for product in products
                ],
            }
        )

    def purchase_order(self, supplier, products):
        return self.env["purchase.order"].create(
            {
                "partner_id": supplier.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_qty": 5, "price_unit": 2.0})
                    for product in products
                ],
            }
        )

    def override(self, document, user=None, reason="Tender delivery agreed with the authority"):
        user = user or self.ra_signer
        action = document.with_user(user).action_md_gate_override()
        wizard = (
            self.env["md.gate.override.wizard"]
            .with_user(user)
            .with_context(**action["context"])
            .create({"reason": reason, "password": self.password(user)})
        )
        wizard.action_sign()
        return self.env["md.gate.override"].search(
            [("res_model", "=", document._name), ("res_id", "=", document.id)]
        )
