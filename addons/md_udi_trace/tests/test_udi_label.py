"""UDI labels: element strings, HRI, HIBC, Digital Link, and the printed PDF decoded back.

Each printed symbol is read back with zxing-cpp from the rasterised PDF page and compared
with what the label must carry, including the AIM symbology identifier (GS1 GenSpecs figure
5.1.2-2: ]d2 GS1 DataMatrix, ]C1 GS1-128, ]d1/]C0 non-GS1 data such as HIBC, ]Q1 a URL).
"""

import datetime
import logging
import time

import pypdfium2
import zint
import zxingcpp
from PIL import Image

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from .. import udi
from ..labels import GS, Gs1LabelData, HibcLabelData, LabelError, digital_link_uri, render_gs1, render_text

_logger = logging.getLogger(__name__)
GTIN = "00614141123452"
RENDER_DPI = 300
TODAY = datetime.date(2026, 11, 22)  # fixes the GS1 century window for the parser


def gtin(body):
    return body + str(udi.gtin_check_digit(body))


def decode_image(image):
    """[(symbology identifier, data)] of every symbol in a PIL image."""
    return [
        (result.symbology_identifier, result.bytes.decode("latin-1"))
        for result in zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    ]


def pdf_pages(pdf):
    """[(page image, page text)] of a PDF."""
    document = pypdfium2.PdfDocument(pdf)
    pages = []
    for page in document:
        image = page.render(scale=RENDER_DPI / 72).to_pil()
        pages.append((image, page.get_textpage().get_text_range()))
    document.close()
    return pages


