"""Upload of a data logger's export (CSV or XLSX) into md.env.reading.md_ingest."""

import base64
import csv
import io

from odoo import fields, models
from odoo.exceptions import UserError

# Column titles a logger export may use, English and Chinese, matched case-insensitively.
COLUMNS = {
    "logger": ("logger", "serial", "logger serial", "serial number", "sn", "记录仪", "序列号", "记录仪编号"),
    "measured_at": (
        "measured_at",
        "time",
        "date time",
        "datetime",
        "timestamp",
        "时间",
        "记录时间",
        "日期时间",
    ),
    "temperature": ("temperature", "temp", "temperature (°c)", "温度", "温度(℃)", "温度（℃）"),
    "humidity": ("humidity", "rh", "humidity (%)", "relative humidity", "湿度", "湿度(%)", "湿度（%）"),
}


class MdEnvReadingUpload(models.TransientModel):
    _name = "md.env.reading.upload"
    _description = "Upload Logger Readings"

    file = fields.Binary(required=True)
    filename = fields.Char()
    logger_id = fields.Many2one(
        "md.env.logger",
        "Data Logger",
        help="The logger of every row when the file has no logger serial column.",
    )
    error_text = fields.Text("Rows Refused", readonly=True)
    stored = fields.Integer(readonly=True)

    def action_upload(self):
        self.ensure_one()
        rows, lines = self._md_rows()
        result = self.env["md.env.reading"].md_ingest(rows)
        if result["errors"]:
            # Nothing was stored: the clerk corrects the file and uploads it again.
            self.error_text = "\n".join(
                self.env._("Row %(row)s: %(message)s", row=lines[error["row"] - 1], message=error["message"])
                for error in result["errors"]
            )
            return self._md_reopen()
        self.stored = result["stored"]
        if result["excursion_ids"]:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Excursions Found"),
                "res_model": "md.env.excursion",
                "view_mode": "list,form",
                "domain": [("id", "in", result["excursion_ids"])],
            }
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%s readings stored; no excursion found.", result["stored"]),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _md_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _md_rows(self):
        """The file's data rows as md_ingest rows, and the file's line number of each."""
        table = self._md_table()
        if len(table) < 2:
            raise UserError(self.env._("The file has no readings under its header row."))
        positions = self._md_columns(table[0])
        rows, lines = [], []
        for line, cells in enumerate(table[1:], start=2):
            if not any(str(cell or "").strip() for cell in cells):
                continue
            row = {key: cells[index] if index < len(cells) else None for key, index in positions.items()}
            if "logger" not in positions:
                row["logger"] = self.logger_id.serial
            rows.append(row)
            lines.append(line)
        return rows, lines

    def _md_columns(self, header):
        titles = [str(title or "").strip().lower() for title in header]
        positions = {}
        for key, names in COLUMNS.items():
            for index, title in enumerate(titles):
                if title in names:
                    positions[key] = index
                    break
        missing = [key for key in ("measured_at", "temperature") if key not in positions]
        if missing or ("logger" not in positions and not self.logger_id):
            raise UserError(
                self.env._(
                    "The header row needs a time and a temperature column, and a logger serial column unless "
                    "you choose the logger. Found: %s",
                    ", ".join(titles),
                )
            )
        return positions

    def _md_table(self):
        content = base64.b64decode(self.file or b"")
        if (self.filename or "").lower().endswith(".xlsx"):
            return self._md_xlsx_table(content)
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("gb18030")  # Chinese loggers' software often exports GBK
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
        return list(csv.reader(io.StringIO(text), dialect))

    def _md_xlsx_table(self, content):
        import openpyxl

        try:
            sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as error:
            raise UserError(self.env._("The file is not a readable XLSX workbook: %s", error)) from None
        return [list(row) for row in sheet.iter_rows(values_only=True)]
