"""Regulatory report content of a recall, as JSON or XLSX files kept on the recall.

- FDA Part 806 (21 CFR 806.10(c)(1)-(12), *verify the element wording against eCFR*);
- NMPA 召回事件报告表 (医疗器械召回管理办法, CFDA Order 29, *verify the form's fields*);
- EU field safety notice (MDR Art. 89(8)): devices identified by UDI-DI with lot/serial,
  the manufacturer by SRN, the risk and the user actions.

A value we do not hold is reported as missing and listed in the last element (806.10(c)(12):
a statement of what is not available).
"""

import base64
import io
import json

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError

REPORT_TYPES = [
    ("fda_806", "FDA Part 806 report"),
    ("nmpa", "NMPA 召回事件报告表"),
    ("eu_fsn", "EU Field Safety Notice"),
]
MISSING = "NOT AVAILABLE"


class MdRecall(models.Model):
    _inherit = "md.recall"  # pylint: disable=consider-merging-classes-inherited

    def md_regulatory_report(self, report_type):
        """XML-RPC ``md_regulatory_report([id], report_type)`` -> the report content as a dict
        ``{report, title, reference, elements: [{key, label, value}], devices: [...], consignees: [...]}``."""
        self.ensure_one()
        self.check_access("read")
        builders = {
            "fda_806": self._md_report_fda_806,
            "nmpa": self._md_report_nmpa,
            "eu_fsn": self._md_report_eu_fsn,
        }
        if report_type not in builders:
            raise UserError(
                self.env._(
                    "Unknown report %(type)s: use one of %(types)s",
                    type=report_type,
                    types=", ".join(code for code, _label in REPORT_TYPES),
                )
            )
        elements = builders[report_type]()
        missing = [label for _key, label, value in elements if value in (None, False, "", MISSING)]
        if report_type == "fda_806":
            elements.append(
                (
                    "c12_not_available",
                    "(c)(12) Information not yet available",
                    "; ".join(missing) if missing else "All required information is provided.",
                )
            )
        return {
            "report": report_type,
            "title": dict(REPORT_TYPES)[report_type],
            "reference": self.reference,
            "generated_at": fields.Datetime.to_string(fields.Datetime.now()),
            "elements": [
                {"key": key, "label": label, "value": value if value not in (None, False, "") else MISSING}
                for key, label, value in elements
            ],
            "devices": self._md_report_devices(),
            "consignees": self._md_report_consignees(),
            "missing": missing,
        }

    def _md_export_report(self, report_type, file_format):
        content = self.md_regulatory_report(report_type)
        if file_format == "json":
            data = json.dumps(content, ensure_ascii=False, indent=2).encode()
            mimetype = "application/json"
        else:
            data = self._md_report_xlsx(content)
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name = f"{self.reference.replace('/', '-')}-{report_type}.{file_format}"
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(data),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": mimetype,
            }
        )
        self._md_note(self.env._("Report exported: %s", name), attachment_ids=attachment.ids)
        return attachment

    @api.model
    def _md_report_xlsx(self, content):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        bold = workbook.add_format({"bold": True})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        sheet = workbook.add_worksheet("Report")
        sheet.write_row(0, 0, [content["title"], content["reference"], content["generated_at"]], bold)
        for row, element in enumerate(content["elements"], start=2):
            sheet.write(row, 0, element["label"], bold)
            sheet.write(row, 1, str(element["value"]), wrap)
        sheet.set_column(0, 0, 45)
        sheet.set_column(1, 1, 90)
        for title, rows in (("Devices", content["devices"]), ("Consignees", content["consignees"])):
            table = workbook.add_worksheet(title)
            if not rows:
                table.write(0, 0, "None")
                continue
            headers = list(rows[0])
            table.write_row(0, 0, headers, bold)
            for index, row in enumerate(rows, start=1):
                table.write_row(index, 0, [row[h] if row[h] is not None else "" for h in headers])
            table.set_column(0, len(headers) - 1, 20)
        workbook.close()
        return buffer.getvalue()

    # --- shared content ----------------------------------------------------
    def _md_report_lots(self):
        return self.scope_lot_ids or self.lot_ids

    def _md_report_devices(self):
        stock, customers = {}, {}
        for line in self.stock_line_ids:
            stock[line.lot_id.id] = stock.get(line.lot_id.id, 0.0) + line.quantity
        for line in self.customer_line_ids:
            customers[line.lot_id.id] = customers.get(line.lot_id.id, 0.0) + line.quantity
        rows = []
        for lot in self._md_report_lots().sudo():
            product, template = lot.product_id, lot.product_id.product_tmpl_id
            serial = product.tracking == "serial"
            rows.append(
                {
                    "product": product.display_name,
                    "brand_name": template.md_brand_name or "",
                    "model": template.md_model_version or "",
                    "catalogue_number": template.md_catalogue_number or product.default_code or "",
                    "udi_di": product.md_udi_di or "",
                    "basic_udi_di": template.md_basic_udi_di or "",
                    "lot": "" if serial else lot.name,
                    "serial": lot.name if serial else "",
                    "production_date": fields.Date.to_string(lot.md_production_date)
                    if lot.md_production_date
                    else "",
                    "expiry_date": fields.Datetime.to_string(lot.expiration_date)
                    if lot.expiration_date
                    else "",
                    "fda_product_code": template.md_fda_product_code or "",
                    "fda_premarket_number": template.md_fda_premarket_number or "",
                    "nmpa_registration": template.md_cn_registration_number or "",
                    "units_in_stock": stock.get(lot.id, 0.0),
                    "units_distributed": customers.get(lot.id, 0.0),
                }
            )
        return rows

    def _md_report_consignees(self):
        return [
            {
                "customer": line.partner_id.display_name,
                "address": line.partner_id._display_address(without_company=True).replace("\n", ", "),
                "phone": line.partner_id.phone or "",
                "email": line.partner_id.email or "",
                "lot_serial": line.lot_id.name,
                "udi_di": line.product_id.md_udi_di or "",
                "quantity": line.quantity,
                "deliveries": line.delivery_refs or "",
                "last_delivery": fields.Datetime.to_string(line.last_delivery_date)
                if line.last_delivery_date
                else "",
                "notified_on": fields.Datetime.to_string(line.notified_at) if line.notified_at else "",
                "acknowledged_on": fields.Date.to_string(line.ack_date) if line.ack_date else "",
                "returned": line.returned_qty,
                "destroyed_corrected": line.destroyed_qty,
            }
            for line in self.customer_line_ids.sudo()
        ]

    def _md_company_contact(self):
        company = self.company_id.sudo()
        address = company.partner_id._display_address(without_company=True).replace("\n", ", ")
        return company, address

    def _md_devices_summary(self):
        return "; ".join(
            f"{row['product']} {row['lot'] or row['serial']} (UDI-DI {row['udi_di'] or MISSING})"
            for row in self._md_report_devices()
        )

    def _md_labels(self, field_name):
        return dict(self._fields[field_name]._description_selection(self.env)).get(self[field_name], "")

    # --- per report ----------------------------------------------------------
    def _md_report_fda_806(self):
        company, address = self._md_company_contact()
        devices = self._md_report_devices()
        letters = self.customer_line_ids.filtered("notified_at")
        return [
            ("c1_registration", "(c)(1) FDA establishment registration number", company.company_registry),
            (
                "c2_reporter",
                "(c)(2) Reporting firm, address, telephone, contact",
                f"{company.name}, {address}, {company.phone or MISSING}, {self.user_id.name}",
            ),
            (
                "c3_device",
                "(c)(3) Brand name, common name, product code, premarket number",
                "; ".join(
                    f"{d['brand_name'] or d['product']} / {d['product']} / "
                    f"{d['fda_product_code'] or MISSING} / "
                    f"{d['fda_premarket_number'] or MISSING}"
                    for d in devices
                ),
            ),
            (
                "c4_identification",
                "(c)(4) Model, catalogue, lot/serial numbers and UDI",
                self._md_devices_summary(),
            ),
            (
                "c5_manufacturer",
                "(c)(5) Manufacturer if different",
                ", ".join(
                    self._md_report_lots().product_id.product_tmpl_id.md_manufacturer_id.mapped(
                        "display_name"
                    )
                )
                or company.name,
            ),
            (
                "c6_event_action",
                "(c)(6) Event and the correction or removal taken",
                f"{self.name}. {self.description or ''}".strip(),
            ),
            ("c7_injuries", "(c)(7) Illness or injuries, MDR report numbers", False),
            (
                "c8_quantities",
                "(c)(8) Devices subject to the action, total and per lot",
                f"total {self.units_total}; "
                + "; ".join(
                    f"{d['lot'] or d['serial']}: {d['units_in_stock'] + d['units_distributed']}"
                    for d in devices
                ),
            ),
            (
                "c9_dates",
                "(c)(9) Date of manufacture or distribution, expiry or expected life",
                "; ".join(
                    f"{d['lot'] or d['serial']}: made {d['production_date'] or MISSING}, "
                    f"expires {d['expiry_date'] or MISSING}"
                    for d in devices
                ),
            ),
            (
                "c10_consignees",
                "(c)(10) Consignees, dates and numbers distributed",
                f"{self.customer_count} consignees, see the Consignees table",
            ),
            (
                "c11_communications",
                "(c)(11) Communications and their recipients",
                "; ".join(
                    f"{line.partner_id.display_name} {line.notification_email} "
                    f"{fields.Datetime.to_string(line.notified_at)}"
                    for line in letters
                ),
            ),
            ("fda_class", "Recall class (21 CFR 7.3(m))", self._md_labels("fda_class")),
            ("initiated", "Correction/removal initiated on", fields.Date.to_string(self.decision_date)),
        ]

    def _md_report_nmpa(self):
        company, address = self._md_company_contact()
        devices = self._md_report_devices()
        return [
            ("company", "企业名称 (company)", company.name),
            ("address", "企业地址 (address)", address),
            ("contact", "联系人 (contact)", self.user_id.name),
            ("phone", "联系电话 (telephone)", company.phone),
            ("product", "产品名称 (product)", ", ".join(sorted({d["product"] for d in devices}))),
            (
                "registration",
                "注册证编号/备案编号 (registration)",
                ", ".join(sorted({d["nmpa_registration"] for d in devices if d["nmpa_registration"]})),
            ),
            ("model", "规格型号 (model)", ", ".join(sorted({d["model"] for d in devices if d["model"]}))),
            ("lots", "产品批号/序列号 (lots/serials)", ", ".join(d["lot"] or d["serial"] for d in devices)),
            ("udi", "产品标识 (UDI-DI)", ", ".join(sorted({d["udi_di"] for d in devices if d["udi_di"]}))),
            ("level", "召回级别 (recall level)", self._md_labels("nmpa_level")),
            ("reason", "召回原因 (reason)", f"{self.name}. {self.description or ''}".strip()),
            ("start", "召回开始日期 (start)", fields.Date.to_string(self.decision_date)),
            ("quantity", "涉及产品数量 (units concerned)", self.units_total),
            (
                "scope",
                "召回范围 (distribution)",
                f"{self.customer_count} customers, see the Consignees table",
            ),
            (
                "deadline",
                "通知期限 (notification deadline)",
                fields.Date.to_string(self.notification_deadline) if self.notification_deadline else False,
            ),
            (
                "measures",
                "召回措施 (measures)",
                "Stock on hold, customers notified by letter, returns and destruction/correction recorded",
            ),
        ]

    def _md_report_eu_fsn(self):
        company, address = self._md_company_contact()
        return [
            ("manufacturer", "Manufacturer", f"{company.name}, {address}"),
            ("srn", "Single Registration Number (SRN)", company.partner_id.md_eu_srn),
            ("fsn_reference", "FSN reference", self.reference),
            ("date", "Date", fields.Date.to_string(self.decision_date)),
            ("action_type", "Type of action", "Field safety corrective action" if self.eu_fsca else False),
            ("devices", "Affected devices (UDI-DI, lot/serial)", self._md_devices_summary()),
            (
                "problem",
                "Description of the problem and the risk",
                f"{self.name}. {self.description or ''}".strip(),
            ),
            (
                "user_actions",
                "Actions to be taken by the user",
                "Stop using and quarantine the listed units, return them or confirm destruction/correction, "
                "acknowledge this notice, and forward it to anyone who received the devices.",
            ),
            ("contact", "Contact", f"{self.user_id.name}, {self.user_id.email or company.email or MISSING}"),
        ]
