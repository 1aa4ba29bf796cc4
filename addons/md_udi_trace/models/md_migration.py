"""Go-live migration sheets of device identity and stock: devices with their UDI-DI, their
packaging levels with a DI each, and the opening stock by lot or serial number.

Opening stock is received as Odoo's inventory adjustment moves (from the inventory loss location),
so each lot starts with a stock move its genealogy and recall scope read, and with the status
(released, quarantine, on hold, rejected) the legacy system gave it (ISO 13485:2016 7.5.8).
"""

from collections import defaultdict
from datetime import datetime, time

from odoo import Command, models
from odoo.tools import SQL, float_round
from odoo.tools.translate import LazyTranslate

from odoo.addons.md_base.migration import Column, Sheet

from .md_lot_hold import HOLD_TYPE_STATUS
from .product_packaging import UDI_LEVELS
from .product_product import UDI_ISSUERS
from .product_template import RISK_CLASS_CN, RISK_CLASS_EU, RISK_CLASS_US

_lt = LazyTranslate(__name__)

MOVE_BATCH = 1000
LOT_STATUSES = ("released", *HOLD_TYPE_STATUS)

DEVICE_COLUMNS = (
    Column(
        "default_code",
        _lt("Internal reference"),
        _lt("The device's unique code, used by the other sheets."),
        required=True,
        example="IS-200",
    ),
    Column(
        "name", _lt("Name"), _lt("The device name in English."), required=True, example="Infusion set 200 cm"
    ),
    Column(
        "name_zh",
        _lt("Chinese name"),
        _lt("The device name in Chinese (shown to Chinese users)."),
        example="一次性使用输液器",
    ),
    Column(
        "tracking",
        _lt("Tracking"),
        _lt("lot: a lot number on the label; serial: a serial number on the label (one device each)."),
        kind="selection",
        required=True,
        choices=("lot", "serial"),
        example="lot",
    ),
    Column(
        "label_production_date",
        _lt("Production date on label"),
        _lt("The label carries the date of manufacture."),
        kind="boolean",
        example="yes",
    ),
    Column(
        "udi_di",
        _lt("UDI-DI"),
        _lt("The device identifier of the base unit (GTIN-14 for GS1), check digit included."),
        example="06971234500014",
    ),
    Column(
        "udi_issuer",
        _lt("Issuing agency"),
        _lt("The UDI issuing agency of the DI."),
        kind="selection",
        choices=tuple(code for code, _label in UDI_ISSUERS),
        example="gs1",
    ),
    Column(
        "basic_udi_di",
        _lt("Basic UDI-DI"),
        _lt("The model key of the device (EU MDR Annex VI Part C)."),
        example="",
    ),
    Column(
        "risk_class_cn",
        _lt("NMPA class"),
        _lt("The risk class in China."),
        kind="selection",
        choices=tuple(code for code, _label in RISK_CLASS_CN),
        example="III",
    ),
    Column(
        "risk_class_eu",
        _lt("EU class"),
        _lt("The risk class under EU MDR Annex VIII."),
        kind="selection",
        choices=tuple(code for code, _label in RISK_CLASS_EU),
        example="IIb",
    ),
    Column(
        "risk_class_us",
        _lt("US class"),
        _lt("The FDA device class (21 CFR 860.3)."),
        kind="selection",
        choices=tuple(code for code, _label in RISK_CLASS_US),
        example="II",
    ),
    Column(
        "registration_number",
        _lt("Registration number"),
        _lt("The NMPA registration or filing number on the label."),
        example="国械注准20193140001",
    ),
    Column(
        "shelf_life_days",
        _lt("Shelf life (days)"),
        _lt("Days from production to the use-by date; empty when the label carries no use-by date."),
        kind="integer",
        example="1095",
    ),
    Column(
        "min_shelf_life_days",
        _lt("Minimum shelf life at delivery (days)"),
        _lt("Days of shelf life a delivery must leave."),
        kind="integer",
        example="180",
    ),
    Column("sterile", _lt("Sterile"), _lt("Labelled sterile."), kind="boolean", example="yes"),
    Column("implantable", _lt("Implantable"), _lt("An implantable device."), kind="boolean", example="no"),
    Column("single_use", _lt("Single use"), _lt("For single use only."), kind="boolean", example="yes"),
    Column("brand_name", _lt("Brand name"), _lt("The brand or trade name on the label."), example="MedFlow"),
    Column(
        "model_version", _lt("Model / version"), _lt("The model or version (型号规格)."), example="IS-200-A"
    ),
)
PACKAGING_COLUMNS = (
    Column(
        "default_code",
        _lt("Internal reference"),
        _lt("The device of this packaging (devices sheet or already in Odoo)."),
        required=True,
        example="IS-200",
    ),
    Column("name", _lt("Packaging"), _lt("The packaging's name."), required=True, example="Box of 25"),
    Column(
        "quantity",
        _lt("Contained quantity"),
        _lt("Base units in this packaging."),
        kind="float",
        required=True,
        example="25",
    ),
    Column(
        "level",
        _lt("Packaging level"),
        _lt("The UDI packaging level."),
        kind="selection",
        required=True,
        choices=tuple(code for code, _label in UDI_LEVELS),
        example="box",
    ),
    Column(
        "udi_di",
        _lt("UDI-DI"),
        _lt("The DI of this packaging level, different from the base unit's."),
        required=True,
        example="16971234500011",
    ),
    Column(
        "udi_issuer",
        _lt("Issuing agency"),
        _lt("The UDI issuing agency of the DI."),
        kind="selection",
        choices=tuple(code for code, _label in UDI_ISSUERS),
        example="gs1",
    ),
)
STOCK_COLUMNS = (
    Column(
        "default_code",
        _lt("Internal reference"),
        _lt("The device (devices sheet or already in Odoo)."),
        required=True,
        example="IS-200",
    ),
    Column(
        "lot",
        _lt("Lot / serial number"),
        _lt("The lot or serial number; one row per serial number."),
        example="IS200-250101",
    ),
    Column(
        "location",
        _lt("Location"),
        _lt("The internal location's full name or barcode."),
        required=True,
        example="WH/Stock",
    ),
    Column(
        "quantity",
        _lt("Quantity"),
        _lt("On hand in the product's unit; 1 for a serial number."),
        kind="float",
        required=True,
        example="200",
    ),
    Column(
        "expiry_date",
        _lt("Use-by date"),
        _lt("The use-by date on the label; required for devices with a shelf life."),
        kind="date",
        example="2028-01-01",
    ),
    Column(
        "production_date",
        _lt("Production date"),
        _lt("The date of manufacture on the label."),
        kind="date",
        example="2025-01-01",
    ),
    Column(
        "status",
        _lt("Status"),
        _lt("released, quarantine, hold or rejected: the lot's status in the legacy system."),
        kind="selection",
        choices=LOT_STATUSES,
        example="released",
    ),
)


