"""Regulatory report content of a recall, as JSON or XLSX files kept on the recall.

- FDA Part 806 correction or removal report: the thirteen elements of 21 CFR 806.10(c)(1)-(13)
  (the unique device identifier is (c)(5); (c)(13) states what is not available yet, why, and when
  it will be submitted);
- FDA 806.20 record of a correction or removal not reported: 806.20(b)(1)-(5);
- NMPA 召回事件报告表 (医疗器械召回管理办法, CFDA Order 29 Art. 16): the device, the company,
  the markets, the quantities (in China), the reason and the corrective action;
- EU field safety notice (MDR Art. 89(8)): devices identified by their UDI, the manufacturer by its
  SRN, the reasons and risks, and the actions to be taken by users.

A value we do not hold is reported as missing; the FDA 806 report lists every missing element in
(c)(13).
"""

import base64
import io
import json

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError

from .md_recall_customer import NOTIFICATION_METHODS

REPORT_TYPES = [
    ("fda_806", "FDA Part 806 report"),
    ("fda_806_20", "FDA 806.20 record (not reported)"),
    ("nmpa", "NMPA 召回事件报告表"),
    ("eu_fsn", "EU Field Safety Notice"),
]
MISSING = "NOT AVAILABLE"


def _text(value):
    return MISSING if value is None or value is False or value == "" else value


