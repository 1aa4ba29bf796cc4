from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

GTIN = "00614141123452"  # GS1 GenSpecs 7.9.1 check digit example
CASE_GTIN = "10614141123459"  # the same item with packaging indicator 1
CONTRACT_KEYS = {
    "issuer",
    "di",
    "lot",
    "serial",
    "expiry",
    "production_date",
    "quantity",
    "product_id",
    "packaging_id",
    "pi_only",
    "extra",
}


@tagged("post_install", "-at_install")
class TestUdiParse(TransactionCase):
    """The md.udi.parse contract for scanners and integrators (a public RPC contract kept stable)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Udi = cls.env["md.udi"]
        cls.user = new_test_user(cls.env, "md_udi_parse_user", groups="md_base.group_md_user")

    def test_gs1_result_dict(self):
        result = self.Udi.parse(f"]d201{GTIN}17270100" + "10LOT-1\x1d21SN1\x1d3012")
        self.assertEqual(set(result), CONTRACT_KEYS)
        self.assertEqual(
            {key: result[key] for key in CONTRACT_KEYS - {"product_id", "packaging_id"}},
            {
                "issuer": "gs1",
                "di": GTIN,
                "lot": "LOT-1",
                "serial": "SN1",
                "expiry": "2027-01-31",  # DD=00: last day of the month (GenSpecs 7.12)
                "production_date": False,
                "quantity": 12,
                "pi_only": False,
                "extra": {},
            },
        )

    def test_xmlrpc_separator_substitutes_and_parenthesised_form(self):
        expected = (GTIN, "L1", "S1", "2026-12-31")
        for raw in (
            f"01{GTIN}10L1<GS>21S1<GS>17261231",
            f"01{GTIN}10L1{{GS}}21S1{{GS}}17261231",
            f"01{GTIN}10L1^]21S1^]17261231",
            f"01{GTIN}10L1\\x1d21S1\\x1d17261231",
            f"01{GTIN}10L1|21S1|17261231",
            f"(01){GTIN}(10)L1(21)S1(17)261231",
        ):
            result = self.Udi.parse(raw)
            self.assertEqual((result["di"], result["lot"], result["serial"], result["expiry"]), expected, raw)

    def test_pi_only_symbol_of_a_split_label(self):
        result = self.Udi.parse("(17)261231(10)L1")
        self.assertEqual((result["di"], result["pi_only"], result["lot"]), (False, True, "L1"))
        self.assertEqual((result["product_id"], result["packaging_id"]), (False, False))

    def test_hibcc_and_iccbba(self):
        hibc = self.Udi.parse("+A123BJC5D6E71G")
        self.assertEqual((hibc["issuer"], hibc["di"]), ("hibcc", "A123BJC5D6E71"))
        isbt = self.Udi.parse("=/A9999XYZ100T0944=,000025=>014032=}013032")
        self.assertEqual(
            (isbt["issuer"], isbt["di"], isbt["serial"], isbt["expiry"], isbt["production_date"]),
            ("iccbba", "A9999XYZ100T0944", "000025", "2014-02-01", "2013-02-01"),
        )

    def test_invalid_input_raises_user_error_naming_the_problem(self):
        cases = {
            f"01{GTIN[:-1]}3": "GTIN 00614141123453 in AI (01): check digit should be 2",
            "240REF": "no GTIN in AI (01) and no production identifier",
            "(00)106141411234567897(21)S": "AI (21) requires AI (01) or (03) or (8006)",
            f"01{GTIN}70032612001200": "day 00 is not allowed",
            "+A123BJC5D6E71H": "check character should be 'G'",
            "hello": "not a GS1, HIBC or ISBT 128 UDI",
            "": "empty",
        }
        for raw, detail in cases.items():
            with self.assertRaises(UserError, msg=raw) as error:
                self.Udi.parse(raw)
            self.assertIn("Invalid UDI", str(error.exception))
            self.assertIn(detail, str(error.exception))

    def test_non_text_input_is_a_user_error(self):
        with self.assertRaisesRegex(UserError, "must be text"):
            self.Udi.parse(42)

    def test_known_di_returns_product_and_packaging(self):
        product = self.env["product.product"].create({"name": "Catheter 5F", "md_udi_di": GTIN})
        packaging = self.env["product.packaging"].create(
            {"name": "Case of 10", "product_id": product.id, "qty": 10, "md_udi_di": CASE_GTIN}
        )
        unit = self.Udi.with_user(self.user).parse(f"(01){GTIN}(10)L1")
        self.assertEqual((unit["product_id"], unit["packaging_id"]), (product.id, False))
        case = self.Udi.with_user(self.user).parse(f"01{CASE_GTIN}")
        self.assertEqual((case["product_id"], case["packaging_id"]), (product.id, packaging.id))

    def test_unknown_di_returns_false(self):
        result = self.Udi.with_user(self.user).parse("0109638507000004")
        self.assertEqual((result["product_id"], result["packaging_id"]), (False, False))

    def test_hibcc_primary_and_secondary_symbols_read_back_to_back(self):
        # ANSI/HIBC 2.6-2016 Figures 2 and 6: the secondary's link character G is the primary's check.
        result = self.Udi.parse("+A123BJC5D6E71G\r\n+$$52001510X3GD")
        self.assertEqual(
            (result["di"], result["lot"], result["expiry"], result["pi_only"]),
            ("A123BJC5D6E71", "10X3", "2020-01-15", False),
        )

    def test_legacy_digital_link_with_a_zero_suppressed_gtin(self):
        product = self.env["product.product"].create({"name": "Legacy link", "md_udi_di": GTIN})
        result = self.Udi.with_user(self.user).parse("https://id.gs1.org/01/614141123452/10/L1")
        self.assertEqual((result["di"], result["lot"], result["product_id"]), (GTIN, "L1", product.id))
        self.assertEqual(result["extra"]["zero_suppressed_gtin"], "614141123452")

    def test_best_before_in_a_pi_only_symbol_is_returned(self):
        result = self.Udi.parse("(15)261200(10)L1")
        self.assertEqual((result["pi_only"], result["expiry"], result["lot"]), (True, False, "L1"))
        self.assertEqual(result["extra"]["dates"], {"15": "2026-12-31"})

    def test_made_to_order_gtin_finds_the_device(self):
        product = self.env["product.product"].create({"name": "Custom implant", "md_udi_di": GTIN})
        result = self.Udi.with_user(self.user).parse(f"(03){GTIN}(21)CUST-1")
        self.assertEqual((result["di"], result["serial"], result["product_id"]), (GTIN, "CUST-1", product.id))
        self.assertTrue(result["extra"]["made_to_order_gtin"])
