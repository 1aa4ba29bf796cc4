from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from ..udi import gtin_check_digit, hibcc_check_character


def gtin(body):
    """A GTIN with its correct check digit (GS1 GenSpecs 7.9.1)."""
    return body + str(gtin_check_digit(body))


def wrong_check_digit(body):
    """The GTIN of ``body`` with a wrong check digit."""
    return body + str((gtin_check_digit(body) + 1) % 10)


def hibc(primary):
    """HIBC LIC primary data with its modulus 43 check character (ANSI/HIBC 2.6)."""
    return primary + hibcc_check_character(primary)


class DeviceCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "MD Other Company"})
        cls.quality_manager = new_test_user(
            cls.env, "md_di_qm", groups="md_base.group_md_quality_manager", company_id=cls.company.id
        )
        cls.regulatory = new_test_user(cls.env, "md_di_ra", groups="md_base.group_md_regulatory")
        # An inventory manager may edit products in general: only the MedDev rule stops them here.
        cls.md_user = new_test_user(
            cls.env, "md_di_user", groups="md_base.group_md_user,stock.group_stock_manager"
        )

    @classmethod
    def device(cls, name, di=None, issuer="gs1", **vals):
        vals = {"name": name, "md_is_device": True, **vals}
        if di:
            vals.update(md_udi_di=di, md_udi_issuer=issuer)
        return cls.env["product.product"].create(vals)


@tagged("post_install", "-at_install")
class TestDeviceIdentifierValidation(DeviceCase):
    """DI formats of the issuing agencies (21 CFR 830.20; GS1 GenSpecs 7.9.1; ANSI/HIBC 2.6)."""

    def test_gs1_di_is_stored_as_gtin14(self):
        product = self.device("IS-1", gtin("692345699001"))
        self.assertEqual(product.md_udi_di, "0" + gtin("692345699001"))
        self.assertEqual(len(product.md_udi_di), 14)

    def test_gs1_di_with_a_wrong_check_digit_is_refused(self):
        expected = gtin("692345699002")[-1]
        with self.assertRaisesRegex(ValidationError, "check digit should be " + expected):
            self.device("Bad GTIN", wrong_check_digit("692345699002"))

    def test_gs1_di_must_be_digits_of_a_gtin_length(self):
        with self.assertRaisesRegex(ValidationError, "8, 12, 13 or 14 digits"):
            self.device("Bad GTIN", "69234569900A")

    def test_hibcc_di_is_checked_and_stored_without_plus_and_check_character(self):
        product = self.device("Stapler", hibc("+H789TS600"), "hibcc")
        self.assertEqual(product.md_udi_di, "H789TS600")

    def test_hibcc_di_with_a_wrong_check_character_is_refused(self):
        expected = hibcc_check_character("+H789TS600")
        wrong = "A" if expected != "A" else "B"
        with self.assertRaisesRegex(ValidationError, f"check character should be {expected}"):
            self.device("Stapler", "+H789TS600" + wrong, "hibcc")

    def test_hibcc_labeler_code_must_start_with_a_letter(self):
        with self.assertRaisesRegex(ValidationError, "labeler code of 4 characters starting with a letter"):
            self.device("Stapler", hibc("+1789SS600"), "hibcc")

    def test_hibcc_di_needs_a_unit_of_measure_digit(self):
        with self.assertRaisesRegex(ValidationError, "unit-of-measure digit"):
            self.device("Stapler", hibc("+H789SS60A"), "hibcc")

    def test_ma_iccbba_and_ahm_structures(self):
        self.assertEqual(
            self.device("MA", "MA.156.M0.100001.1010500", "ma").md_udi_di, "MA.156.M0.100001.1010500"
        )
        self.assertEqual(self.device("ISBT", "=/A999900000000001", "iccbba").md_udi_di, "A999900000000001")
        self.assertTrue(self.device("AHM", "AHM00012345", "ahm").md_udi_di)
        with self.assertRaisesRegex(ValidationError, "structure of a MA"):
            self.device("MA bad", "MA156M0100001", "ma")
        with self.assertRaisesRegex(ValidationError, "structure of a ICCBBA"):
            self.device("ISBT bad", "=/12345", "iccbba")

    def test_changing_the_issuer_revalidates_the_stored_di(self):
        product = self.device("IS-2", gtin("692345699003"))
        with self.assertRaisesRegex(ValidationError, "HIBC"):
            product.md_udi_issuer = "hibcc"

    def test_packaging_di_is_validated_too(self):
        product = self.device("IS-3", gtin("692345699004"))
        packaging = self.env["product.packaging"].create(
            {"name": "Box", "product_id": product.id, "qty": 50, "md_udi_di": gtin("1692345699004")}
        )
        self.assertEqual(packaging.md_udi_di, gtin("1692345699004"))
        with self.assertRaisesRegex(ValidationError, "check digit"):
            packaging.md_udi_di = wrong_check_digit("2692345699004")

    def test_template_shows_and_sets_the_di_of_its_single_variant(self):
        template = self.env["product.template"].create(
            {
                "name": "Single",
                "md_is_device": True,
                "md_udi_issuer": "gs1",
                "md_udi_di": gtin("692345699005"),
            }
        )
        self.assertEqual(template.product_variant_id.md_udi_di, "0" + gtin("692345699005"))
        self.assertEqual(template.md_udi_di, "0" + gtin("692345699005"))


