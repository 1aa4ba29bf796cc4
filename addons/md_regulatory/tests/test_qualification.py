import base64
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .market_access import grant_market_access
from .qualification_common import MdQualificationCase


@tagged("post_install", "-at_install")
class TestQualification(MdQualificationCase):
    """Partner licences, first-time supplier/product approval (首营) and the
    purchase and customer-licence gates (ISO 13485 7.4.1, China GSP)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.production_licence = cls.env["md.partner.licence"].create(
            {
                "partner_id": cls.supplier.id,
                "licence_type_id": cls.type_production.id,
                "number": "浙药监械生产许20200001号",
                "covers_class_ii": True,
                "covers_class_iii": True,
                "expiry_date": cls.today + timedelta(days=900),
            }
        )

    def supplier_approval(self, licences=None, sign=True):
        approval = (
            self.env["md.partner.qualification"]
            .with_user(self.ra_author)
            .create(
                {
                    "partner_id": self.supplier.id,
                    "licence_ids": [Command.set((licences or self.production_licence).ids)],
                    "sales_rep_name": "Zhang Wei",
                }
            )
        )
        if sign:
            self.sign(approval, self.quality_manager)
        return approval

    def product_approval(self, product, sign=True):
        registration = self.approved_registration(products=product)
        approval = (
            self.env["md.product.qualification"]
            .with_user(self.ra_author)
            .create({"product_tmpl_id": product.product_tmpl_id.id, "registration_id": registration.id})
        )
        if sign:
            self.sign(approval, self.ra_signer)
        return approval

    # --- licence data ------------------------------------------------------------

    def test_licence_types_are_configurable_data(self):
        types = self.env["md.partner.licence.type"].search([])
        self.assertTrue(
            {"CN-PROD", "CN-DIST", "CN-DIST-FILING", "CN-HOSP", "ISO13485", "FDA-EST"}
            <= set(types.mapped("code"))
        )
        self.assertTrue(self.type_hospital.for_customer and not self.type_hospital.for_supplier)
        self.assertTrue(self.type_production.for_supplier and not self.type_production.for_customer)
        with self.assertRaises(AccessError):
            self.env["md.partner.licence.type"].with_user(self.md_user).create({"name": "X", "code": "X"})

    def test_licence_state_revocation_and_partner_page(self):
        licence = self.licence(self.customer_cn, expiry_date=self.today - timedelta(days=1))
        self.assertEqual(licence.state, "expired")
        self.assertEqual(self.customer_cn.with_user(self.md_user).md_licence_count, 1)
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            licence.with_user(self.ra_author).write({"withdrawn_on": "2025-01-01 00:00:00"})
        with self.assertRaisesRegex(UserError, "reason for revoking"):
            licence.with_user(self.ra_author).action_withdraw()
        licence.with_user(self.ra_author).write({"withdrawal_reason": "Cancelled by the authority"})
        licence.with_user(self.ra_author).action_withdraw()
        self.assertEqual(licence.state, "withdrawn")
        with self.assertRaises(AccessError):
            self.licence(self.customer_cn).with_user(self.md_user).write({"number": "X"})

    def test_licence_expiry_alerts(self):
        self.env["ir.config_parameter"].set_param("md_base.expiry_alert_days", "60,30,7")
        soon = self.licence(self.customer_cn, expiry_date=self.today + timedelta(days=5))
        Licence = self.env["md.partner.licence"]
        self.assertIn(soon, Licence._cron_md_expiry())
        self.assertEqual(soon.expiry_alert_days, 7)
        self.assertNotIn(soon, Licence._cron_md_expiry())
        activities = self.env["mail.activity"].search(
            [("res_model", "=", soon._name), ("res_id", "=", soon.id)]
        )
        self.assertTrue(activities)
        self.assertTrue(all("7 days" in summary for summary in activities.mapped("summary")))

    # --- customer licence gate -----------------------------------------------------

    def test_sale_refused_without_customer_licence(self):
        self.approved_registration()
        order = self.sale_order(self.customer_cn, self.infusion_set)
        with self.assertRaises(UserError) as refusal:
            order.action_confirm()
        message = str(refusal.exception)
        self.assertIn(self.customer_cn.name, message)
        self.assertIn(self.infusion_set.display_name, message)
        self.assertIn("class II", message)

    def test_customer_licence_only_for_deliveries_to_countries_that_require_it(self):
        """The customer licence comes from China's law (医疗器械经营监督管理办法, GSP customer
        checks): it is required for deliveries to the company's "Countries Requiring
        Customer Licences" (China by default), by the delivery address's country."""
        company = self.env.company
        self.assertEqual(company.md_licence_country_ids, self.cn)
        self.approved_registration()
        self.approved_registration(country=self.us, registration_type="fda_510k", number="K261234")
        customer_us = self._partner("Boston General Hospital", self.us)
        order = self.sale_order(customer_us, self.infusion_set)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        # The delivery address decides: a Chinese buyer's delivery to the US passes, a US
        # buyer's delivery to China needs its licence.
        us_address = self.env["res.partner"].create(
            {
                "name": "US warehouse",
                "parent_id": self.customer_cn.id,
                "type": "delivery",
                "country_id": self.us.id,
            }
        )
        order = self.sale_order(self.customer_cn, self.infusion_set, shipping=us_address)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        cn_address = self.env["res.partner"].create(
            {
                "name": "Shanghai depot",
                "parent_id": customer_us.id,
                "type": "delivery",
                "country_id": self.cn.id,
            }
        )
        with self.assertRaisesRegex(UserError, "Boston General Hospital has no licence covering .* to China"):
            self.sale_order(customer_us, self.infusion_set, shipping=cn_address).action_confirm()
        # No country in the setting: no customer licence check at all.
        settings = self.env["res.config.settings"].create({"md_licence_country_ids": [Command.clear()]})
        settings.execute()
        self.assertFalse(company.md_licence_country_ids)
        order = self.sale_order(self.customer_cn, self.infusion_set)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        # A country added: its deliveries need a licence of a type of that country or of no country.
        company.md_licence_country_ids = self.us
        order = self.sale_order(customer_us, self.infusion_set)
        with self.assertRaisesRegex(UserError, "has no licence covering .* to United States"):
            order.action_confirm()
        self.licence(customer_us, self.type_hospital)  # a Chinese licence type does not count in the US
        with self.assertRaisesRegex(UserError, "has no licence covering"):
            order.action_confirm()
        us_type = self.env["md.partner.licence.type"].create(
            {
                "name": "State distributor licence",
                "code": "US-DIST",
                "country_id": self.us.id,
                "for_customer": True,
            }
        )
        self.licence(customer_us, us_type)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_customer_licence_scope_by_class(self):
        self.approved_registration(products=self.infusion_set | self.stent)
        class_iii = self.licence(self.customer_cn, self.type_distribution, covers_class_iii=True)
        order = self.sale_order(self.customer_cn, self.infusion_set | self.stent)
        with self.assertRaises(UserError) as refusal:
            order.action_confirm()
        self.assertIn(self.infusion_set.display_name, str(refusal.exception))
        self.assertNotIn(self.stent.display_name, str(refusal.exception))
        self.assertTrue(class_iii)
        self.licence(self.customer_cn, self.type_distribution_filing, covers_class_ii=True)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_customer_licence_scope_by_category_and_unrestricted(self):
        self.approved_registration()
        self.licence(self.customer_cn, self.type_distribution, categ_ids=[Command.set(self.category.ids)])
        order = self.sale_order(self.customer_cn, self.infusion_set)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        other = self._partner("Clinic Wuxi", self.cn)
        self.licence(other, self.type_hospital)  # no scope: covers every device
        order = self.sale_order(other, self.infusion_set)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_supplier_licence_type_does_not_authorise_buying(self):
        self.approved_registration()
        self.licence(self.customer_cn, self.type_production, covers_class_ii=True)
        order = self.sale_order(self.customer_cn, self.infusion_set)
        with self.assertRaisesRegex(UserError, "has no licence covering"):
            order.action_confirm()

    def test_expired_customer_licence_is_named(self):
        self.approved_registration()
        licence = self.licence(
            self.customer_cn,
            self.type_distribution_filing,
            covers_class_ii=True,
            expiry_date=self.today - timedelta(days=3),
        )
        order = self.sale_order(self.customer_cn, self.infusion_set)
        with self.assertRaises(UserError) as refusal:
            order.action_confirm()
        self.assertIn(licence.number, str(refusal.exception))
        self.assertIn("expired on", str(refusal.exception))
        overrides = self.override(order)
        self.assertEqual(overrides.gate, "customer_licence")
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    # --- first-time supplier and product approval -----------------------------------

    def test_purchase_refused_without_supplier_approval(self):
        self.product_approval(self.infusion_set)
        order = self.purchase_order(self.supplier, self.infusion_set)
        with self.assertRaises(UserError) as refusal:
            order.button_confirm()
        self.assertIn(self.supplier.name, str(refusal.exception))
        self.assertIn("首营企业", str(refusal.exception))
        self.assertEqual(order.state, "draft")

    def test_purchase_gate_runs_on_a_direct_write_of_the_state(self):
        """A purchase order written straight to a confirmed state meets the 首营 gates too."""
        self.product_approval(self.infusion_set)
        order = self.purchase_order(self.supplier, self.infusion_set)
        for state in ("to approve", "purchase", "done"):
            with self.assertRaisesRegex(UserError, "首营企业"):
                order.write({"state": state})
        self.assertEqual(order.state, "draft")

    def test_purchase_refused_without_product_approval(self):
        self.supplier_approval()
        order = self.purchase_order(self.supplier, self.infusion_set | self.plain_product)
        with self.assertRaisesRegex(
            UserError, f"{self.infusion_set.display_name} has no approved first-time product"
        ):
            order.button_confirm()
        draft = self.product_approval(self.infusion_set, sign=False)
        with self.assertRaisesRegex(UserError, "首营品种"):
            order.button_confirm()
        self.sign(draft, self.quality_manager)
        self.assertEqual(draft.state, "approved")
        order.button_confirm()
        self.assertIn(order.state, ("purchase", "to approve"))

    def test_plain_products_are_not_gated(self):
        order = self.purchase_order(self.supplier, self.plain_product)
        order.button_confirm()
        self.assertIn(order.state, ("purchase", "to approve"))
        sale = self.sale_order(self.customer_ch, self.plain_product)
        sale.action_confirm()
        self.assertEqual(sale.state, "sale")

    def test_supplier_approval_signature_rules(self):
        approval = self.supplier_approval(sign=False)
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            self.sign(approval, self.ra_author)
        with self.assertRaises(AccessError):
            self.sign(approval, self.md_user)
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            approval.with_user(self.ra_author).write({"state": "approved"})
        self.sign(approval, self.ra_signer)
        self.assertEqual(approval.state, "approved")
        self.assertEqual(self.supplier.with_user(self.md_user).md_qualification_state, "approved")
        with self.assertRaisesRegex(UserError, "signed"):
            approval.with_user(self.ra_author).write({"sales_rep_name": "Someone else"})
        # 21 CFR 11.70: a signed file stays bound, whatever the caller's context (bin_size would
        # read the file as its size, so that its change went unseen).
        for context in ({}, {"bin_size": True}, {"bin_size_sales_rep_authorisation": True}):
            with self.assertRaisesRegex(UserError, "signed"):
                approval.with_user(self.ra_author).with_context(**context).write(
                    {"sales_rep_authorisation": base64.b64encode(b"forged")}
                )

    def test_supplier_approval_needs_valid_licences(self):
        approval = (
            self.env["md.partner.qualification"]
            .with_user(self.ra_author)
            .create({"partner_id": self.supplier.id})
        )
        with self.assertRaisesRegex(UserError, "Attach the licences"):
            self.sign(approval, self.ra_signer)
        expired = self.licence(
            self.supplier, self.type_production, expiry_date=self.today - timedelta(days=1)
        )
        approval.with_user(self.ra_author).write({"licence_ids": [Command.set(expired.ids)]})
        with self.assertRaisesRegex(UserError, "is not valid"):
            self.sign(approval, self.ra_signer)

    def test_product_approval_needs_valid_registration(self):
        approval = (
            self.env["md.product.qualification"]
            .with_user(self.ra_author)
            .create({"product_tmpl_id": self.stent.product_tmpl_id.id})
        )
        with self.assertRaisesRegex(UserError, "valid registration certificate"):
            self.sign(approval, self.ra_signer)

    def test_lapsed_supplier_licence_blocks_purchase(self):
        licence = self.licence(
            self.supplier, self.type_production, expiry_date=self.today + timedelta(days=10)
        )
        self.supplier_approval(licences=licence)
        self.product_approval(self.infusion_set)
        order = self.purchase_order(self.supplier, self.infusion_set)
        licence.with_user(self.ra_author).write({"withdrawal_reason": "Production licence suspended"})
        licence.with_user(self.ra_author).action_withdraw()
        with self.assertRaises(UserError) as refusal:
            order.button_confirm()
        self.assertIn(licence.number, str(refusal.exception))
        self.assertIn("expired or revoked", str(refusal.exception))

    def test_revocation_and_supersession(self):
        first = self.supplier_approval()
        second = self.supplier_approval()
        self.assertEqual(first.state, "revoked", "a new approval supersedes the previous one")
        self.assertEqual(second.state, "approved")
        self.product_approval(self.infusion_set)
        with self.assertRaisesRegex(UserError, "reason for revoking"):
            second.with_user(self.quality_manager).action_revoke()
        second.with_user(self.quality_manager).write({"revoke_reason": "Failed re-evaluation audit"})
        second.with_user(self.quality_manager).action_revoke()
        order = self.purchase_order(self.supplier, self.infusion_set)
        with self.assertRaisesRegex(UserError, "首营企业"):
            order.button_confirm()
        self.assertEqual(self.supplier.md_qualification_state, "none")

    def test_purchase_override(self):
        order = self.purchase_order(self.supplier, self.infusion_set)
        overrides = self.override(order, reason="Emergency supply during shortage, approved by QA director")
        self.assertEqual(set(overrides.mapped("gate")), {"supplier_qualification", "product_qualification"})
        self.assertTrue(all(o.state == "signed" for o in overrides))
        order.button_confirm()
        self.assertIn(order.state, ("purchase", "to approve"))
        with self.assertRaisesRegex(UserError, "首营企业"):
            self.purchase_order(self.supplier, self.infusion_set).button_confirm()

    def test_override_wizard_lists_nothing_when_allowed(self):
        order = self.purchase_order(self.supplier, self.plain_product)
        action = order.with_user(self.ra_signer).action_md_gate_override()
        wizard = (
            self.env["md.gate.override.wizard"]
            .with_user(self.ra_signer)
            .with_context(**action["context"])
            .create({"reason": "x", "password": self.password(self.ra_signer)})
        )
        with self.assertRaisesRegex(UserError, "Select the refusals"):
            wizard.action_sign()

    def test_market_access_helper_for_other_modules(self):
        grant_market_access(
            self.env, self.infusion_set | self.stent, customers=self.customer_ch, suppliers=self.supplier
        )
        sale = self.sale_order(self.customer_ch, self.infusion_set | self.stent)
        sale.action_confirm()
        self.assertEqual(sale.state, "sale")
        purchase = self.purchase_order(self.supplier, self.infusion_set | self.stent)
        purchase.button_confirm()
        self.assertIn(purchase.state, ("purchase", "to approve"))