@tagged("post_install", "-at_install")
class TestLabelData(TransactionCase):
    """The pure label builders (labels/), no printing."""

    def test_element_string_separators(self):
        """GS after a variable-length AI followed by another; none after (01)/(11)/(17); none trailing."""
        full = Gs1LabelData(
            GTIN,
            expiry=datetime.date(2027, 5, 31),
            production_date=datetime.date(2025, 5, 1),
            lot="L1",
            serial="S1",
        )
        self.assertEqual(full.element_string(), f"01{GTIN}112505011727053110L1{GS}21S1")
        self.assertEqual(full.hri(), f"(01){GTIN}(11)250501(17)270531(10)L1(21)S1")
        lot_only = Gs1LabelData(GTIN, expiry=datetime.date(2027, 5, 31), lot="L1")
        self.assertEqual(lot_only.element_string(), f"01{GTIN}1727053110L1")
        self.assertFalse(lot_only.element_string().endswith(GS))
        serial_only = Gs1LabelData(GTIN, serial="S1")
        self.assertEqual(serial_only.element_string(), f"01{GTIN}21S1")
        self.assertEqual(Gs1LabelData(GTIN).element_string(), "01" + GTIN)

    def test_element_string_parses_back(self):
        data = Gs1LabelData("614141123452", expiry=datetime.date(2027, 2, 28), lot="A-1/B", serial="XYZ(9)")
        self.assertEqual(data.gtin, GTIN, "GTIN-12 is printed zero-padded to 14 digits")
        parsed = udi.parse("]d2" + data.element_string(), today=TODAY)
        self.assertEqual(
            (parsed.di, parsed.lot, parsed.serial, parsed.expiry),
            (GTIN, "A-1/B", "XYZ(9)", datetime.date(2027, 2, 28)),
        )

    def test_gs1_refusals(self):
        with self.assertRaisesRegex(LabelError, "check digit"):
            Gs1LabelData("00614141123453")
        with self.assertRaisesRegex(LabelError, "CSET 82"):
            Gs1LabelData(GTIN, lot="LOT 1")  # a space is not in CSET 82
        with self.assertRaisesRegex(LabelError, "CSET 82"):
            Gs1LabelData(GTIN, serial="S" * 21)

    def test_hibc_check_characters(self):
        """Mod 43 over every character, '+' included (ANSI/HIBC 2.6), computed here from the table."""
        table = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
        data = HibcLabelData("A123BJC5D6E71", expiry=datetime.date(2027, 5, 31), lot="3C001")
        primary_sum = sum(table.index(char) for char in "+A123BJC5D6E71")
        self.assertEqual(data.primary(), "+A123BJC5D6E71" + table[primary_sum % 43])
        link = data.primary()[-1]
        secondary = "+$$32705313C001" + link
        self.assertEqual(data.secondary(), secondary + table[sum(map(table.index, secondary)) % 43])
        concatenated = "+A123BJC5D6E71/$$32705313C001"
        self.assertEqual(data.concatenated(), concatenated + table[sum(map(table.index, concatenated)) % 43])

    def test_hibc_matches_zint_hibc_datamatrix(self):
        """zint's own HIBC DataMatrix adds '+' and the check character: it must agree with ours."""
        data = HibcLabelData(
            "H123PARTNO1",
            expiry=datetime.date(2027, 5, 31),
            production_date=datetime.date(2025, 5, 31),
            lot="LOT-7",
            serial="SN.1",
        )
        symbol = zint.Symbol()
        symbol.symbology = zint.Symbology.HIBC_DM
        symbol.encode(data.concatenated()[1:-1])
        symbol.scale = 3
        symbol.buffer()
        height, width, _channels = symbol.bitmap.shape
        image = Image.frombytes("RGB", (width, height), bytes(symbol.bitmap))
        self.assertEqual(decode_image(_with_quiet_zone(image)), [("]d1", data.concatenated())])

    def test_hibc_round_trip(self):
        data = HibcLabelData(
            "H123PARTNO1",
            expiry=datetime.date(2027, 5, 31),
            production_date=datetime.date(2025, 5, 31),
            lot="L1",
        )
        for text in (data.concatenated(), data.secondary()):
            parsed = udi.parse(text, today=TODAY)
            self.assertEqual(
                (parsed.lot, parsed.expiry, parsed.production_date),
                ("L1", datetime.date(2027, 5, 31), datetime.date(2025, 5, 31)),
            )
        self.assertEqual(udi.parse(data.concatenated(), today=TODAY).di, "H123PARTNO1")
        serial = HibcLabelData("H123PARTNO1", serial="S1")
        self.assertEqual(udi.parse(serial.concatenated(), today=TODAY).serial, "S1")
        with self.assertRaisesRegex(LabelError, "upper-case"):
            HibcLabelData("H123PARTNO1", lot="lot1")
        with self.assertRaisesRegex(LabelError, "needs a lot or serial"):
            HibcLabelData("H123PARTNO1", expiry=datetime.date(2027, 5, 31))

    def test_digital_link_uri(self):
        """Qualifiers 10 then 21 in the path, percent-encoded; dates in the query (GS1 Digital Link)."""
        data = Gs1LabelData(
            GTIN,
            expiry=datetime.date(2027, 5, 31),
            production_date=datetime.date(2025, 5, 1),
            lot="A/1",
            serial="S&1",
        )
        uri = digital_link_uri("https://resolver.example.com/dl/", data)
        self.assertEqual(
            uri, f"https://resolver.example.com/dl/01/{GTIN}/10/A%2F1/21/S%261?11=250501&17=270531"
        )
        parsed = udi.parse(uri, today=TODAY)
        self.assertEqual((parsed.di, parsed.lot, parsed.serial), (GTIN, "A/1", "S&1"))
        self.assertEqual(parsed.expiry, datetime.date(2027, 5, 31))
        with self.assertRaisesRegex(LabelError, "https"):
            digital_link_uri("http://id.gs1.org", data)


def _with_quiet_zone(image, border=20):
    framed = Image.new("RGB", (image.width + 2 * border, image.height + 2 * border), "white")
    framed.paste(image, (border, border))
    return framed