class MdRecall(models.Model):
    _inherit = "md.recall"  # pylint: disable=consider-merging-classes-inherited

    def md_regulatory_report(self, report_type):
        """XML-RPC ``md_regulatory_report([id], report_type)`` -> the report content as a dict
        ``{report, title, reference, elements: [{key, label, value}], devices: [...],
        consignees: [...], communications: [...], missing: [...]}``."""
        self.ensure_one()
        self.check_access("read")
        builders = {
            "fda_806": self._md_report_fda_806,
            "fda_806_20": self._md_report_fda_806_20,
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
        missing = [label for _key, label, value in elements if self._md_is_missing(value)]
        if report_type == "fda_806":
            followup = (
                self.env._("to be submitted by %s", fields.Date.to_string(self.fda_806_followup_date))
                if self.fda_806_followup_date
                else self.env._("submission date not set yet")
            )
            elements.append(
                (
                    "c13_not_available",
                    "(c)(13) Information not immediately available, why, and when it will be submitted",
                    self.env._(
                        "Not held in the system yet: %(missing)s; %(followup)s.",
                        missing="; ".join(missing),
                        followup=followup,
                    )
                    if missing
                    else "All required information is provided.",
                )
            )
        return {
            "report": report_type,
            "title": dict(REPORT_TYPES)[report_type],
            "reference": self.reference,
            "generated_at": fields.Datetime.to_string(fields.Datetime.now()),
            "elements": [
                {"key": key, "label": label, "value": MISSING if self._md_is_empty(value) else value}
                for key, label, value in elements
            ],
            "devices": self._md_report_devices(),
            "consignees": self._md_report_consignees(),
            "communications": self._md_report_communications(),
            "missing": missing,
        }

    @staticmethod
    def _md_is_empty(value):
        """No value: None, False or an empty text (a number, zero included, is a value)."""
        return value is None or value is False or (isinstance(value, str) and not value.strip())

    @classmethod
    def _md_is_missing(cls, value):
        """Empty, or a text with a part not available."""
        return cls._md_is_empty(value) or (isinstance(value, str) and MISSING in value)

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
        for title, rows in (
            ("Devices", content["devices"]),
            ("Consignees", content["consignees"]),
            ("Communications", content["communications"]),
        ):
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
        stock, delivered, first_delivery = {}, {}, {}
        for line in self.stock_line_ids:
            stock[line.lot_id.id] = stock.get(line.lot_id.id, 0.0) + line.own_qty
        for line in self.customer_line_ids:
            delivered[line.lot_id.id] = delivered.get(line.lot_id.id, 0.0) + line.quantity
            dates = line.sudo().delivery_picking_ids.mapped("date_done")
            dates = [value for value in dates if value]
            if dates:
                first = min(dates)
                first_delivery[line.lot_id.id] = min(first_delivery.get(line.lot_id.id, first), first)
        rows = []
        for lot in self._md_report_lots().sudo():
            product, template = lot.product_id, lot.product_id.product_tmpl_id
            serial = product.tracking == "serial"
            rows.append(
                {
                    "product": product.display_name,
                    "brand_name": template.md_brand_name or "",
                    "common_name": product.name or "",
                    "intended_use": template.md_device_description or "",
                    "model": template.md_model_version or "",
                    "catalogue_number": template.md_catalogue_number or product.default_code or "",
                    "udi_di": product.md_udi_di or "",
                    "basic_udi_di": template.md_basic_udi_di or "",
                    "lot": "" if serial else lot.name,
                    "serial": lot.name if serial else "",
                    "production_date": fields.Date.to_string(lot.md_production_date)
                    if lot.md_production_date
                    else "",
                    "first_distribution": fields.Datetime.to_string(first_delivery[lot.id])
                    if lot.id in first_delivery
                    else "",
                    "expiry_date": fields.Datetime.to_string(lot.expiration_date)
                    if lot.expiration_date
                    else "",
                    "fda_product_code": template.md_fda_product_code or "",
                    "fda_premarket_number": template.md_fda_premarket_number or "",
                    "nmpa_registration": template.md_cn_registration_number or "",
                    "manufacturer": template.md_manufacturer_id.display_name or "",
                    "units_in_stock": stock.get(lot.id, 0.0),
                    "units_distributed": delivered.get(lot.id, 0.0),
                }
            )
        return rows

    def _md_report_consignees(self):
        methods = dict(NOTIFICATION_METHODS)
        return [
            {
                "customer": line.partner_id.display_name,
                "address": line.partner_id._display_address(without_company=True).replace("\n", ", "),
                "country": line.partner_id.commercial_partner_id.country_id.code or "",
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
                "notified_by": methods.get(line.notification_method, ""),
                "acknowledged_on": fields.Date.to_string(line.ack_date) if line.ack_date else "",
                "acknowledged_by": line.ack_contact or "",
                "returned": line.returned_qty,
                "destroyed": line.destroyed_qty,
                "corrected": line.corrected_qty,
                "in_field": line.outstanding_qty,
                "exception": (line.exception_reason or "") if line.exception_approved else "",
            }
            for line in self.customer_line_ids.sudo()
        ]

    def _md_report_communications(self):
        """The notifications sent (806.10(c)(12), 806.20(b)(5)): one per consignee and date."""
        methods = dict(NOTIFICATION_METHODS)
        seen, rows = set(), []
        for line in self.customer_line_ids.sudo().filtered("notified_at").sorted("notified_at"):
            key = (line.partner_id.id, line.notified_at)
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                {
                    "recipient": line.partner_id.display_name,
                    "address": line.partner_id._display_address(without_company=True).replace("\n", ", "),
                    "date": fields.Datetime.to_string(line.notified_at),
                    "method": methods.get(line.notification_method, ""),
                    "reached": line.notification_contact or line.notification_email or "",
                    "reference": line.notification_reference or "",
                    "document": self.env._("Recall notification letter %s", self.reference),
                }
            )
        return rows

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

    def _md_event_and_actions(self):
        planned = self.fsn_user_actions or ""
        return " ".join(
            part
            for part in (f"{self.name}.", self.description or "", self.fsn_risk or "", planned)
            if part and part.strip()
        )

    # --- FDA Part 806 (21 CFR 806.10(c)) ----------------------------------------
    def _md_fda_806_report_number(self):
        """806.10(c)(1): registration number, date of the report (M/D/YY), sequence number and
        C or R, e.g. 1234567-6/1/97-001-C; seven zeros without a registration number."""
        company = self.company_id.sudo()
        day = self.fda_806_submitted_date or fields.Date.context_today(self)
        earlier = self.sudo().search_count(
            [
                ("company_id", "=", company.id),
                ("fda_806_submitted_date", "!=", False),
                ("id", "!=", self.id),
                "|",
                ("fda_806_submitted_date", "<", day),
                "&",
                ("fda_806_submitted_date", "=", day),
                ("id", "<", self.id),
            ]
        )
        kind = "C" if self.fda_action_type == "correction" else "R"
        registration = company.md_fda_registration_number or "0000000"
        return f"{registration}-{day.month}/{day.day}/{day:%y}-{earlier + 1:03d}-{kind}"

    def _md_report_fda_806(self):
        company, address = self._md_company_contact()
        devices = self._md_report_devices()
        user = self.user_id.sudo()
        hhe = self.hhe_id.sudo()
        communications = self._md_report_communications()
        listed = {row["customer"] for row in self._md_report_consignees()}
        others = [row["recipient"] for row in communications if row["recipient"] not in listed]
        others_note = self.env._("; other recipients: %s", ", ".join(others)) if others else ""
        return [
            ("c1_report_number", "(c)(1) Report number", self._md_fda_806_report_number()),
            (
                "c2_reporter",
                "(c)(2) Manufacturer or importer (name, address, telephone) and the representative "
                "responsible for the correction or removal (name, title, address, telephone)",
                f"{company.name}, {address}, {_text(company.phone)}; {user.name}, "
                f"{_text(user.partner_id.function)}, {address}, "
                f"{_text(user.partner_id.phone or company.phone)}",
            ),
            (
                "c3_device",
                "(c)(3) Brand name, common or usual name, intended use",
                "; ".join(
                    f"{_text(d['brand_name'])} / {d['common_name']} / {_text(d['intended_use'])}"
                    for d in devices
                ),
            ),
            (
                "c4_marketing_status",
                "(c)(4) Marketing status (premarket notification or approval number) and device listing "
                "number",
                "; ".join(
                    f"{d['product']}: {_text(d['fda_premarket_number'])}, product code "
                    f"{_text(d['fda_product_code'])}, listing number {MISSING}"
                    for d in devices
                )
                + (
                    ""
                    if company.md_fda_registration_number
                    else f"; whether the firm ever registered with FDA: {MISSING}"
                ),
            ),
            (
                "c5_identification",
                "(c)(5) UDI, or device identifier, model, catalogue or code number, and lot or serial number",
                "; ".join(
                    f"{d['product']}: UDI-DI {_text(d['udi_di'])}, model {_text(d['model'])}, catalogue "
                    f"{_text(d['catalogue_number'])}, {'serial' if d['serial'] else 'lot'} "
                    f"{d['serial'] or d['lot']}"
                    for d in devices
                ),
            ),
            (
                "c6_manufacturer",
                "(c)(6) Manufacturer if different from the reporter",
                ", ".join(sorted({d["manufacturer"] for d in devices if d["manufacturer"]}))
                or self.env._("Same as the reporter (%s)", company.name),
            ),
            (
                "c7_event_action",
                "(c)(7) Event and the corrective or removal actions taken and expected to be taken",
                self._md_event_and_actions(),
            ),
            (
                "c8_injuries",
                "(c)(8) Illness or injuries, medical device report numbers",
                (
                    f"{hhe.injuries_occurred}"
                    + (f" MDR: {self.mdr_report_numbers}" if self.mdr_report_numbers else "")
                )
                if hhe.injuries_occurred
                else False,
            ),
            (
                "c9_quantities",
                "(c)(9) Devices manufactured or distributed subject to the action, and per lot",
                f"total {self.units_total}; "
                + "; ".join(
                    f"{d['lot'] or d['serial']}: {d['units_in_stock'] + d['units_distributed']}"
                    for d in devices
                ),
            ),
            (
                "c10_dates",
                "(c)(10) Date of manufacture or distribution, expiration date or expected life",
                "; ".join(
                    f"{d['lot'] or d['serial']}: made {_text(d['production_date'])}, first distributed "
                    f"{_text(d['first_distribution'])}, expires {_text(d['expiry_date'])}"
                    for d in devices
                ),
            ),
            (
                "c11_consignees",
                "(c)(11) Domestic and foreign consignees, dates and numbers distributed",
                self.env._("%s consignees, see the Consignees table", self.customer_count),
            ),
            (
                "c12_communications",
                "(c)(12) Communications about the correction or removal and their recipients",
                self.env._(
                    "%(count)s communications, see the Communications table%(others)s",
                    count=len(communications),
                    others=others_note,
                )
                if communications
                else False,
            ),
            ("fda_class", "Recall class (21 CFR 7.3(m))", self._md_labels("fda_class")),
            (
                "initiated",
                "Correction/removal initiated on (806.10(b))",
                fields.Date.to_string(self.initiated_date) if self.initiated_date else False,
            ),
        ]

    def _md_report_fda_806_20(self):
        """21 CFR 806.20(b): the record of a correction or removal not reported to FDA."""
        devices = self._md_report_devices()
        hhe = self.hhe_id.sudo()
        signature = hhe._md_valid_signatures("approved")[:1] if hhe else hhe
        communications = self._md_report_communications()
        return [
            (
                "b1_device",
                "(b)(1) Brand name, common or usual name, classification, name and product code, "
                "intended use",
                "; ".join(
                    f"{_text(d['brand_name'])} / {d['common_name']} / product code "
                    f"{_text(d['fda_product_code'])} / {_text(d['intended_use'])}"
                    for d in devices
                ),
            ),
            (
                "b2_identification",
                "(b)(2) UDI, or device identifier, model, catalogue or code number, and lot or serial number",
                "; ".join(
                    f"{d['product']}: UDI-DI {_text(d['udi_di'])}, model {_text(d['model'])}, "
                    f"{d['serial'] or d['lot']}"
                    for d in devices
                ),
            ),
            (
                "b3_event_action",
                "(b)(3) Event and the corrective or removal action",
                self._md_event_and_actions(),
            ),
            (
                "b4_justification",
                "(b)(4) Justification for not reporting, its conclusions and follow-ups, reviewed and "
                "evaluated by a designated person",
                f"{hhe.not_reported_justification} (reviewed by {signature.signer_name}, "
                f"{fields.Datetime.to_string(signature.signed_at)})"
                if hhe and hhe.not_reported_justification and signature
                else False,
            ),
            (
                "b5_communications",
                "(b)(5) Copies of all communications regarding the correction or removal",
                self.env._("%s communications, see the Communications table", len(communications))
                if communications
                else False,
            ),
        ]

    # --- NMPA 召回事件报告表 (Order 29 Art. 16) ------------------------------------
    def _md_report_nmpa(self):
        company, address = self._md_company_contact()
        devices = self._md_report_devices()
        china = self.env.ref("base.cn", raise_if_not_found=False)
        sold_in_china = sum(
            line.quantity
            for line in self.customer_line_ids
            if china and line.partner_id.commercial_partner_id.country_id == china
        )
        return [
            ("product", "产品名称 (product)", ", ".join(sorted({d["product"] for d in devices}))),
            (
                "registration",
                "注册证编号/备案编号 (registration)",
                ", ".join(sorted({d["nmpa_registration"] for d in devices if d["nmpa_registration"]})),
            ),
            ("company", "生产企业 (company)", company.name),
            ("address", "企业地址 (address)", address),
            ("contact", "召回工作联系人 (contact)", self.user_id.name),
            ("phone", "联系电话 (telephone)", company.phone),
            (
                "intended_use",
                "产品的适用范围 (intended use)",
                "; ".join(sorted({d["intended_use"] for d in devices if d["intended_use"]})),
            ),
            (
                "markets",
                "涉及地区和国家 (countries)",
                ", ".join(self.country_ids.mapped("name")),
            ),
            ("model", "规格型号 (model)", ", ".join(sorted({d["model"] for d in devices if d["model"]}))),
            ("quantity", "涉及产品数量 (units concerned)", self.units_total),
            ("sold_in_china", "涉及产品在中国的销售数量 (units sold in China)", sold_in_china),
            ("lots", "识别信息 (lots/serials)", ", ".join(d["lot"] or d["serial"] for d in devices)),
            ("udi", "产品标识 (UDI-DI)", ", ".join(sorted({d["udi_di"] for d in devices if d["udi_di"]}))),
            ("level", "召回级别 (recall level)", self._md_labels("nmpa_level")),
            ("reason", "召回原因简述 (reason)", f"{self.name}. {self.description or ''}".strip()),
            ("decision", "召回决定日期 (decision)", fields.Date.to_string(self.decision_date)),
            (
                "deadline",
                "通知期限 (notification deadline, Art. 15)",
                fields.Date.to_string(self.notification_deadline) if self.notification_deadline else False,
            ),
            ("measures", "纠正行动简述 (corrective action)", self.fsn_user_actions or self.description),
        ]

    # --- EU field safety notice (MDR Art. 89(8)) -------------------------------
    def _md_fsn_missing(self):
        """What the field safety notice lacks of what MDR Art. 89(8) requires."""
        self.ensure_one()
        missing = []
        no_udi = self._md_report_lots().product_id.filtered(lambda product: not product.md_udi_di)
        if no_udi:
            missing.append(self.env._("the UDI of %s", ", ".join(no_udi.sudo().mapped("display_name"))))
        if not self.company_id.sudo().partner_id.md_eu_srn:
            missing.append(self.env._("the manufacturer's SRN"))
        if not (self.fsn_risk or "").strip():
            missing.append(self.env._("the reasons and the risks"))
        if not (self.fsn_user_actions or "").strip():
            missing.append(self.env._("the actions to be taken by users"))
        return missing

    def _md_report_eu_fsn(self):
        company, address = self._md_company_contact()
        return [
            ("manufacturer", "Manufacturer", f"{company.name}, {address}"),
            ("srn", "Single Registration Number (SRN)", company.partner_id.md_eu_srn),
            ("fsn_reference", "FSN reference", self.reference),
            ("date", "Date", fields.Date.to_string(self.decision_date)),
            ("action_type", "Type of action", "Field safety corrective action" if self.eu_fsca else False),
            ("devices", "Affected devices (UDI-DI, lot/serial)", self._md_devices_summary()),
            ("problem", "Reasons for the FSCA, device malfunction and risks", self.fsn_risk),
            ("user_actions", "Actions to be taken by the user", self.fsn_user_actions),
            (
                "fsca_reported",
                "FSCA reported to the competent authority (Art. 87(8))",
                fields.Date.to_string(self.eu_fsca_reported_date) if self.eu_fsca_reported_date else False,
            ),
            ("contact", "Contact", f"{self.user_id.name}, {self.user_id.email or company.email or MISSING}"),
        ]