@tagged("post_install", "-at_install")
class TestDeviceIdentifierUniqueness(DeviceCase):
    """One DI, one device record per company, across products and packaging levels."""

    def test_same_di_on_a_packaging_of_another_product_is_refused(self):
        first = self.device("First", gtin("692345698001"), company_id=self.company.id)
        second = self.device("Second", gtin("692345698002"), company_id=self.company.id)
        with self.assertRaisesRegex(ValidationError, "already used by First"):
            self.env["product.packaging"].create(
                {"name": "Box", "product_id": second.id, "qty": 10, "md_udi_di": first.md_udi_di}
            )

    def test_same_di_on_two_products_is_refused_and_names_the_other(self):
        self.device("Original", gtin("692345698003"), company_id=self.company.id)
        with self.assertRaisesRegex(ValidationError, "Original"):
            self.device("Copy", gtin("692345698003"), company_id=self.company.id)

    def test_packaging_di_cannot_be_reused_by_a_product(self):
        product = self.device("Boxed", gtin("692345698004"))
        self.env["product.packaging"].create(
            {"name": "Box", "product_id": product.id, "qty": 10, "md_udi_di": gtin("1692345698004")}
        )
        with self.assertRaisesRegex(ValidationError, "Box"):
            self.device("Other", gtin("1692345698004"))

    def test_same_di_in_another_company_is_allowed(self):
        mine = self.device("Mine", gtin("692345698005"), company_id=self.company.id)
        theirs = self.device("Theirs", gtin("692345698005"), company_id=self.other_company.id)
        self.assertEqual(mine.md_udi_di, theirs.md_udi_di)

    def test_shared_product_conflicts_with_every_company(self):
        self.device("Company product", gtin("692345698006"), company_id=self.other_company.id)
        with self.assertRaisesRegex(ValidationError, "Company product"):
            self.device("Shared product", gtin("692345698006"), company_id=False)

    def test_archived_product_keeps_its_di(self):
        old = self.device("Old", gtin("692345698007"))
        old.active = False
        with self.assertRaisesRegex(ValidationError, "Old"):
            self.device("New", gtin("692345698007"))

    def test_moving_a_product_to_a_company_with_the_same_di_is_refused(self):
        self.device("Theirs", gtin("692345698008"), company_id=self.other_company.id)
        mine = self.device("Mine", gtin("692345698008"), company_id=self.company.id)
        with self.assertRaisesRegex(ValidationError, "Theirs"):
            mine.product_tmpl_id.company_id = self.other_company