@tagged("post_install", "-at_install")
class TestUdiLabelPrint(TransactionCase):
    """The print wizard, the label run log and the PDF, decoded back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # wkhtmltopdf fetches the report stylesheets from the server at report.url. When
        # these tests run inside an install (tests/run.sh), the server cannot answer before
        # the tests end and wkhtmltopdf would wait for ever; a closed port makes it render at
        # once without them. The symbols are inline SVG and decode without the stylesheets.
        cls.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:1")
        cls.company = cls.env.company
        cls.md_user = new_test_user(
            cls.env, "md_label_user", groups="md_base.group_md_user,stock.group_stock_user"
        )
        cls.catheter = cls._device(
            "Catheter",
            GTIN,
            md_label_lot=True,
            md_label_expiry=True,
            md_label_production_date=True,
            md_single_use=True,
            md_sterile=True,
            md_sterilisation_method="eo",
            default_code="CAT-01",
        )
        cls.box = cls.env["product.packaging"].create(
            {
                "name": "Box of 10",
                "product_id": cls.catheter.id,
                "qty": 10,
                "md_udi_di": gtin("1061414112345"),
                "md_udi_level": "box",
            }
        )
        cls.lot = cls.env["stock.lot"].create(
            {
                "name": "L2025/05",
                "product_id": cls.catheter.id,
                "expiration_date": datetime.datetime(2027, 5, 31, 10, 0),
                "md_production_date": datetime.date(2025, 5, 31),
            }
        )
        cls.implant = cls._device(
            "Implant", gtin("0061414100001"), md_label_serial=True, md_label_expiry=True
        )
        cls.serial = cls.env["stock.lot"].create(
            {
                "name": "SN-000000001",
                "product_id": cls.implant.id,
                "expiration_date": datetime.datetime(2030, 1, 15, 10, 0),
            }
        )
        cls.hibc_device = cls._device(
            "HIBC Stent", "H123STENT1", issuer="hibcc", md_label_lot=True, md_label_expiry=True
        )
        cls.hibc_lot = cls.env["stock.lot"].create(
            {
                "name": "HL-7",
                "product_id": cls.hibc_device.id,
                "expiration_date": datetime.datetime(2028, 2, 29, 10, 0),
            }
        )

    @classmethod
    def _device(cls, name, di, issuer="gs1", **vals):
        template = cls.env["product.template"].create({"name": name, "md_is_device": True, **vals})
        template.product_variant_id.write({"md_udi_issuer": issuer, "md_udi_di": di})
        return template.product_variant_id

    def _print(self, lots, symbology="datamatrix", digital_link=False, packaging=None, user=None):
        """Run the wizard as a Medical Devices user; return the label runs it logged."""
        env = self.env(user=user or self.md_user)
        wizard = (
            env["md.label.print"]
            .with_context(active_model="stock.lot", active_ids=lots.ids)
            .create({"symbology": symbology, "with_digital_link": digital_link})
        )
        if packaging:
            wizard.line_ids.packaging_id = packaging
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "md_udi_trace.report_udi_label")
        return env["md.label.log"].browse(action["context"]["active_ids"])

    def _pdf(self, logs):
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("md_udi_trace.report_udi_label", logs.ids)
        )
        self.assertEqual(report_type, "pdf")
        return pdf_pages(pdf)

    def _assert_gs1(self, identifier, data, log):
        """A GS1 symbol: identifier, ASCII 29 separators, and the UDI the lot carries."""
        self.assertIn(identifier, ("]d2", "]C1"))
        parsed = udi.parse(identifier + data, today=TODAY)
        self.assertEqual(parsed.di, log.udi_di)
        self.assertEqual(parsed.lot or False, log.label_lot)
        self.assertEqual(parsed.serial or False, log.label_serial)
        self.assertEqual(parsed.expiry or False, log.label_expiry)
        self.assertEqual(parsed.production_date or False, log.label_production_date)

    def test_gs1_datamatrix_label(self):
        """GS1 DataMatrix (]d2, FNC1 first), Digital Link QR, HRI and YYYY-MM-DD dates on the PDF."""
        log = self._print(self.lot, digital_link=True)
        self.assertEqual(log.udi_element_string, f"01{GTIN}11250531172705311" + "0L2025/05")
        self.assertEqual(log.udi_hri, f"(01){GTIN}(11)250531(17)270531(10)L2025/05")
        self.assertEqual(log.digital_link, f"https://id.gs1.org/01/{GTIN}/10/L2025%2F05?11=250531&17=270531")
        self.assertEqual((log.copies, log.user_id, log.company_id), (1, self.md_user, self.company))
        [(image, text)] = self._pdf(log)
        decoded = dict(decode_image(image))
        self.assertEqual(decoded["]d2"], f"01{GTIN}112505311727053110L2025/05")
        self._assert_gs1("]d2", decoded["]d2"], log)
        self.assertEqual(decoded["]Q1"], log.digital_link)
        self.assertEqual(udi.parse(decoded["]Q1"], today=TODAY).lot, "L2025/05")
        for expected in (
            log.udi_hri,
            "Use by 2027-05-31",
            "Manufactured 2025-05-31",
            "LOT L2025/05",
            "CAT-01",
        ):
            self.assertIn(expected, text.replace("\r\n", " ").replace("\n", " "))
        self.assertIn("Ethylene oxide", text)
        self.assertIn("Single use", text)

    def test_gs1_separator_between_lot_and_serial(self):
        """A serial label: (21) last, no GS before it unless a variable AI precedes."""
        log = self._print(self.serial)
        [(image, _text)] = self._pdf(log)
        [(identifier, data)] = decode_image(image)
        self.assertEqual((identifier, data), ("]d2", f"01{self.implant.md_udi_di}1730011521SN-000000001"))
        self.assertNotIn(GS, data)
        self._assert_gs1(identifier, data, log)

    def test_gs1_128_label_packaging_level(self):
        """GS1-128 (]C1) with the box DI; each linear symbol decodes, joined they are the UDI."""
        log = self._print(self.lot, symbology="linear", packaging=self.box)
        self.assertEqual(log.udi_di, self.box.md_udi_di)
        [(image, text)] = self._pdf(log)
        decoded = decode_image(image)
        self.assertTrue(decoded)
        self.assertEqual({identifier for identifier, _data in decoded}, {"]C1"})
        joined = GS.join(data for _identifier, data in sorted(decoded))
        self._assert_gs1("]C1", joined, log)
        self.assertIn("Box of 10", text)

    def test_every_symbology_decodes(self):
        """Each kind drawn by zint, printed by wkhtmltopdf, reads back with its data and identifier.

        Lot and serial together put ASCII 29 after (10) and nothing after (21).
        """
        data = Gs1LabelData(GTIN, expiry=datetime.date(2027, 5, 31), lot="LOT-1", serial="SN1")
        hibc = HibcLabelData("H123PARTNO1", lot="LOT1")
        uri = digital_link_uri("https://id.gs1.org", data)
        cases = [
            (render_gs1("gs1_datamatrix", data, 94), "]d2", f"01{GTIN}1727053110LOT-1{GS}21SN1"),
            (render_gs1("gs1_128", data, 94), "]C1", f"01{GTIN}1727053110LOT-1{GS}21SN1"),
            ([render_text("hibc_datamatrix", hibc.concatenated(), 94)], "]d1", hibc.concatenated()),
            ([render_text("hibc_128", hibc.primary(), 94)], "]C0", hibc.primary()),
            ([render_text("qr", uri, 94)], "]Q1", uri),
        ]
        html = "".join(
            f'<p style="padding:5mm"><img src="{symbol.data_uri()}" style="{symbol.img_style()}"/></p>'
            for [symbol], _identifier, _expected in cases
        )
        pdf = self.env["ir.actions.report"]._run_wkhtmltopdf([f"<html><body>{html}</body></html>"])
        decoded = sorted(decode_image(image) for image, _text in pdf_pages(pdf))
        expected = sorted((identifier, text) for _symbols, identifier, text in cases)
        self.assertEqual(sorted(pair for page in decoded for pair in page), expected)
        for _symbols, identifier, text in cases[:2]:
            self._check_gs1(identifier + text)

    def _check_gs1(self, scanned):
        parsed = udi.parse(scanned, today=TODAY)
        self.assertEqual((parsed.di, parsed.lot, parsed.serial), (GTIN, "LOT-1", "SN1"))

    def test_hibc_labels(self):
        """HIBC: plain DataMatrix (]d1) with the concatenated data; Code 128 (]C0) primary + secondary."""
        log = self._print(self.hibc_lot)
        expected = HibcLabelData("H123STENT1", expiry=datetime.date(2028, 2, 29), lot="HL-7")
        self.assertEqual(log.udi_element_string, expected.concatenated())
        [(image, text)] = self._pdf(log)
        self.assertEqual(decode_image(image), [("]d1", expected.concatenated())])
        parsed = udi.parse(expected.concatenated(), today=TODAY)
        self.assertEqual((parsed.issuer, parsed.di, parsed.lot), ("hibcc", "H123STENT1", "HL-7"))
        self.assertEqual(parsed.expiry, datetime.date(2028, 2, 29))
        self.assertIn("Use by 2028-02-29", text)
        linear = self._print(self.hibc_lot, symbology="linear")
        [(image, _text)] = self._pdf(linear)
        self.assertEqual(
            sorted(decode_image(image)), sorted([("]C0", expected.primary()), ("]C0", expected.secondary())])
        )

    def test_copies_and_wizard_from_receipt_quantity(self):
        """One page per copy; a packaging level divides the quantity into packages."""
        supplier, stock = (
            self.env.ref("stock.stock_location_suppliers"),
            self.env.ref("stock.stock_location_stock"),
        )
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.env.ref("stock.picking_type_in").id,
                "location_id": supplier.id,
                "location_dest_id": stock.id,
            }
        )
        move = self.env["stock.move"].create(
            {
                "name": "Catheters",
                "picking_id": receipt.id,
                "product_id": self.catheter.id,
                "product_uom_qty": 25,
                "product_uom": self.catheter.uom_id.id,
                "location_id": supplier.id,
                "location_dest_id": stock.id,
            }
        )
        receipt.action_confirm()
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            {
                "move_id": move.id,
                "picking_id": receipt.id,
                "product_id": self.catheter.id,
                "lot_id": self.lot.id,
                "quantity": 25,
                "location_id": supplier.id,
                "location_dest_id": stock.id,
            }
        )
        wizard = (
            self.env["md.label.print"]
            .with_user(self.md_user)
            .with_context(active_model="stock.picking", active_ids=receipt.ids)
            .create({})
        )
        self.assertEqual(wizard.origin, receipt.name)
        self.assertEqual(
            [(line.lot_id, line.quantity, line.copies) for line in wizard.line_ids], [(self.lot, 25, 25)]
        )
        wizard.line_ids.packaging_id = self.box
        wizard.line_ids._onchange_packaging_id()
        self.assertEqual(wizard.line_ids.copies, 3)
        wizard.line_ids.copies = 2
        logs = self.env["md.label.log"].browse(wizard.action_print()["context"]["active_ids"])
        self.assertEqual((logs.origin, logs.copies, logs.packaging_id), (receipt.name, 2, self.box))
        pages = self._pdf(logs)
        self.assertEqual(len(pages), 2)
        for image, _text in pages:
            self.assertEqual(dict(decode_image(image))["]d2"][2:16], self.box.md_udi_di)

    def test_refusals(self):
        """No DI, a missing PI, a serial label on a lot, Digital Link for HIBC: clear errors, no log."""
        Log = self.env["md.label.log"]
        before = Log.search_count([])
        no_di = self._device("No DI", None, md_label_lot=True)
        lot = self.env["stock.lot"].create({"name": "ND-1", "product_id": no_di.id})
        with self.assertRaisesRegex(UserError, "has no UDI-DI"):
            self._print(lot)
        no_expiry = self.env["stock.lot"].create({"name": "NE-1", "product_id": self.catheter.id})
        no_expiry.expiration_date = False
        with self.assertRaisesRegex(UserError, "has no expiration date"):
            self._print(no_expiry)
        no_production = self.env["stock.lot"].create(
            {"name": "NP-1", "product_id": self.catheter.id, "expiration_date": datetime.datetime(2027, 1, 1)}
        )
        with self.assertRaisesRegex(UserError, "has no production date"):
            self._print(no_production)
        # A product that is not flagged as a device keeps the tracking it was given.
        lot_tracked = self.env["product.template"].create(
            {"name": "Accessory", "tracking": "lot", "is_storable": True, "md_label_serial": True}
        )
        lot_tracked.product_variant_id.md_udi_di = gtin("0061414100002")
        accessory_lot = self.env["stock.lot"].create(
            {"name": "ACC-1", "product_id": lot_tracked.product_variant_id.id}
        )
        with self.assertRaisesRegex(UserError, "tracked by lot"):
            self._print(accessory_lot)
        with self.assertRaisesRegex(UserError, "Digital Link needs a GS1"):
            self._print(self.hibc_lot, digital_link=True)
        other = self.env["product.packaging"].create(
            {"name": "Other", "product_id": self.implant.id, "qty": 5}
        )
        with self.assertRaisesRegex(UserError, "is not a packaging of"):
            Log.create({"lot_id": self.lot.id, "packaging_id": other.id})
        self.assertEqual(Log.search_count([]), before)

    def test_log_is_a_record(self):
        """The log keeps what the lot said when printed; nobody changes or deletes it, nor fakes it."""
        log = (
            self.env["md.label.log"]
            .with_user(self.md_user)
            .create(
                {
                    "lot_id": self.lot.id,
                    "udi_element_string": "fake",
                    "udi_di": "fake",
                    "user_id": self.env.uid,
                }
            )
        )
        self.assertEqual(log.udi_di, GTIN)
        self.assertEqual(log.user_id, self.md_user)
        self.lot.md_production_date = datetime.date(2025, 6, 1)
        self.assertEqual(log.label_production_date, datetime.date(2025, 5, 31))
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            log.with_user(self.md_user).write({"copies": 5})
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            log.write({"copies": 5})
        with self.assertRaises(AccessError):
            log.unlink()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            log.sudo().unlink()
        with self.assertRaises(AccessError):
            self.env["md.label.log"].with_user(self.env.ref("base.public_user")).search([])

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "MD Label Other Co"})
        outsider = new_test_user(
            self.env, "md_label_outsider", groups="md_base.group_md_user", company_id=other_company.id
        )
        outsider.company_ids = other_company
        log = self._print(self.lot)
        self.assertFalse(self.env["md.label.log"].with_user(outsider).search([("id", "=", log.id)]))

    def test_resolver_setting(self):
        """The Digital Link resolver is a company setting; an invalid one is refused."""
        settings = self.env["res.config.settings"].create({"md_dl_resolver": "https://dl.example.com/id/"})
        settings.execute()
        log = self._print(self.lot, digital_link=True)
        self.assertTrue(log.digital_link.startswith(f"https://dl.example.com/id/01/{GTIN}/10/"))
        with self.assertRaisesRegex(ValidationError, "https://"):
            self.company.md_dl_resolver = "ftp://dl.example.com"

    def test_hundred_labels_timing(self):
        """100 labels in one run: the symbols are drawn once per run, the PDF has 100 pages."""
        log = self._print(self.lot, digital_link=True)
        start = time.perf_counter()
        for _index in range(100):
            log._md_symbols()
        draw = time.perf_counter() - start
        many = self.env["md.label.log"].create(
            {"lot_id": self.lot.id, "copies": 100, "symbology": "datamatrix", "with_digital_link": True}
        )
        start = time.perf_counter()
        pdf, _report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("md_udi_trace.report_udi_label", many.ids)
        )
        render = time.perf_counter() - start
        pages = pdf_pages(pdf)
        _logger.info(
            "UDI labels: 100 symbol sets (DataMatrix + QR) drawn in %.3f s; 100-label PDF in %.1f s",
            draw,
            render,
        )
        self.assertEqual(len(pages), 100)
        self.assertLess(draw, 5.0)
        self.assertLess(render, 120.0)
        self.assertEqual(dict(decode_image(pages[-1][0]))["]d2"], dict(decode_image(pages[0][0]))["]d2"])
