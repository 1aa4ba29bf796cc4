import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .qualification_common import MdQualificationCase


@tagged("post_install", "-at_install")
class TestRegistration(MdQualificationCase):
    """md.registration: approval by e-signature, state, EU country group, expiry alerts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Customers licensed for every device class, so that only the registration gate speaks.
        for customer in (cls.customer_cn, cls.customer_de, cls.customer_ch):
            cls.env["md.partner.licence"].create(
                {
                    "partner_id": customer.id,
                    "licence_type_id": cls.type_hospital.id,
                    "number": f"H-{customer.id}",
                }
            )

    def test_signed_approval_makes_it_valid(self):
        registration = self.new_registration()
        self.assertEqual(registration.state, "draft")
        self.sign(registration, self.ra_signer)
        self.assertEqual(registration.state, "valid")
        self.assertTrue(registration.approved_on)
        self.assertEqual(registration.md_signature_ids.meaning, "approved")

    def test_author_cannot_approve_own_registration(self):
        registration = self.new_registration()
        with self.assertRaisesRegex(UserError, "segregation of duties"):
            self.sign(registration, self.ra_author)
        self.assertEqual(registration.state, "draft")

    def test_approval_only_by_signature(self):
        registration = self.new_registration()
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            registration.with_user(self.ra_author).write({"approved_on": "2025-01-01 00:00:00"})
        with self.assertRaisesRegex(UserError, "follow its workflow"):
            self.new_registration(approved_on="2025-01-01 00:00:00")
        with self.assertRaises(AccessError):
            self.sign(self.new_registration(), self.quality_manager)

    def test_plain_user_reads_but_cannot_create(self):
        registration = self.approved_registration()
        self.assertEqual(registration.with_user(self.md_user).state, "valid")
        with self.assertRaises(AccessError):
            self.env["md.registration"].with_user(self.md_user).create(
                {
                    "registration_type": "fda_510k",
                    "number": "K999999",
                    "holder_id": self.holder.id,
                    "country_id": self.us.id,
                    "product_tmpl_ids": [Command.set(self.infusion_set.product_tmpl_id.ids)],
                }
            )

    def test_changing_signed_content_voids_approval(self):
        registration = self.approved_registration()
        registration.with_user(self.ra_author).write({"expiry_date": self.today + timedelta(days=30)})
        self.assertEqual(registration.state, "draft")
        self.assertFalse(registration.approved_on)
        self.assertTrue(registration.md_signature_ids.voided)

    def test_required_fields_of_a_certificate(self):
        with self.assertRaisesRegex(ValidationError, "country"):
            self.new_registration(country_id=False)
        with self.assertRaisesRegex(ValidationError, "products or product categories"):
            self.new_registration(product_tmpl_ids=[])
        with self.assertRaisesRegex(ValidationError, "notified body"):
            self.new_registration(registration_type="eu_mdr", country_id=False, country_group_id=self.eu.id)
        with self.assertRaisesRegex(ValidationError, "expires before"):
            self.new_registration(issue_date=self.today, expiry_date=self.today - timedelta(days=1))

    def test_expired_state_and_daily_refresh(self):
        registration = self.approved_registration(expiry_date=self.today + timedelta(days=1))
        self.assertEqual(registration.state, "valid")
        with freeze_time(self.today + timedelta(days=2)):
            refreshed = self.env["md.registration"]._md_refresh_expired()
            self.assertIn(registration, refreshed)
            self.assertEqual(registration.state, "expired")
        past = self.approved_registration(
            issue_date=self.today - timedelta(days=800), expiry_date=self.today - timedelta(days=5)
        )
        self.assertEqual(past.state, "expired")

    def test_withdrawal_needs_reason_and_blocks(self):
        registration = self.approved_registration()
        with self.assertRaisesRegex(UserError, "reason for withdrawing"):
            registration.with_user(self.ra_author).action_withdraw()
        registration.with_user(self.ra_author).write(
            {"withdrawal_reason": "Cancelled by NMPA notice 2025-12"}
        )
        registration.with_user(self.ra_author).action_withdraw()
        self.assertEqual(registration.state, "withdrawn")
        with self.assertRaisesRegex(UserError, "is closed"):
            registration.with_user(self.ra_author).write({"number": "NEW"})
        order = self.sale_order(self.customer_cn, self.infusion_set)
        with self.assertRaisesRegex(
            UserError, f"registration {re.escape(registration.display_name)}.*is withdrawn"
        ):
            order.action_confirm()
        with self.assertRaises(AccessError):
            registration.with_user(self.md_user).action_withdraw()

    # --- EU/EEA country group ------------------------------------------------

    def test_eu_country_group_covers_member_states_only(self):
        registration = self.approved_registration(
            registration_type="eu_mdr",
            number="MDR 0001",
            country_id=False,
            country_group_id=self.eu.id,
            notified_body_id=self.notified_body.id,
        )
        self.assertIn(self.de, registration.covered_country_ids)
        self.assertIn(self.no, registration.covered_country_ids, "MDR applies in the EEA")
        self.assertNotIn(self.ch, registration.covered_country_ids)
        self.assertEqual(len(self.eu.country_ids), 30)
        order_de = self.sale_order(self.customer_de, self.infusion_set)
        order_de.action_confirm()
        self.assertEqual(order_de.state, "sale")
        order_ch = self.sale_order(self.customer_ch, self.infusion_set)
        with self.assertRaisesRegex(UserError, "has no registration certificate for Switzerland"):
            order_ch.action_confirm()

    def test_onchange_type_sets_market(self):
        registration = self.env["md.registration"].new({"registration_type": "eu_mdr"})
        registration._onchange_registration_type()
        self.assertEqual(registration.country_group_id, self.eu)
        registration = self.env["md.registration"].new({"registration_type": "fda_510k"})
        registration._onchange_registration_type()
        self.assertEqual(registration.country_id, self.us)

    # --- sales order gate ----------------------------------------------------

    def test_sale_refused_without_registration(self):
        order = self.sale_order(self.customer_cn, self.infusion_set | self.plain_product)
        with self.assertRaises(UserError) as refusal:
            order.action_confirm()
        message = str(refusal.exception)
        self.assertIn(self.infusion_set.display_name, message)
        self.assertIn("China", message)
        self.assertIn("no registration certificate", message)
        self.assertNotIn(self.plain_product.display_name, message)
        self.assertEqual(order.state, "draft")

    def test_sale_refused_with_expired_or_draft_registration(self):
        expired = self.approved_registration(
            issue_date=self.today - timedelta(days=900), expiry_date=self.today - timedelta(days=1)
        )
        order = self.sale_order(self.customer_cn, self.infusion_set)
        with self.assertRaisesRegex(UserError, f"{re.escape(expired.display_name)}.*expired on"):
            order.action_confirm()
        draft = self.new_registration()
        with self.assertRaisesRegex(UserError, "not approved yet") as refusal:
            order.action_confirm()
        self.assertIn(draft.number, str(refusal.exception), "the best candidate is named")

    def test_sale_passes_with_valid_registration(self):
        self.approved_registration()
        order = self.sale_order(self.customer_cn, self.infusion_set | self.plain_product)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_registration_by_category_covers_subcategories(self):
        self.approved_registration(product_tmpl_ids=[], categ_ids=[Command.set(self.category.ids)])
        self.assertIn(
            self.env["md.registration"].search([("categ_ids", "in", self.category.ids)]),
            self.infusion_set.product_tmpl_id.md_registration_ids,
        )
        order = self.sale_order(self.customer_cn, self.infusion_set | self.stent)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_registration_of_another_country_does_not_cover(self):
        self.approved_registration(country=self.us, registration_type="fda_510k", number="K123456")
        order = self.sale_order(self.customer_cn, self.infusion_set)
        with self.assertRaisesRegex(UserError, "no registration certificate for China"):
            order.action_confirm()

    def test_delivery_address_country_decides(self):
        self.approved_registration()
        shipping = self.env["res.partner"].create(
            {
                "name": "Warehouse Basel",
                "parent_id": self.customer_cn.id,
                "type": "delivery",
                "country_id": self.ch.id,
            }
        )
        order = self.sale_order(self.customer_cn, self.infusion_set, shipping=shipping)
        with self.assertRaisesRegex(UserError, "Switzerland"):
            order.action_confirm()
        shipping.country_id = False
        with self.assertRaisesRegex(UserError, "delivery address has no country"):
            order.action_confirm()

    def test_gate_query_count_does_not_grow_with_lines(self):
        products = self.env["product.product"]
        for index in range(20):
            products |= self._device(f"Catheter {index}", "II", self.subcategory)
        self.approved_registration(products=products)
        small = self.sale_order(self.customer_cn, products[:2])
        large = self.sale_order(self.customer_cn, products)
        counts = []
        for order in (small, large):
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            self.assertFalse(order._md_gate_violations())
            counts.append(self.cr.sql_log_count - start)
        self.assertEqual(counts[0], counts[1], "one query set for all lines, not one per line")

    # --- override --------------------------------------------------------------

    def test_signed_override_lets_exact_order_pass(self):
        order = self.sale_order(self.customer_cn, self.infusion_set)
        other = self.sale_order(self.customer_cn, self.infusion_set)
        overrides = self.override(order)
        self.assertEqual(len(overrides), 1)
        self.assertEqual(overrides.state, "signed")
        self.assertEqual(overrides.gate, "registration")
        self.assertEqual(overrides.country_id, self.cn)
        self.assertEqual(overrides.product_id, self.infusion_set)
        self.assertIn("no registration certificate", overrides.message)
        signature = overrides.md_signature_ids
        self.assertEqual((signature.meaning, signature.signer_id), ("override", self.ra_signer))
        self.assertEqual(order.with_user(self.md_user).md_gate_override_count, 1)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        with self.assertRaisesRegex(UserError, "no registration certificate"):
            other.action_confirm()
        with self.assertRaisesRegex(UserError, "is closed"):
            overrides.with_user(self.ra_signer).write({"reason": "Changed"})

    def test_override_does_not_cover_another_product(self):
        order = self.sale_order(self.customer_cn, self.infusion_set)
        self.override(order)
        order.write({"order_line": [Command.create({"product_id": self.stent.id, "product_uom_qty": 1})]})
        with self.assertRaisesRegex(UserError, self.stent.display_name):
            order.action_confirm()

    def test_override_requires_regulatory_and_password(self):
        order = self.sale_order(self.customer_cn, self.infusion_set)
        with self.assertRaises(AccessError):
            self.env["md.gate.override"].with_user(self.md_user).create(
                {
                    "gate": "registration",
                    "res_model": "sale.order",
                    "res_id": order.id,
                    "product_id": self.infusion_set.id,
                    "reason": "Urgent",
                }
            )
        override = (
            self.env["md.gate.override"]
            .with_user(self.ra_signer)
            .create(
                {
                    "gate": "registration",
                    "res_model": "sale.order",
                    "res_id": order.id,
                    "product_id": self.infusion_set.id,
                    "country_id": self.cn.id,
                    "reason": "Urgent",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "change only through the workflow"):
            override.with_user(self.ra_signer).write({"state": "signed"})
        with self.assertRaisesRegex(UserError, "no registration certificate"):
            order.action_confirm()
        with self.assertRaises(AccessError):
            self.sign(override, self.quality_manager, "override")
        self.sign(override, self.ra_signer, "override")
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    # --- delivery gate -----------------------------------------------------------

    def _delivery(self, customer, product):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        self.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 5)
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "partner_id": customer.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": 2,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        return picking

    def test_delivery_refused_without_registration_then_overridden(self):
        picking = self._delivery(self.customer_ch, self.infusion_set)
        with self.assertRaisesRegex(UserError, "has no registration certificate for Switzerland"):
            picking.button_validate()
        self.assertNotEqual(picking.state, "done")
        self.override(picking)
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_gates_run_on_a_direct_write_of_the_state(self):
        """The gate is on the transition, whatever the path: a plain write of the confirmed or
        done state (as an RPC caller would send) meets it like the buttons do."""
        order = self.sale_order(self.customer_ch, self.infusion_set)
        with self.assertRaisesRegex(UserError, "has no registration certificate for Switzerland"):
            order.write({"state": "sale"})
        self.assertEqual(order.state, "draft")
        picking = self._delivery(self.customer_ch, self.infusion_set)
        with self.assertRaisesRegex(UserError, "has no registration certificate for Switzerland"):
            picking.write({"state": "done"})
        self.assertNotEqual(picking.state, "done")

    def test_delivery_passes_with_registration_and_ignores_plain_products(self):
        self.approved_registration()
        picking = self._delivery(self.customer_cn, self.infusion_set)
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        plain = self._delivery(self.customer_ch, self.plain_product)
        plain.button_validate()
        self.assertEqual(plain.state, "done")

    def test_sales_order_override_covers_its_delivery(self):
        order = self.sale_order(self.customer_ch, self.infusion_set)
        self.override(order)
        order.action_confirm()
        picking = order.picking_ids
        self.assertFalse(picking._md_gate_violations())
        self.approved_registration(country=self.ch, expiry_date=self.today + timedelta(days=1))
        other = self._delivery(self.customer_ch, self.infusion_set)
        with freeze_time(self.today + timedelta(days=3)), self.assertRaisesRegex(UserError, "expired on"):
            other.button_validate()

    # --- expiry alerts -------------------------------------------------------------

    def _alerts(self, registration):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "md.registration"),
                ("res_id", "=", registration.id),
                ("activity_type_id", "=", self.env.ref("md_base.mail_activity_type_md_expiry").id),
            ]
        )

    def test_expiry_alerts_per_threshold_without_duplicates(self):
        self.env["ir.config_parameter"].set_param("md_base.expiry_alert_days", "60,30,7")
        registration = self.approved_registration(expiry_date=self.today + timedelta(days=45))
        far = self.approved_registration(number="FAR-1", expiry_date=self.today + timedelta(days=200))
        draft = self.new_registration(number="DRAFT-1", expiry_date=self.today + timedelta(days=5))
        Registration = self.env["md.registration"]
        alerted = Registration._cron_md_expiry()
        self.assertEqual(alerted, registration)
        alerts = self._alerts(registration)
        regulatory_users = self.env.ref("md_base.group_md_regulatory").users.filtered(
            lambda u: u.active and not u.share and self.env.company in u.company_ids
        )
        self.assertEqual(alerts.user_id, regulatory_users)
        self.assertTrue(all("60 days" in summary for summary in alerts.mapped("summary")))
        self.assertEqual(registration.expiry_alert_days, 60)
        self.assertFalse(Registration._cron_md_expiry(), "the same threshold is not alerted twice")
        self.assertEqual(self._alerts(registration), alerts)
        with freeze_time(self.today + timedelta(days=20)):  # 25 days left: the 30-day threshold
            Registration._cron_md_expiry()
        thirty = self._alerts(registration) - alerts
        self.assertEqual(len(thirty), len(regulatory_users))
        self.assertTrue(all("30 days" in summary for summary in thirty.mapped("summary")))
        self.assertFalse(self._alerts(far) | self._alerts(draft))

    def test_renewed_expiry_date_resets_alerts(self):
        registration = self.approved_registration(expiry_date=self.today + timedelta(days=6))
        self.env["md.registration"]._cron_md_expiry()
        self.assertEqual(registration.expiry_alert_days, 7)
        registration.with_user(self.ra_author).write({"expiry_date": self.today + timedelta(days=50)})
        self.assertEqual(registration.expiry_alert_days, 0)

    def test_alert_thresholds_setting(self):
        self.env["ir.config_parameter"].set_param("md_base.expiry_alert_days", "10")
        registration = self.approved_registration(expiry_date=self.today + timedelta(days=45))
        self.assertFalse(self.env["md.registration"]._cron_md_expiry_alerts())
        self.assertFalse(self._alerts(registration))
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"md_expiry_alert_days": "30,-1"})
        settings = self.env["res.config.settings"].create({"md_expiry_alert_days": "90, 14"})
        settings.execute()
        self.assertEqual(self.env["md.registration"]._md_alert_days(), [90, 14])
