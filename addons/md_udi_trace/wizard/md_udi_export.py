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
    def _notes(self, database):
        """The "label: note" of each element whose name or value could not be verified or exported."""
        return [
            f"{element.label}: {element.note}"
            for element in [*database.device_elements, *database.package_elements]
            if element.note
        ]

    @api.model
    def _export_csv(self, database, products):
        """One row per device, then one row per packaging level repeating the device's columns.

        A last "Notes" column says, on each device row, which elements could not be verified.
        """
        output = io.StringIO()
        writer = csv.writer(output)
        notes = "; ".join(self._notes(database))
        writer.writerow(
            [e.label for e in database.device_elements]
            + [e.label for e in database.package_elements]
            + (["Notes"] if notes else [])
        )
        empty_package = [""] * len(database.package_elements)
        for device, packages in self._device_rows(database, products):
            writer.writerow(device + empty_package + ([notes] if notes else []))
            writer.writerows(device + package + ([""] if notes else []) for package in packages)
        # UTF-8 with BOM: spreadsheet programs then read the Chinese element names correctly.
        return output.getvalue().encode("utf-8-sig")

    @api.model
    def _export_xml(self, database, products):
        """The devices as elements of the database's schema; comments state the source of the
        names and what could not be verified, and carry the values that have no element."""
        namespaces = database.namespaces or {}
        root = etree.Element(database.root, nsmap=namespaces or None)
        root.append(etree.Comment(_comment(database.schema)))
        for note in self._notes(database):
            root.append(etree.Comment(_comment(f"Not verified: {note}")))
        container = _path(root, database.device_list_tag, namespaces) if database.device_list_tag else root
        for device, packages in self._device_rows(database, products):
            node = etree.SubElement(container, _qname(database.device_tag, namespaces))
            for element, value in zip(database.device_elements, device, strict=True):
                _put(node, element, value, namespaces)
            if packages:
                package_list = _path(node, database.package_list_tag, namespaces)
                for package in packages:
                    package_node = etree.SubElement(package_list, _qname(database.package_tag, namespaces))
                    for element, value in zip(database.package_elements, package, strict=True):
                        _put(package_node, element, value, namespaces)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _comment(text):
    # "--" cannot appear in an XML comment
    return " " + text.replace("--", "- -") + " "


def _qname(name, namespaces):
    prefix, sep, local = name.rpartition(":")
    return f"{{{namespaces[prefix]}}}{local}" if sep else name


def _path(node, path, namespaces):
    """The element at ``path`` ("a/b/c") below ``node``, reusing existing ones, creating the rest."""
    for name in path.split("/"):
        qname = _qname(name, namespaces)
        children = node.findall(qname)
        node = children[-1] if children else etree.SubElement(node, qname)
    return node


def _put(node, element, value, namespaces):
    if element.tag is None:
        if value:
            node.append(etree.Comment(_comment(f"{element.label}: {value}")))
        return
    parent_path, _sep, name = element.tag.rpartition("/")
    parent = _path(node, parent_path, namespaces) if parent_path else node
    etree.SubElement(parent, _qname(name, namespaces)).text = value