@tagged("post_install", "-at_install")
class TestFindByDi(DeviceCase):
    """product.product._md_find_by_di: the lookup the UDI parser uses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.device("Find me", gtin("692345697001"), company_id=cls.env.company.id)
        cls.box = cls.env["product.packaging"].create(
            {
                "name": "Box of 20",
                "product_id": cls.product.id,
                "company_id": cls.env.company.id,
                "qty": 20,
                "md_udi_di": gtin("1692345697001"),
            }
        )
        cls.hibcc = cls.device("HIBC device", hibc("+H789FIND0"), "hibcc")
        cls.elsewhere = cls.device("Elsewhere", gtin("692345697002"), company_id=cls.other_company.id)

    def test_finds_a_product_by_gtin13_or_gtin14(self):
        Product = self.env["product.product"]
        self.assertEqual(
            Product._md_find_by_di(gtin("692345697001")), (self.product, self.env["product.packaging"])
        )
        self.assertEqual(Product._md_find_by_di("0" + gtin("692345697001"))[0], self.product)

    def test_finds_a_packaging_and_its_product(self):
        product, packaging = self.env["product.product"]._md_find_by_di(gtin("1692345697001"))
        self.assertEqual((product, packaging), (self.product, self.box))

    def test_finds_hibcc_by_its_stored_form(self):
        self.assertEqual(self.env["product.product"]._md_find_by_di("H789FIND0")[0], self.hibcc)

    def test_unknown_or_other_company_gives_empty_recordsets(self):
        Product = self.env["product.product"]
        for di in (gtin("692345697009"), gtin("692345697002"), ""):
            product, packaging = Product._md_find_by_di(di)
            self.assertFalse(product, di)
            self.assertFalse(packaging, di)
            self.assertEqual(packaging._name, "product.packaging")
        other_env = self.env(context={"allowed_company_ids": [self.other_company.id]})
        self.assertEqual(other_env["product.product"]._md_find_by_di(gtin("692345697002"))[0], self.elsewhere)

    def test_one_query_per_lookup(self):
        Product = self.env["product.product"]
        Product._md_find_by_di(gtin("692345697001"))  # warm the company cache
        self.env.flush_all()
        with self.assertQueryCount(1):
            Product._md_find_by_di(gtin("1692345697001"))


@tagged("post_install", "-at_install")
class TestDeviceIdentifierChange(DeviceCase):
    """A DI on labels cannot change: 21 CFR 830.50, EU MDR Annex VI Part C."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.device("Moved", gtin("692345696001"))
        cls.box = cls.env["product.packaging"].create(
            {"name": "Box", "product_id": cls.product.id, "qty": 10, "md_udi_di": gtin("1692345696001")}
        )
        cls.stock = cls.env.ref("stock.stock_location_stock")
        cls.customers = cls.env.ref("stock.stock_location_customers")

    def move(self, state):
        move = self.env["stock.move"].create(
            {
                "name": "Move",
                "product_id": self.product.id,
                "product_uom_qty": 1,
                "location_id": self.stock.id,
                "location_dest_id": self.customers.id,
            }
        )
        if state == "confirmed":
            move._action_confirm()
        return move

    def test_di_change_after_a_stock_move_is_refused(self):
        self.move("confirmed")
        with self.assertRaisesRegex(UserError, "Create a new product"):
            self.product.md_udi_di = gtin("692345696002")
        with self.assertRaisesRegex(UserError, "cannot change"):
            self.product.md_udi_di = False

    def test_packaging_di_and_quantity_are_frozen_after_a_stock_move(self):
        self.move("confirmed")
        with self.assertRaisesRegex(UserError, "Create a new product"):
            self.box.md_udi_di = gtin("2692345696001")
        with self.assertRaisesRegex(UserError, "Create a new product"):
            self.box.qty = 12
        with self.assertRaises(UserError):
            self.box.unlink()

    def test_draft_moves_do_not_freeze_the_di(self):
        self.move("draft")
        self.product.md_udi_di = gtin("692345696003")
        self.assertEqual(self.product.md_udi_di, "0" + gtin("692345696003"))

    def test_first_di_can_be_assigned_after_moves(self):
        self.product = self.device("Not yet identified")
        self.move("confirmed")
        self.product.md_udi_di = gtin("692345696004")
        self.assertEqual(self.product.md_udi_di, "0" + gtin("692345696004"))


@tagged("post_install", "-at_install")
class TestLabelProductionIdentifiers(DeviceCase):
    """The PIs on the label drive lot/serial tracking and expiry dates (21 CFR 830.3, YY/T 1630)."""

    def test_label_pis_set_tracking_and_expiry_on_create(self):
        lot = self.device("Lot device", md_label_lot=True, md_label_expiry=True)
        self.assertEqual((lot.tracking, lot.use_expiration_date), ("lot", True))
        serial = self.device("Serial device", md_label_serial=True, md_label_lot=True)
        self.assertEqual(
            (serial.tracking, serial.use_expiration_date, serial.is_storable), ("serial", False, True)
        )

    def test_changing_the_label_changes_tracking(self):
        product = self.device("Device", md_label_lot=True)
        product.product_tmpl_id.write({"md_label_serial": True, "md_label_expiry": True})
        self.assertEqual((product.tracking, product.use_expiration_date), ("serial", True))
        product.product_tmpl_id.write(
            {"md_label_serial": False, "md_label_lot": False, "md_label_expiry": False}
        )
        self.assertEqual((product.tracking, product.use_expiration_date), ("none", False))

    def test_writing_a_label_pi_through_the_variant(self):
        product = self.device("Device")
        product.write({"md_label_lot": True})
        self.assertEqual(product.tracking, "lot")

    def test_tracking_inconsistent_with_the_label_is_refused(self):
        product = self.device("Device", md_label_serial=True)
        with self.assertRaisesRegex(ValidationError, "require tracking"):
            product.tracking = "lot"
        with self.assertRaisesRegex(ValidationError, "require tracking"):
            product.use_expiration_date = True

    def test_expiry_on_the_label_needs_a_lot_or_serial(self):
        with self.assertRaisesRegex(ValidationError, "also needs a lot or serial number"):
            self.device("Expiry only", md_label_expiry=True)

    def test_non_devices_keep_their_own_tracking(self):
        material = self.env["product.product"].create(
            {"name": "Tubing", "is_storable": True, "tracking": "lot"}
        )
        self.assertEqual(material.tracking, "lot")

    def test_onchange_in_the_form(self):
        with Form(self.env["product.template"]) as form:
            form.name = "Form device"
            form.md_is_device = True
            form.md_label_serial = True
            form.md_label_expiry = True
            self.assertEqual(form.tracking, "serial")
            self.assertTrue(form.use_expiration_date)
            self.assertTrue(form.is_storable)


