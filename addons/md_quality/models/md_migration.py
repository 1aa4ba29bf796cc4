"""Go-live migration sheets of the open quality records: nonconformances, CAPAs and complaints.

Each is created open by the model's own create (its number from Odoo's sequence, the legacy number
kept in ``legacy_number``) and moved on only by its workflow methods: an NCR in containment holds
its lots (ISO 13485:2016 8.3.1), a CAPA or a complaint under investigation starts it. What an
e-signature decides (an NCR's closure, a complaint's reportability) is signed in Odoo, not
migrated (21 CFR 11.50, 11.70).
"""

from datetime import datetime, time

from odoo import Command, models
from odoo.tools.translate import LazyTranslate

from odoo.addons.md_base.migration import Column, Sheet

from .md_quality_capa import RATINGS
from .md_quality_ncr import SOURCES as NCR_SOURCES

_lt = LazyTranslate(__name__)

LEGACY_NUMBER = Column(
    "legacy_number",
    _lt("Legacy number"),
    _lt("The record's number in the legacy system, kept on the record; Odoo gives its own number."),
    required=True,
    example="NCR-2024-118",
)
RESPONSIBLE = Column(
    "responsible",
    _lt("Responsible"),
    _lt("The login of the responsible Odoo user; empty: who runs the migration."),
    example="qa.manager@example.cn",
)
PARTNER_REF = Column(
    "partner_ref",
    _lt("Partner reference"),
    _lt("The partner's reference (partners sheet or in Odoo)."),
    example="SUP-001",
)


def _code_column(required, help_text):
    return Column("default_code", _lt("Internal reference"), help_text, required=required, example="IS-200")


NCR_COLUMNS = (
    LEGACY_NUMBER,
    Column(
        "state",
        _lt("Status"),
        _lt("open, or containment: its lots are put on hold."),
        kind="selection",
        choices=("open", "containment"),
        example="containment",
    ),
    Column(
        "source",
        _lt("Source"),
        _lt("Where it was found; empty: production."),
        kind="selection",
        choices=tuple(code for code, _label in NCR_SOURCES),
        example="inspection",
    ),
    _code_column(True, _lt("The nonconforming product (devices sheet or in Odoo).")),
    Column(
        "lots",
        _lt("Lots / serial numbers"),
        _lt("The product's lot or serial numbers, separated by commas (opening stock sheet or in Odoo)."),
        example="IS200-250101",
    ),
    Column(
        "quantity",
        _lt("Quantity"),
        _lt("The nonconforming quantity."),
        kind="float",
        required=True,
        example="20",
    ),
    Column(
        "severity",
        _lt("Severity"),
        _lt("critical, major or minor; empty: major."),
        kind="selection",
        choices=("critical", "major", "minor"),
        example="major",
    ),
    Column(
        "description",
        _lt("Nonconformity"),
        _lt("What does not conform, to what."),
        required=True,
        example="Seal leak on 20 pouches",
    ),
    Column("containment", _lt("Containment actions"), _lt("Actions taken so far."), example=""),
    Column("investigation", _lt("Investigation"), _lt("The evaluation so far."), example=""),
    PARTNER_REF,
    Column(
        "origin", _lt("Source reference"), _lt("Where it was found (audit finding, receipt...)."), example=""
    ),
    Column(
        "date_detected",
        _lt("Detected on"),
        _lt("The date it was found."),
        kind="date",
        required=True,
        example="2025-05-20",
    ),
    RESPONSIBLE,
)
CAPA_COLUMNS = (
    LEGACY_NUMBER,
    Column(
        "state",
        _lt("Status"),
        _lt("draft, or investigation: the investigation has started."),
        kind="selection",
        choices=("draft", "investigation"),
        example="investigation",
    ),
    Column("title", _lt("Title"), _lt("A short title."), required=True, example="Pouch seal leaks"),
    Column(
        "capa_type",
        _lt("Type"),
        _lt("corrective or preventive; empty: corrective."),
        kind="selection",
        choices=("corrective", "preventive"),
        example="corrective",
    ),
    Column(
        "source",
        _lt("Source"),
        _lt("What raised it; empty: other."),
        kind="selection",
        choices=("ncr", "complaint", "audit", "trend", "management_review", "other"),
        example="ncr",
    ),
    Column(
        "source_reference",
        _lt("Source reference"),
        _lt("The audit finding, NCR or complaint number."),
        example="NCR-2024-118",
    ),
    _code_column(False, _lt("The product concerned (devices sheet or in Odoo).")),
    PARTNER_REF,
    Column(
        "problem_statement",
        _lt("Problem statement"),
        _lt("The problem to solve."),
        required=True,
        example="Seal strength below specification",
    ),
    Column("containment", _lt("Immediate containment"), _lt("Actions taken so far."), example=""),
    Column(
        "date_opened",
        _lt("Opened on"),
        _lt("The date it was opened."),
        kind="date",
        required=True,
        example="2025-05-21",
    ),
    Column(
        "date_due",
        _lt("Target closure"),
        _lt("The date it is due to close."),
        kind="date",
        example="2025-08-31",
    ),
    Column(
        "severity",
        _lt("Severity"),
        _lt("1 negligible to 5 critical; empty: 3."),
        kind="selection",
        choices=tuple(code for code, _label in RATINGS),
        example="3",
    ),
    Column(
        "occurrence",
        _lt("Occurrence"),
        _lt("1 improbable to 5 frequent; empty: 3."),
        kind="selection",
        choices=tuple(code for code, _label in RATINGS),
        example="3",
    ),
    RESPONSIBLE,
)
COMPLAINT_COLUMNS = (
    LEGACY_NUMBER,
    Column(
        "state",
        _lt("Status"),
        _lt("new, or investigation: the investigation has started."),
        kind="selection",
        choices=("new", "investigation"),
        example="investigation",
    ),
    Column("title", _lt("Title"), _lt("A short title."), required=True, example="Leak during infusion"),
    Column(
        "channel",
        _lt("Channel"),
        _lt("How it was received; empty: other."),
        kind="selection",
        choices=("phone", "email", "field", "distributor", "regulator", "other"),
        example="distributor",
    ),
    Column("partner_ref", _lt("Customer"), _lt("The customer's partner reference."), example="CUS-001"),
    _code_column(False, _lt("The device concerned (devices sheet or in Odoo).")),
    Column(
        "lot", _lt("Lot / serial number"), _lt("The device's lot or serial number."), example="IS200-250101"
    ),
    Column(
        "description", _lt("Description"), _lt("What happened."), required=True, example="Leak at the spike"
    ),
    Column(
        "event_date", _lt("Event date"), _lt("When the event happened."), kind="date", example="2025-06-01"
    ),
    Column(
        "awareness_date",
        _lt("Awareness date"),
        _lt("When the company became aware: the reporting deadlines run from the start of that day."),
        kind="date",
        required=True,
        example="2025-06-02",
    ),
    Column(
        "patient_involved",
        _lt("Patient involved"),
        _lt("A patient was involved."),
        kind="boolean",
        example="no",
    ),
    Column(
        "malfunction", _lt("Malfunction"), _lt("The device malfunctioned."), kind="boolean", example="yes"
    ),
    Column("injury", _lt("Injury"), _lt("Someone was injured."), kind="boolean", example="no"),
    Column("serious_injury", _lt("Serious injury"), _lt("A serious injury."), kind="boolean", example="no"),
    Column("death", _lt("Death"), _lt("A death."), kind="boolean", example="no"),
    RESPONSIBLE,
)