class MdMigration(models.Model):
    _inherit = "md.migration"

    def _md_migration_sheets(self):
        return [
            *super()._md_migration_sheets(),
            Sheet("devices", "Devices 产品", DEVICE_COLUMNS, sequence=10, model="product.template"),
            Sheet("packaging", "Packaging 包装", PACKAGING_COLUMNS, sequence=20, model="product.packaging"),
            Sheet("opening_stock", "Opening stock 期初库存", STOCK_COLUMNS, sequence=80, model="stock.lot"),
        ]

    # -- devices ------------------------------------------------------------

    def _md_import_devices(self, rows, issues):
        existing = self._md_by_key(
            "product.template", "default_code", [row.values["default_code"] for row in rows]
        )
        rows = self._md_refuse_repeats(
            rows,
            lambda row: row.values["default_code"],
            issues,
            "default_code",
            self.env._("This reference is already on an earlier row."),
        )
        fresh = []
        for row in rows:
            if row.values["default_code"] in existing:
                issues.add(
                    row, "default_code", self.env._("A product with this internal reference already exists.")
                )
            else:
                fresh.append((row, self._md_device_vals(row.values)))
        templates = self._md_records(
            "product.template", self._md_create_rows("product.template", fresh, issues)
        )
        self._md_translate_names(
            templates, {row.values["default_code"]: row.values["name_zh"] for row, _vals in fresh}
        )
        return templates

    def _md_device_vals(self, values):
        shelf_life = values["shelf_life_days"] or 0
        vals = {
            "name": values["name"],
            "default_code": values["default_code"],
            "type": "consu",
            "is_storable": True,
            # the label's production identifiers decide tracking and expiry (product_template.py)
            "md_is_device": True,
            "md_label_lot": values["tracking"] == "lot",
            "md_label_serial": values["tracking"] == "serial",
            "md_label_expiry": bool(shelf_life),
            "md_label_production_date": values["label_production_date"],
            "md_basic_udi_di": values["basic_udi_di"] or False,
            "md_risk_class_cn": values["risk_class_cn"],
            "md_risk_class_eu": values["risk_class_eu"],
            "md_risk_class_us": values["risk_class_us"],
            "md_cn_registration_number": values["registration_number"] or False,
            "md_min_shelf_life_days": values["min_shelf_life_days"] or 0,
            "md_sterile": values["sterile"],
            "md_implantable": values["implantable"],
            "md_single_use": values["single_use"],
            "md_brand_name": values["brand_name"] or False,
            "md_model_version": values["model_version"] or False,
            "expiration_time": shelf_life,
        }
        if values["udi_di"]:
            vals.update(md_udi_di=values["udi_di"], md_udi_issuer=values["udi_issuer"] or "gs1")
        return vals

    def _md_translate_names(self, templates, chinese_names):
        for template in templates:
            if chinese_names.get(template.default_code):
                template.update_field_translations("name", {"zh_CN": chinese_names[template.default_code]})

    # -- packaging ----------------------------------------------------------

    def _md_import_packaging(self, rows, issues):
        products = self._md_products_by_code(rows)
        vals_list = []
        for row in rows:
            product_id = products.get(row.values["default_code"])
            if not product_id:
                issues.add(row, "default_code", self.env._("No product has this internal reference."))
                continue
            vals_list.append(
                (
                    row,
                    {
                        "product_id": product_id,
                        "name": row.values["name"],
                        "qty": row.values["quantity"],
                        "md_udi_level": row.values["level"],
                        "md_udi_di": row.values["udi_di"],
                        "md_udi_issuer": row.values["udi_issuer"] or "gs1",
                    },
                )
            )
        return self._md_records(
            "product.packaging", self._md_create_rows("product.packaging", vals_list, issues)
        )

    def _md_products_by_code(self, rows):
        """{internal reference: product.product id} of the rows' devices, in one search."""
        return self._md_by_key(
            "product.product",
            "default_code",
            [row.values["default_code"] for row in rows],
            [("active", "=", True)],
        )

    # -- opening stock ------------------------------------------------------

    def _md_import_opening_stock(self, rows, issues):
        products = self.env["product.product"].browse(self._md_products_by_code(rows).values())
        product_by_code = {product.default_code: product for product in products}
        locations = self._md_internal_locations([row.values["location"] for row in rows])
        existing_lots = self._md_existing_lots(rows, product_by_code)
        rows = self._md_refuse_repeats(
            rows,
            lambda row: (row.values["default_code"], row.values["lot"], row.values["location"]),
            issues,
            "lot",
            self.env._("This lot and location are already on an earlier row."),
        )
        valid = [
            row
            for row in rows
            if self._md_check_stock_row(row, product_by_code, locations, existing_lots, issues)
        ]
        lots = self._md_create_lots(valid, product_by_code, issues)
        self._md_receive_opening_stock(valid, product_by_code, locations, lots, issues)
        self._md_hold_migrated_lots(valid, product_by_code, lots)
        return self.env["stock.lot"].browse(sorted({lot.id for lot in lots.values()}))

    def _md_internal_locations(self, names):
        """{full name or barcode: location} of the company's internal locations named by the rows."""
        names = sorted(set(names))
        locations = self.env["stock.location"].search(
            [
                ("usage", "=", "internal"),
                ("company_id", "in", (self.company_id.id, False)),
                "|",
                ("complete_name", "in", names),
                ("barcode", "in", names),
            ]
        )
        found = {}
        for location in locations:
            found[location.complete_name] = location
            if location.barcode:
                found[location.barcode] = location
        return found

    def _md_existing_lots(self, rows, product_by_code):
        """{(product id, lot name)} already in the database: opening stock creates its lots."""
        names = sorted({row.values["lot"] for row in rows if row.values["lot"]})
        if not names:
            return set()
        lots = self.env["stock.lot"].search_read(
            [
                ("name", "in", names),
                ("product_id", "in", [p.id for p in product_by_code.values()]),
                ("company_id", "in", (self.company_id.id, False)),
            ],
            ["name", "product_id"],
        )
        return {(lot["product_id"][0], lot["name"]) for lot in lots}

    def _md_check_stock_row(self, row, product_by_code, locations, existing_lots, issues):
        values = row.values
        product = product_by_code.get(values["default_code"])
        problem = None
        column = "default_code"
        if not product:
            problem = self.env._("No product has this internal reference.")
        elif values["location"] not in locations:
            column, problem = (
                "location",
                self.env._("No internal location of the company has this name or barcode."),
            )
        elif values["quantity"] <= 0:
            column, problem = "quantity", self.env._("Opening stock is a positive quantity.")
        elif product.tracking == "none":
            problem = self.env._(
                "Opening stock is migrated by lot or serial number: this product is not tracked."
            )
        elif not values["lot"]:
            column, problem = "lot", self.env._("This device is tracked: give its lot or serial number.")
        elif product.tracking == "serial" and values["quantity"] != 1:
            column, problem = "quantity", self.env._("A serial number is one unit: the quantity is 1.")
        elif product.use_expiration_date and not values["expiry_date"]:
            column, problem = "expiry_date", self.env._("This device has a shelf life: give the use-by date.")
        elif (product.id, values["lot"]) in existing_lots:
            column, problem = "lot", self.env._("This lot or serial number already exists for the device.")
        if problem:
            issues.add(row, column, problem)
        return not problem

    def _md_create_lots(self, rows, product_by_code, issues):
        """{(product id, lot name): stock.lot}: one lot per product and name, however many rows
        (locations) hold it; a lot's dates must agree across its rows."""
        first_row, vals_list = {}, []
        for row in rows:
            product = product_by_code[row.values["default_code"]]
            key = (product.id, row.values["lot"])
            if key in first_row:
                if self._md_lot_dates(first_row[key]) != self._md_lot_dates(row):
                    issues.add(
                        row, "expiry_date", self.env._("The same lot has other dates on an earlier row.")
                    )
                continue
            first_row[key] = row
            vals_list.append((row, self._md_lot_vals(row, product)))
        lots = self._md_records("stock.lot", self._md_create_rows("stock.lot", vals_list, issues))
        return {(lot.product_id.id, lot.name): lot for lot in lots}

    def _md_lot_dates(self, row):
        return row.values["expiry_date"], row.values["production_date"]

    def _md_lot_vals(self, row, product):
        expiry = row.values["expiry_date"]
        return {
            "name": row.values["lot"],
            "product_id": product.id,
            "company_id": self.company_id.id,
            "expiration_date": datetime.combine(expiry, time(12)) if expiry else False,
            "md_production_date": row.values["production_date"] or False,
        }

    def _md_receive_opening_stock(self, rows, product_by_code, locations, lots, issues):
        """Inventory adjustment moves of the opening stock, validated in batches."""
        pairs = []
        for row in rows:
            product = product_by_code[row.values["default_code"]]
            lot = lots.get((product.id, row.values["lot"]))
            if lot:  # else its lot was refused
                pairs.append(
                    (row, self._md_opening_move_vals(row, product, locations[row.values["location"]], lot))
                )
        for start in range(0, len(pairs), MOVE_BATCH):
            moves = self._md_create_rows("stock.move", pairs[start : start + MOVE_BATCH], issues)
            self._md_apply_rows(moves, "_action_done", issues)

    def _md_opening_move_vals(self, row, product, location, lot):
        quantity = float_round(row.values["quantity"], precision_rounding=product.uom_id.rounding)
        source = product.with_company(self.company_id).property_stock_inventory
        return {
            "name": self.env._("Opening stock %s", self.name),
            "product_id": product.id,
            "product_uom": product.uom_id.id,
            "product_uom_qty": quantity,
            "location_id": source.id,
            "location_dest_id": location.id,
            "company_id": self.company_id.id,
            "is_inventory": True,
            "picked": True,
            "move_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_id": product.uom_id.id,
                        "quantity": quantity,
                        "location_id": source.id,
                        "location_dest_id": location.id,
                        "lot_id": lot.id,
                        "company_id": self.company_id.id,
                        "picked": True,
                    }
                )
            ],
        }

    def _md_hold_migrated_lots(self, rows, product_by_code, lots):
        """Hold the lots the legacy system had in quarantine, on hold or rejected, with the run as
        the hold's source (ISO 13485:2016 7.5.8, 8.3: status kept through the migration)."""
        lots_by_type = defaultdict(set)
        for row in rows:
            status = row.values["status"] or "released"
            lot = lots.get((product_by_code[row.values["default_code"]].id, row.values["lot"]))
            if status != "released" and lot:
                lots_by_type[status].add(lot.id)
        for hold_type, lot_ids in lots_by_type.items():
            self.env["stock.lot"].browse(sorted(lot_ids))._md_place_hold(
                hold_type,
                self.env._(
                    "Status %(status)s in the legacy system, migrated by %(run)s.",
                    status=hold_type,
                    run=self.name,
                ),
                source=self,
            )

    def _md_reconcile_opening_stock(self, rows, lots):
        """Per location: the rows and quantity of the file against the migrated lots' quants."""
        file_by_location = defaultdict(lambda: [0, 0.0])
        for row in rows:
            file_by_location[row.values["location"]][0] += 1
            file_by_location[row.values["location"]][1] += row.values["quantity"]
        locations = self._md_internal_locations(list(file_by_location))
        db_by_location = self._md_quants_by_location(lots)
        counts = []
        for name, (row_count, quantity) in sorted(file_by_location.items()):
            location = locations.get(name)
            lines, on_hand = db_by_location.get(location.id, (0, 0.0)) if location else (0, 0.0)
            counts.append(
                {
                    "label": self.env._(
                        "Lots and quantity in %s", location.complete_name if location else name
                    ),
                    "file_count": row_count,
                    "db_count": lines,
                    "file_quantity": quantity,
                    "db_quantity": on_hand,
                }
            )
        return counts

    def _md_quants_by_location(self, lots):
        """{location id: (quant count, quantity)} of the lots' stock, in one query."""
        if not lots:
            return {}
        self.env["stock.quant"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT location_id, count(*), sum(quantity) FROM stock_quant
                    WHERE lot_id = ANY(%s) AND quantity != 0 GROUP BY location_id""",
                lots.ids,
            )
        )
        return {location_id: (count, quantity) for location_id, count, quantity in self.env.cr.fetchall()}