@tagged("post_install", "-at_install")
class TestDeviceMasterDataAccess(DeviceCase):
    """Device master data is changed by QM and Regulatory Affairs only (ISO 13485 5.5.1, 21 CFR 11.10(d))."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.device("Guarded", gtin("692345695001"))
        cls.box = cls.env["product.packaging"].create(
            {"name": "Box", "product_id": cls.product.id, "qty": 10, "md_udi_di": gtin("1692345695001")}
        )

    def test_plain_user_reads_but_cannot_change_a_di(self):
        product = self.product.with_user(self.md_user)
        self.assertEqual(product.md_udi_di, "0" + gtin("692345695001"))
        with self.assertRaisesRegex(AccessError, "Quality Manager or Regulatory Affairs"):
            product.md_udi_di = gtin("692345695002")
        with self.assertRaisesRegex(AccessError, "EU Class"):
            product.product_tmpl_id.md_risk_class_eu = "III"
        with self.assertRaisesRegex(AccessError, "UDI-DI"):
            self.box.with_user(self.md_user).md_udi_di = gtin("2692345695001")

    def test_plain_user_can_still_save_unchanged_values(self):
        product = self.product.with_user(self.md_user)
        product.write({"md_udi_di": product.md_udi_di, "md_is_device": True})
        self.assertEqual(product.md_udi_di, "0" + gtin("692345695001"))

    def test_plain_user_cannot_create_a_device(self):
        with self.assertRaisesRegex(AccessError, "Medical Device"):
            self.env["product.template"].with_user(self.md_user).create(
                {"name": "Sneaky", "md_is_device": True}
            )
        product = self.env["product.template"].with_user(self.md_user).create({"name": "Plain product"})
        self.assertFalse(product.md_is_device)

    def test_quality_manager_and_regulatory_can_edit(self):
        self.product.with_user(self.quality_manager).md_udi_di = gtin("692345695003")
        self.assertEqual(self.product.md_udi_di, "0" + gtin("692345695003"))
        self.product.product_tmpl_id.with_user(self.regulatory).md_risk_class_eu = "IIb"
        self.assertEqual(self.product.md_risk_class_eu, "IIb")

    def test_can_edit_flag_for_views(self):
        self.assertFalse(self.product.with_user(self.md_user).md_can_edit_device)
        self.assertTrue(self.product.with_user(self.quality_manager).md_can_edit_device)

    def test_di_changes_are_tracked_in_the_chatter(self):
        self.cr.flush()  # end the creation "request" of setUpClass, as a commit would
        self.product.md_udi_di = gtin("692345695004")
        self.env.flush_all()
        self.cr.flush()  # runs the tracking (precommit), as mail's own tests do
        value = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "product.product"),
                ("mail_message_id.res_id", "=", self.product.id),
                ("field_id.name", "=", "md_udi_di"),
            ]
        )
        self.assertEqual(value.new_value_char, "0" + gtin("692345695004"))

    def test_a_di_change_is_an_event_for_integrators(self):
        endpoint = self.env["md.event.endpoint"].create(
            {
                "name": "UDI database feed",
                "url": "http://127.0.0.1:9/udi",
                "secret": "s",
                "event_types": "udi",
            }
        )
        previous = self.product.md_udi_di
        self.product.md_udi_di = gtin("692345695005")
        event = self.env["md.event"].search([("endpoint_id", "=", endpoint.id)])
        self.assertEqual((event.event_type, event.res_id), ("udi.di.changed", self.product.id))
        data = event.payload["data"]
        self.assertEqual((data["previous_di"], data["di"]), (previous, "0" + gtin("692345695005")))


@tagged("post_install", "-at_install")
class TestShelfLifeRequirements(DeviceCase):
    def test_minimum_shelf_life_on_product_and_customer(self):
        partner = self.env["res.partner"].create({"name": "Hospital", "md_min_shelf_life_days": 365})
        product = self.device("Shelf", md_label_lot=True, md_label_expiry=True, md_min_shelf_life_days=180)
        self.assertEqual((partner.md_min_shelf_life_days, product.md_min_shelf_life_days), (365, 180))

    def test_storage_range_must_be_ordered(self):
        with self.assertRaisesRegex(ValidationError, "minimum storage temperature"):
            self.device("Cold", md_storage_temp_controlled=True, md_storage_temp_min=8, md_storage_temp_max=2)


# Friday 20 November 2026; Thanksgiving Day, a US federal holiday, is Thursday 26 November.
FRIDAY = date(2026, 11, 20)


@tagged("post_install", "-at_install")
class TestGudidUpdateDeadline(DeviceCase):
    """21 CFR 830.330(b): "The labeler of a device shall submit to FDA an update to the information
    required by 830.310 whenever the information changes. [...] If the information does not appear on
    the label of a device, the updated information must be submitted within 10 business days of the
    change." Business days: the company's FDA deadline calendar (md_base working-day calendars)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fda_calendar = cls.env["resource.calendar"].create(
            {
                "name": "FDA business days",
                "tz": "America/New_York",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {"name": f"Day {day}", "dayofweek": str(day), "hour_from": 8, "hour_to": 17}
                    )
                    for day in range(5)
                ],
            }
        )
        cls.company.md_fda_calendar_id = cls.fda_calendar
        cls.template = cls.device(
            "Catheter 5F",
            gtin("692345697001"),
            md_brand_name="CathFlow",
            md_gudid_publish_date=date(2026, 11, 2),
        ).product_tmpl_id

    def thanksgiving(self):
        # 26 November, New York time (UTC-5)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Thanksgiving Day",
                "calendar_id": self.fda_calendar.id,
                "date_from": datetime(2026, 11, 26, 5, 0),
                "date_to": datetime(2026, 11, 27, 4, 59, 59),
            }
        )

    def test_change_after_publication_is_due_within_10_business_days(self):
        with freeze_time("2026-11-20 15:00:00"):
            self.template.with_user(self.quality_manager).md_brand_name = "CathFlow II"
        self.assertEqual(self.template.md_gudid_changed_date, FRIDAY)
        # 10 business days after Friday 20 November: Friday 4 December.
        self.assertEqual(self.template.md_gudid_update_due, date(2026, 12, 4))

    def test_public_holidays_of_the_fda_calendar_are_not_business_days(self):
        self.thanksgiving()
        with freeze_time("2026-11-20 15:00:00"):
            self.template.md_sterile = True
        self.assertEqual(self.template.md_gudid_update_due, date(2026, 12, 7))

    def test_no_deadline_before_publication_or_on_its_day(self):
        unpublished = self.device("Unpublished", gtin("692345697002")).product_tmpl_id
        unpublished.md_brand_name = "Draft"
        self.assertFalse(unpublished.md_gudid_changed_date)
        with freeze_time("2026-11-02 15:00:00"):
            self.template.md_brand_name = "Same day"
        self.assertFalse(self.template.md_gudid_update_due)

    def test_information_outside_the_gudid_record_has_no_deadline(self):
        with freeze_time("2026-11-20 15:00:00"):
            self.template.write({"md_emdn_code": "A03010101", "md_brand_name": "CathFlow"})
        self.assertFalse(self.template.md_gudid_changed_date)

    def test_submitted_update_clears_the_deadline_until_the_next_change(self):
        with freeze_time("2026-11-20 15:00:00"):
            self.template.md_gmdn_code = "35862"
        self.template.md_gudid_update_submitted_date = date(2026, 11, 24)
        self.assertFalse(self.template.md_gudid_update_due)
        with freeze_time("2026-11-25 15:00:00"):
            self.template.md_gmdn_code = "35863"
        self.assertEqual(self.template.md_gudid_update_due, date(2026, 12, 9))

    def test_packaging_level_changes_update_the_gudid_record(self):
        with freeze_time("2026-11-20 15:00:00"):
            packaging = self.env["product.packaging"].create(
                {
                    "name": "Box of 10",
                    "product_id": self.template.product_variant_id.id,
                    "qty": 10,
                    "md_udi_di": gtin("1692345697001"),
                }
            )
        self.assertEqual(self.template.md_gudid_changed_date, FRIDAY)
        with freeze_time("2026-11-23 15:00:00"):
            packaging.qty = 12
        self.assertEqual(self.template.md_gudid_changed_date, date(2026, 11, 23))