class MdMigration(models.Model):
    _inherit = "md.migration"

    def _md_migration_sheets(self):
        return [
            *super()._md_migration_sheets(),
            Sheet("ncrs", "Open NCRs 不合格品", NCR_COLUMNS, sequence=90, model="md.quality.ncr"),
            Sheet("capas", "Open CAPAs 纠正预防措施", CAPA_COLUMNS, sequence=92, model="md.quality.capa"),
            Sheet(
                "complaints",
                "Open complaints 投诉",
                COMPLAINT_COLUMNS,
                sequence=94,
                model="md.quality.complaint",
            ),
        ]

    # -- shared ---------------------------------------------------------------

    def _md_quality_refs(self, model, rows):
        """{key: {value: id}} of what the rows name: products, partners, users, legacy numbers,
        and the lots as {(product id, lot name): id}, each in one search."""
        values = {
            key: [row.values.get(key) for row in rows]
            for key in ("default_code", "partner_ref", "responsible")
        }
        return {
            "lots": self._md_lots_named(rows),
            "default_code": self._md_by_key(
                "product.product", "default_code", values["default_code"], [("active", "=", True)]
            ),
            "partner_ref": self._md_by_key("res.partner", "ref", values["partner_ref"]),
            "responsible": self._md_by_key("res.users", "login", values["responsible"]),
            "legacy_number": self._md_by_key(
                model,
                "legacy_number",
                [row.values["legacy_number"] for row in rows],
                [("company_id", "=", self.company_id.id)],
            ),
        }

    def _md_check_refs(self, row, refs, issues):
        """Report the first reference of the row that is unknown, or a legacy number already migrated."""
        values = row.values
        if values["legacy_number"] in refs["legacy_number"]:
            issues.add(
                row, "legacy_number", self.env._("A record with this legacy number is already in Odoo.")
            )
            return False
        messages = {
            "default_code": self.env._("No product has this internal reference."),
            "partner_ref": self.env._("No partner has this reference."),
            "responsible": self.env._("No user has this login."),
        }
        for key, message in messages.items():
            if values.get(key) and values[key] not in refs[key]:
                issues.add(row, key, message)
                return False
        return True

    def _md_open_rows(self, model, rows, issues, vals_of, start_method, start_state):
        """Create the rows' records with the model's create, then move those whose status is
        ``start_state`` on with the workflow method ``start_method``."""
        refs = self._md_quality_refs(model, rows)
        rows = self._md_refuse_repeats(
            rows,
            lambda row: row.values["legacy_number"],
            issues,
            "legacy_number",
            self.env._("This legacy number is already on an earlier row."),
        )
        vals_list = []
        for row in rows:
            vals = self._md_check_refs(row, refs, issues) and vals_of(row, refs, issues)
            if vals:
                vals_list.append((row, {**vals, "legacy_number": row.values["legacy_number"]}))
        created = self._md_create_rows(model, vals_list, issues)
        self._md_apply_rows(
            [(row, record) for row, record in created if row.values["state"] == start_state],
            start_method,
            issues,
        )
        return self._md_records(model, created)

    def _md_common_vals(self, values, refs):
        return {
            "company_id": self.company_id.id,
            "product_id": refs["default_code"].get(values["default_code"], False),
            "partner_id": refs["partner_ref"].get(values["partner_ref"], False),
            "user_id": refs["responsible"].get(values["responsible"], self.env.uid),
        }

    def _md_lots_named(self, rows):
        """{(product id, lot name): stock.lot id} of the lots the rows name (columns lots/lot)."""
        names = {
            name.strip()
            for row in rows
            for name in (row.values.get("lots") or row.values.get("lot") or "").split(",")
            if name.strip()
        }
        if not names:
            return {}
        lots = self.env["stock.lot"].search_read(
            [("name", "in", sorted(names)), ("company_id", "in", (self.company_id.id, False))],
            ["name", "product_id"],
        )
        return {(lot["product_id"][0], lot["name"]): lot["id"] for lot in lots}

    def _md_lots(self, refs, product_id, names):
        """{name: stock.lot id} of the product's lots among names."""
        found = refs["lots"]
        return {name: found[(product_id, name)] for name in names if (product_id, name) in found}

    # -- nonconformances --------------------------------------------------------

    def _md_import_ncrs(self, rows, issues):
        return self._md_open_rows(
            "md.quality.ncr", rows, issues, self._md_ncr_vals, "action_contain", "containment"
        )

    def _md_ncr_vals(self, row, refs, issues):
        values = row.values
        product_id = refs["default_code"][values["default_code"]]
        names = [name.strip() for name in values["lots"].split(",") if name.strip()]
        lots = self._md_lots(refs, product_id, names)
        unknown = [name for name in names if name not in lots]
        if unknown:
            issues.add(
                row, "lots", self.env._("The product has no lot or serial number %s.", ", ".join(unknown))
            )
            return None
        if values["quantity"] <= 0:
            issues.add(row, "quantity", self.env._("The nonconforming quantity is positive."))
            return None
        return {
            **self._md_common_vals(values, refs),
            "source": values["source"] or "production",
            "lot_ids": [Command.set(list(lots.values()))],
            "quantity": values["quantity"],
            "severity": values["severity"] or "major",
            "description": values["description"],
            "containment": values["containment"] or False,
            "investigation": values["investigation"] or False,
            "origin": values["origin"] or False,
            "date_detected": datetime.combine(values["date_detected"], time(12)),
        }

    # -- CAPAs --------------------------------------------------------------------

    def _md_import_capas(self, rows, issues):
        return self._md_open_rows(
            "md.quality.capa", rows, issues, self._md_capa_vals, "action_start_investigation", "investigation"
        )

    def _md_capa_vals(self, row, refs, issues):
        values = row.values
        if values["date_due"] and values["date_due"] < values["date_opened"]:
            issues.add(row, "date_due", self.env._("The target closure is before the opening date."))
            return None
        return {
            **self._md_common_vals(values, refs),
            "title": values["title"],
            "capa_type": values["capa_type"] or "corrective",
            "source": values["source"] or "other",
            "source_reference": values["source_reference"] or False,
            "problem_statement": values["problem_statement"],
            "containment": values["containment"] or False,
            "date_opened": values["date_opened"],
            "date_due": values["date_due"],
            "severity": values["severity"] or "3",
            "occurrence": values["occurrence"] or "3",
        }

    # -- complaints -----------------------------------------------------------------

    def _md_import_complaints(self, rows, issues):
        return self._md_open_rows(
            "md.quality.complaint",
            rows,
            issues,
            self._md_complaint_vals,
            "action_start_investigation",
            "investigation",
        )

    def _md_complaint_vals(self, row, refs, issues):
        values = row.values
        vals = self._md_common_vals(values, refs)
        lot_id = False
        if values["lot"]:
            lot_id = self._md_lots(refs, vals["product_id"], [values["lot"]]).get(values["lot"])
            if not lot_id:
                issues.add(row, "lot", self.env._("The device has no lot or serial number with this name."))
                return None
        return {
            **vals,
            "title": values["title"],
            "channel": values["channel"] or "other",
            "lot_id": lot_id,
            "description": values["description"],
            "event_date": values["event_date"],
            "awareness_date": datetime.combine(values["awareness_date"], time.min),
            **{
                key: values[key]
                for key in ("patient_involved", "malfunction", "injury", "serious_injury", "death")
            },
        }
