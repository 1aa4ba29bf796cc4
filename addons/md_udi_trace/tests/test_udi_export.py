import base64
import csv
import io

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .test_device_identity import gtin


@tagged("post_install", "-at_install")
class TestUdiExport(TransactionCase):
    """UDI database submissions.

    GUDID (21 CFR 830.310); EUDAMED (MDR Annex VI Parts A 2 and B; element names, nesting and codes of
    the EUDAMED DTX XML schema 3.0.25, cited by #FLD-UDID-nnn#); NMPA UDID (element names of the UDID
    public data download XML). Names that could not be verified are stated in the export itself.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manufacturer = cls.env["res.partner"].create(
            {
                "name": "Suzhou Test Medical Co., Ltd.",
                "is_company": True,
                "country_id": cls.env.ref("base.cn").id,
                "vat": "91320594MA1X2K3L51",
                "md_duns": "544862391",
                "md_eu_srn": "CN-MF-000000001",
            }
        )
        cls.representative = cls.env["res.partner"].create(
            {"name": "EU Rep GmbH", "country_id": cls.env.ref("base.de").id, "md_eu_srn": "DE-AR-000000001"}
        )
        cls.complete = cls.env["product.product"].create(
            {
                "name": "Export Infusion Set",
                "md_is_device": True,
                "md_udi_di": gtin("692345694001"),
                "md_basic_udi_di": "692345694EXPORTQK",
                "md_brand_name": "ExportBrand",
                "md_model_version": "EX-1",
                "md_catalogue_number": "CAT-EX-1",
                "md_device_description": "Gravity infusion set",
                "md_manufacturer_id": cls.manufacturer.id,
                "md_authorised_rep_id": cls.representative.id,
                "md_risk_class_us": "II",
                "md_risk_class_eu": "IIa",
                "md_risk_class_cn": "II",
                "md_gmdn_code": "35862",
                "md_emdn_code": "A03010101",
                "md_nmpa_class_code": "14-02-01",
                "md_fda_product_code": "FPA",
                "md_fda_premarket_number": "K200001",
                "md_cn_registration_number": "苏械注准20232140999",
                "md_label_lot": True,
                "md_label_expiry": True,
                "md_label_production_date": True,
                "md_single_use": True,
                "md_sterile": True,
                "md_sterilisation_method": "eo",
                "md_mri_safety": "no_info",
                "md_prescription": "rx",
                "md_storage_temp_controlled": True,
                "md_storage_temp_min": -10,
                "md_storage_temp_max": 40,
            }
        )
        Packaging = cls.env["product.packaging"]
        cls.box = Packaging.create(
            {
                "name": "Box of 50",
                "product_id": cls.complete.id,
                "qty": 50,
                "md_udi_level": "box",
                "md_udi_di": gtin("1692345694001"),
            }
        )
        cls.case = Packaging.create(
            {
                "name": "Case of 10 boxes",
                "product_id": cls.complete.id,
                "qty": 500,
                "md_udi_level": "case",
                "md_udi_di": gtin("2692345694001"),
            }
        )
        cls.incomplete = cls.env["product.product"].create(
            {
                "name": "Export Stapler",
                "md_is_device": True,
                "md_udi_issuer": "hibcc",
                "md_udi_di": "H789EXP0",
                "md_brand_name": "Stapler",
                "md_manufacturer_id": cls.manufacturer.id,
                "md_device_count": 10,
                "md_sterile": True,
            }
        )

    def export(self, database, file_format, products):
        wizard = self.env["md.udi.export"].create(
            {"database": database, "file_format": file_format, "product_ids": [(6, 0, products.ids)]}
        )
        wizard.action_export()
        self.assertTrue(wizard.file_name.endswith("." + file_format))
        return base64.b64decode(wizard.file_data)

    def csv_rows(self, database, products):
        content = self.export(database, "csv", products).decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(content)))

    def test_gudid_xml_has_the_device_and_its_package_hierarchy(self):
        root = etree.fromstring(self.export("gudid", "xml", self.complete))
        self.assertEqual(root.tag, "gudidDevices")
        [device] = root.findall("device")
        self.assertEqual(device.findtext("primaryDi"), self.complete.md_udi_di)
        self.assertEqual(device.findtext("deviceIdIssuingAgency"), "GS1")
        self.assertEqual(device.findtext("brandName"), "ExportBrand")
        self.assertEqual(device.findtext("dunsNumber"), "544862391")
        self.assertEqual(device.findtext("lotBatch"), "true")
        self.assertEqual(device.findtext("serialNumber"), "false")
        self.assertEqual(device.findtext("sterilizationMethod"), "Ethylene Oxide")
        self.assertEqual(device.findtext("storageHandlingLow"), "-10")
        packages = device.findall("identifiers/identifier")
        self.assertEqual(
            [
                (p.findtext("deviceId"), p.findtext("pkgQuantity"), p.findtext("containsDINumber"))
                for p in packages
            ],
            [
                (self.box.md_udi_di, "50", self.complete.md_udi_di),
                (self.case.md_udi_di, "10", self.box.md_udi_di),
            ],
        )

    def test_eudamed_csv_uses_annex_vi_part_b_elements_and_schema_codes(self):
        rows = self.csv_rows("eudamed", self.complete)
        self.assertEqual(len(rows), 3)  # the device, then its box and case
        device = rows[0]
        self.assertEqual(device["UDI-DI"], self.complete.md_udi_di)
        self.assertEqual(device["Basic UDI-DI"], "692345694EXPORTQK")
        self.assertEqual(device["Risk class"], "CLASS_IIA")  # RiskClassEnum
        self.assertEqual(device["Manufacturer SRN"], "CN-MF-000000001")
        self.assertEqual(device["Authorised representative SRN"], "DE-AR-000000001")
        # PIElementEnum list (FLD-UDID-148)
        self.assertEqual(device["Type of UDI-PI"], "BATCH_NUMBER EXPIRATION_DATE MANUFACTURING_DATE")
        self.assertEqual(device["Status of the device"], "ON_THE_MARKET")
        # FLD-UDID-157: 0 for a single-use device
        self.assertEqual(device["Maximum number of reuses"], "0")
        self.assertEqual(device["Package UDI-DI"], "")
        self.assertEqual(
            (rows[2]["Package UDI-DI"], rows[2]["Quantity per package"]), (self.case.md_udi_di, "10")
        )

    def test_eudamed_csv_notes_what_has_no_schema_element(self):
        device = self.csv_rows("eudamed", self.complete)[0]
        self.assertIn("Storage and handling conditions: EUDAMED codes this item", device["Notes"])
        self.assertIn("Clinical size", device["Notes"])
        self.assertIn("lsn:language", device["Notes"])

    def test_eudamed_xml_uses_the_dtx_schema_names(self):
        root = etree.fromstring(self.export("eudamed", "xml", self.complete))
        ns = {
            "device": "https://ec.europa.eu/tools/eudamed/dtx/datamodel/Entity/Device/v1",
            "basicudi": "https://ec.europa.eu/tools/eudamed/dtx/datamodel/Entity/Device/BasicUDI/v1",
            "udidi": "https://ec.europa.eu/tools/eudamed/dtx/datamodel/Entity/UDIDI/v1",
            "commondi": "https://ec.europa.eu/tools/eudamed/dtx/datamodel/Entity/Device/CommonDevice/v1",
        }
        [device] = root.findall("device:MDRDevice", ns)
        basic, udi_di = device.find("device:MDRBasicUDI", ns), device.find("device:MDRUDIDIData", ns)
        self.assertEqual(
            basic.findtext("basicudi:identifier/commondi:DICode", namespaces=ns), "692345694EXPORTQK"
        )
        self.assertEqual(basic.findtext("basicudi:riskClass", namespaces=ns), "CLASS_IIA")
        self.assertEqual(basic.findtext("basicudi:MFActorCode", namespaces=ns), "CN-MF-000000001")
        self.assertEqual(basic.findtext("commondi:implantable", namespaces=ns), "false")
        identifier = udi_di.find("udidi:identifier", ns)
        self.assertEqual(
            (
                identifier.findtext("commondi:DICode", namespaces=ns),
                identifier.findtext("commondi:issuingEntityCode", namespaces=ns),
            ),
            (self.complete.md_udi_di, "GS1"),
        )
        self.assertEqual(udi_di.findtext("udidi:status/commondi:code", namespaces=ns), "ON_THE_MARKET")
        self.assertEqual(udi_di.findtext("udidi:referenceNumber", namespaces=ns), "CAT-EX-1")
        self.assertEqual(udi_di.findtext("udidi:sterile", namespaces=ns), "true")
        packages = udi_di.findall("udidi:packages/udidi:package", ns)
        self.assertEqual(
            [
                (
                    p.findtext("udidi:identifier/commondi:DICode", namespaces=ns),
                    p.findtext("udidi:child/commondi:DICode", namespaces=ns),
                    p.findtext("udidi:numberOfItems", namespaces=ns),
                )
                for p in packages
            ],
            [
                (self.box.md_udi_di, self.complete.md_udi_di, "50"),
                (self.case.md_udi_di, self.box.md_udi_di, "10"),
            ],
        )
        comments = [node.text for node in root.iter(etree.Comment)]
        self.assertIn("EUDAMED DTX XML schema 3.0.25", comments[0])
        self.assertTrue(any("Not verified: Clinical size" in text for text in comments))
        # a value without a schema element is kept as a comment of the device
        self.assertTrue(any("Storage and handling conditions: -10 °C to 40 °C" in text for text in comments))

    def test_eudamed_recall_is_a_substatus(self):
        self.complete.md_market_status = "recalled"
        root = etree.fromstring(self.export("eudamed", "xml", self.complete))
        ns = {
            "udidi": "https://ec.europa.eu/tools/eudamed/dtx/datamodel/Entity/UDIDI/v1",
            "commondi": "https://ec.europa.eu/tools/eudamed/dtx/datamodel/Entity/Device/CommonDevice/v1",
        }
        self.assertEqual(
            root.findtext(".//udidi:substatuses/commondi:substatus/commondi:code", namespaces=ns), "RECALLED"
        )
        # the status (on the market or no longer placed on it) is not recorded for a recalled device
        self.assertIsNone(root.find(".//udidi:status/commondi:code", namespaces=ns).text)

    def test_nmpa_csv_has_the_chinese_element_names(self):
        rows = self.csv_rows("nmpa", self.complete)
        device = rows[0]
        self.assertEqual(device["最小销售单元产品标识"], self.complete.md_udi_di)
        self.assertEqual(device["产品名称/通用名称"], "Export Infusion Set")
        self.assertEqual(device["医疗器械唯一标识编码体系名称"], "GS1")
        self.assertEqual(device["注册证编号或者备案凭证编号"], "苏械注准20232140999")
        self.assertEqual(device["统一社会信用代码"], "91320594MA1X2K3L51")
        self.assertEqual(device["生产标识是否包含批号"], "是")
        self.assertEqual(device["生产标识是否包含序列号"], "否")
        self.assertEqual(device["灭菌方式"], "环氧乙烷灭菌")
        self.assertEqual(rows[1]["产品包装级别"], "盒")
        self.assertEqual(rows[1]["包装内含小一级包装产品标识"], self.complete.md_udi_di)
        self.assertIn("管理类别", device["Notes"])

    def test_nmpa_xml_uses_the_udid_data_element_names(self):
        root = etree.fromstring(self.export("nmpa", "xml", self.complete | self.incomplete))
        self.assertEqual(root.tag, "udid")
        devices = root.findall("devices/device")
        self.assertEqual([d.findtext("zxxsdycpbs") for d in devices], [self.complete.md_udi_di, "H789EXP0"])
        self.assertEqual(devices[0].findtext("packingList/packing/bzcpbs"), self.box.md_udi_di)
        self.assertEqual(devices[0].findtext("packingList/packing/bznhxyjcpbssl"), "50")
        self.assertEqual(devices[0].findtext("cgzmraqxgxx"), "说明书或标签上面不包括MR安全信息")
        # HIBCC is not an NMPA coding system: the element stays empty
        self.assertEqual(devices[1].findtext("cpbsbmtxmc"), "")
        # The management class has no verified element name: a comment carries the value.
        self.assertIsNone(devices[0].find("gllb"))
        self.assertIn(" 管理类别: II ", [node.text for node in devices[0].iter(etree.Comment)])

    def test_complete_device_misses_nothing(self):
        self.assertFalse(self.complete.md_udi_missing_elements)
        self.assertFalse(self.complete.product_tmpl_id.md_udi_missing_elements)

    def test_missing_elements_are_listed_per_database(self):
        report = self.incomplete.md_udi_missing_elements
        lines = dict(line.split(": ", 1) for line in report.splitlines())
        self.assertEqual(set(lines), {"GUDID", "EUDAMED", "NMPA UDID"})
        self.assertIn("Unit of Use DI Number", lines["GUDID"])  # 10 devices per base unit
        self.assertIn("Sterilization Method", lines["GUDID"])
        self.assertIn("GMDN Code", lines["GUDID"])
        self.assertNotIn("Brand Name", lines["GUDID"])
        self.assertIn("Basic UDI-DI", lines["EUDAMED"])
        self.assertIn("Authorised representative SRN", lines["EUDAMED"])  # manufacturer outside the EU
        self.assertIn("医疗器械唯一标识编码体系名称", lines["NMPA UDID"])
        self.assertIn("注册证编号或者备案凭证编号", lines["NMPA UDID"])

    def test_only_the_markets_of_the_device_are_listed(self):
        self.incomplete.md_risk_class_cn = "II"
        report = self.incomplete.md_udi_missing_elements
        self.assertTrue(report.startswith("NMPA UDID: "))
        self.assertNotIn("GUDID", report)
        self.assertNotIn("EUDAMED", report)

    def test_filling_an_element_removes_it_from_the_list(self):
        self.incomplete.md_basic_udi_di = "H789EXPBASIC"
        self.assertNotIn("Basic UDI-DI", self.incomplete.md_udi_missing_elements)

    def test_packaging_level_without_di_is_reported(self):
        self.env["product.packaging"].create(
            {"name": "Pallet", "product_id": self.complete.id, "qty": 20000, "md_udi_level": "pallet"}
        )
        self.assertIn("Pallet: Package DI Number", self.complete.md_udi_missing_elements)

    def test_wizard_shows_the_missing_elements_of_the_chosen_database(self):
        wizard = self.env["md.udi.export"].create(
            {"database": "eudamed", "product_ids": [(6, 0, (self.complete | self.incomplete).ids)]}
        )
        self.assertIn("Export Stapler", wizard.missing_report)
        self.assertNotIn("Export Infusion Set", wizard.missing_report)

    def test_wizard_takes_the_selected_templates(self):
        wizard = (
            self.env["md.udi.export"]
            .with_context(active_model="product.template", active_ids=self.complete.product_tmpl_id.ids)
            .create({"database": "gudid"})
        )
        self.assertEqual(wizard.product_ids, self.complete)

    def test_export_refuses_non_devices_and_empty_selection(self):
        material = self.env["product.product"].create({"name": "PVC tubing"})
        with self.assertRaisesRegex(UserError, "PVC tubing"):
            self.export("gudid", "csv", material)
        with self.assertRaisesRegex(UserError, "Select the devices"):
            self.export("gudid", "csv", self.env["product.product"])

    def test_export_reads_the_devices_set_based(self):
        """The query count does not grow with the number of devices."""
        devices = self.env["product.product"].create(
            [
                {"name": f"Bulk {n}", "md_is_device": True, "md_udi_di": gtin(f"69234569300{n}")}
                for n in range(6)
            ]
        )
        counts = []
        for products in (devices[:2], devices):
            wizard = self.env["md.udi.export"].create(
                {"database": "eudamed", "file_format": "xml", "product_ids": [(6, 0, products.ids)]}
            )
            self.env.flush_all()
            self.env.invalidate_all()
            queries_before = self.cr.sql_log_count
            wizard.action_export()
            counts.append(self.cr.sql_log_count - queries_before)
        self.assertEqual(counts[0], counts[1])
