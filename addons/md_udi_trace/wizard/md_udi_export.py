import base64
import csv
import io

from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import UserError

from .md_udi_export_elements import DATABASES, missing_elements, package_levels


class MdUdiExport(models.TransientModel):
    """Device records in the data elements of a UDI database, for submission.

    FDA GUDID (21 CFR 830.310), EU EUDAMED (MDR Art. 29, Annex VI Part B), NMPA UDID (YY/T 1752).
    """

    _name = "md.udi.export"
    _description = "UDI Database Export"

    database = fields.Selection(
        [("gudid", "FDA GUDID"), ("eudamed", "EU EUDAMED"), ("nmpa", "China NMPA UDID")],
        required=True,
        default="gudid",
    )
    file_format = fields.Selection([("csv", "CSV"), ("xml", "XML")], "Format", required=True, default="xml")
    product_ids = fields.Many2many(
        "product.product",
        string="Devices",
        domain=[("md_is_device", "=", True)],
        default=lambda self: self._default_product_ids(),
    )
    missing_report = fields.Text("Missing Required Elements", compute="_compute_missing_report")
    file_data = fields.Binary("File", readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    @api.model
    def _default_product_ids(self):
        model, ids = self.env.context.get("active_model"), self.env.context.get("active_ids") or []
        if model == "product.product":
            return self.env["product.product"].browse(ids).filtered("md_is_device")
        if model == "product.template":
            return self.env["product.template"].browse(ids).product_variant_ids.filtered("md_is_device")
        return self.env["product.product"]

    @api.depends("database", "product_ids")
    def _compute_missing_report(self):
        for wizard in self:
            database = DATABASES[wizard.database] if wizard.database else None
            lines = [
                f"{product.display_name}: {', '.join(missing)}"
                for product in (wizard.product_ids if database else [])
                if (missing := missing_elements(database, product))
            ]
            wizard.missing_report = "\n".join(lines) or False

    def action_export(self):
        self.ensure_one()
        products = self.product_ids
        if not products:
            raise UserError(self.env._("Select the devices to export."))
        not_devices = products.filtered(lambda p: not p.md_is_device)
        if not_devices:
            raise UserError(
                self.env._(
                    "These products are not medical devices and have no UDI record: %s",
                    ", ".join(not_devices.mapped("display_name")),
                )
            )
        database = DATABASES[self.database]
        content = (
            self._export_xml(database, products)
            if self.file_format == "xml"
            else self._export_csv(database, products)
        )
        self.write(
            {
                "file_data": base64.b64encode(content),
                "file_name": f"{database.code}_udi_{fields.Date.context_today(self)}.{self.file_format}",
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _format(self, database, value):
        if isinstance(value, bool):
            return database.bool_text[0] if value else database.bool_text[1]
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    @api.model
    def _device_rows(self, database, products):
        """(device values, [package values]) per device, formatted as the database expects."""
        for product in products:
            device = [self._format(database, element.value(product)) for element in database.device_elements]
            packages = [
                [self._format(database, element.value(*level)) for element in database.package_elements]
                for level in package_levels(product)
            ]
            yield device, packages

    @api.model
    def _export_csv(self, database, products):
        """One row per device, then one row per packaging level repeating the device's columns."""
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow(
            [e.label for e in database.device_elements] + [e.label for e in database.package_elements]
        )
        empty_package = [""] * len(database.package_elements)
        for device, packages in self._device_rows(database, products):
            writer.writerow(device + empty_package)
            writer.writerows(device + package for package in packages)
        # UTF-8 with BOM: spreadsheet programs then read the Chinese element names correctly.
        return output.getvalue().encode("utf-8-sig")

    @api.model
    def _export_xml(self, database, products):
        root = etree.Element(database.root, database=database.name)
        for device, packages in self._device_rows(database, products):
            node = etree.SubElement(root, database.device_tag)
            for element, value in zip(database.device_elements, device, strict=True):
                etree.SubElement(node, element.tag).text = value
            if packages:
                package_list = etree.SubElement(node, database.package_list_tag)
                for package in packages:
                    package_node = etree.SubElement(package_list, database.package_tag)
                    for element, value in zip(database.package_elements, package, strict=True):
                        etree.SubElement(package_node, element.tag).text = value
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
