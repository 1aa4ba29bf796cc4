from dataclasses import dataclass
from datetime import date, datetime, time

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..udi import UdiError, parse

# The operations a scan can go into: the model named in the RPC call and what it means.
SCAN_TARGETS = {
    "stock.picking": "receipt, delivery or internal transfer",
    "mrp.production": "manufacturing order (components and finished product)",
    "stock.location": "inventory count of this location",
}

# Expiry dates are calendar dates on the label (21 CFR 801.18); stock.lot.expiration_date is a
# Datetime. Noon UTC keeps the same calendar date in every time zone from UTC-11 to UTC+11.
EXPIRY_TIME = time(12, 0)


@dataclass(frozen=True)
class ScannedItem:
    """One scan resolved to Odoo records: what the operation-specific code adds."""

    product: object
    packaging: object
    di: str
    lot_name: str | None
    expiry: date | None
    production_date: date | None
    quantity: float


class MdScan(models.AbstractModel):
    """Scanning UDIs into stock operations (the RPC entry point and the rules shared by all).

    RPC: ``execute_kw(db, uid, pw, 'md.scan', 'scan', [res_model, res_id, raw])`` with
    ``res_model`` one of SCAN_TARGETS. Every refusal is a UserError and, the call being one
    transaction, nothing of a refused scan is written.
    """

    _name = "md.scan"
    _description = "UDI Scan Service"

    # ------------------------------------------------------------------ entry point
    @api.model
    def scan(self, res_model, res_id, raw):
        """Scan ``raw`` (a UDI, or only its production identifiers) into one operation.

        Returns ``{status, message, product_id, lot_id, lot_name, quantity, expiry}``;
        ``status`` is ``added``, or ``pending`` when a DI-only scan of a tracked device waits
        for the symbol carrying its lot or serial.
        """
        target = self._md_target(res_model, res_id)
        # DIs, lots and stock are looked up in the operation's company.
        company = target.company_id or self.env.company
        return self.with_company(company)._md_scan_into(target.with_company(company), raw)

    @api.model
    def _md_scan_into(self, target, raw):
        udi = self._md_parse(raw)
        session = self.env["md.scan.session"]._md_for(target._name, target.id)
        if udi.pi_only:
            if not session.pending_di:
                raise UserError(
                    self.env._(
                        "These are production identifiers only (lot, serial, dates) and no device "
                        "identifier (UDI-DI) was scanned before them. Scan the symbol with the DI first."
                    )
                )
            di, product, packaging = (
                session.pending_di,
                session.pending_product_id,
                session.pending_packaging_id,
            )
        else:
            di = udi.di
            product, packaging = self._md_find_device(di)
        if not (udi.lot or udi.serial) and product.tracking != "none":
            session._md_hold(di, product, packaging)
            return self._md_result(
                "pending",
                self.env._("%(product)s: now scan its lot or serial number.", product=product.display_name),
                product,
            )
        session._md_clear()
        item = self._md_item(di, product, packaging, udi)
        if target._name == "stock.location":
            return self.env["stock.quant"]._md_scan_count(target, item)
        return target._md_scan_apply(item)

    @api.model
    def _md_target(self, res_model, res_id):
        if res_model not in SCAN_TARGETS:
            raise UserError(
                self.env._(
                    "Cannot scan into %(model)s: scan into one of %(models)s.",
                    model=res_model,
                    models=", ".join(SCAN_TARGETS),
                )
            )
        target = isinstance(res_id, int) and self.env[res_model].browse(res_id).exists()
        if not target:
            raise UserError(
                self.env._("The operation %(model)s #%(id)s does not exist.", model=res_model, id=res_id)
            )
        target.check_access("write")
        return target

    @api.model
    def _md_parse(self, raw):
        try:
            return parse(raw or "", today=fields.Date.context_today(self))
        except UdiError as error:
            raise UserError(self.env._("Not a valid UDI: %(error)s", error=str(error))) from error

    @api.model
    def _md_find_device(self, di):
        product, packaging = self.env["product.product"]._md_find_by_di(di)
        if not product:
            raise UserError(
                self.env._(
                    "Unknown device identifier %(di)s: no product or packaging has this UDI-DI.", di=di
                )
            )
        return product, packaging

    @api.model
    def _md_item(self, di, product, packaging, udi):
        # A serial-tracked device is identified by AI 21 (or its HIBC/ISBT equivalent), a lot by AI 10.
        lot_name = {"serial": udi.serial, "lot": udi.lot}.get(product.tracking)
        quantity = udi.quantity or (packaging.qty if packaging else 1.0)
        if product.tracking == "serial":
            if packaging and packaging.qty != 1:
                raise UserError(
                    self.env._(
                        "%(di)s is the DI of a package of %(qty)s %(product)s: serial numbers are "
                        "scanned one by one from the unit label.",
                        di=di,
                        qty=packaging.qty,
                        product=product.display_name,
                    )
                )
            quantity = 1.0
        return ScannedItem(
            product=product,
            packaging=packaging,
            di=di,
            lot_name=lot_name,
            expiry=udi.expiry,
            production_date=udi.production_date,
            quantity=quantity,
        )

    @api.model
    def _md_result(self, status, message, product, lot=None, quantity=0.0, line=None):
        lot = lot or self.env["stock.lot"]
        return {
            "status": status,
            "message": message,
            "product_id": product.id,
            "lot_id": lot.id,
            "lot_name": lot.name or False,
            "quantity": quantity,
            "expiry": bool(lot.expiration_date) and fields.Date.to_string(lot.expiration_date.date()),
            "line_model": line._name if line else False,
            "line_id": line.id if line else False,
        }

    @api.model
    def _md_added(self, item, lot, line):
        what = f"{item.product.display_name} {lot.name}" if lot else item.product.display_name
        if lot.expiration_date:
            what = self.env._("%(what)s (expiry %(expiry)s)", what=what, expiry=lot.expiration_date.date())
        message = self.env._("%(what)s: %(qty)s added.", what=what, qty=item.quantity)
        return self._md_result("added", message, item.product, lot, item.quantity, line)

    # ------------------------------------------------------------------ lots
    @api.model
    def _md_lot(self, item, company, create):
        """The lot or serial of the scan; created (with its dates) when ``create``, else it must exist."""
        if not item.lot_name:
            raise UserError(
                self.env._(
                    "%(product)s is tracked by %(tracking)s but the scan carries none.",
                    product=item.product.display_name,
                    tracking=self._md_tracking_label(item.product),
                )
            )
        lot = self.env["stock.lot"].search(
            [
                ("product_id", "=", item.product.id),
                ("name", "=", item.lot_name),
                ("company_id", "in", [company.id, False]),
            ],
            limit=1,
        )
        if lot:
            self._md_check_lot_dates(item, lot)
            return lot
        if not create:
            raise UserError(
                self.env._(
                    "%(tracking)s %(lot)s of %(product)s does not exist: this operation only takes "
                    "existing lots and serial numbers.",
                    tracking=self._md_tracking_label(item.product),
                    lot=item.lot_name,
                    product=item.product.display_name,
                )
            )
        vals = {"name": item.lot_name, "product_id": item.product.id, "company_id": company.id}
        if item.expiry:
            vals["expiration_date"] = datetime.combine(item.expiry, EXPIRY_TIME)
        if item.production_date:
            vals["md_production_date"] = item.production_date
        # The audit trail (md_regulatory) records the creation; a chatter "created" note per
        # scanned serial would only add a message and a follower per unit.
        return (
            self.env["stock.lot"]
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(vals)
        )

    @api.model
    def _md_tracking_label(self, product):
        return self.env._("serial number") if product.tracking == "serial" else self.env._("lot")

    @api.model
    def _md_check_lot_dates(self, item, lot):
        """A label's expiry must match the existing lot's; missing dates are completed from the label."""
        lot_expiry = lot.expiration_date and lot.expiration_date.date()
        if item.expiry and lot_expiry and item.expiry != lot_expiry:
            raise UserError(
                self.env._(
                    "The label gives lot %(lot)s of %(product)s the expiry date %(scanned)s but the "
                    "lot on record expires on %(recorded)s: check the label and the lot.",
                    lot=lot.name,
                    product=item.product.display_name,
                    scanned=item.expiry,
                    recorded=lot_expiry,
                )
            )
        vals = {}
        if item.expiry and not lot_expiry:
            vals["expiration_date"] = datetime.combine(item.expiry, EXPIRY_TIME)
        if item.production_date and not lot.md_production_date:
            vals["md_production_date"] = item.production_date
        if vals:
            lot.write(vals)

    # ------------------------------------------------------------------ rules
    @api.model
    def _md_expiry_of(self, item, lot):
        if item.expiry:
            return item.expiry
        return lot.expiration_date.date() if lot and lot.expiration_date else None

    @api.model
    def _md_check_expiry(self, item, lot, product_minimum=True, customer=None):
        """Refuse an expired lot and one whose remaining shelf life is under the product's minimum
        or, for deliveries, the customer's (ISO 13485 7.5.11 preservation; GSP near-expiry control)."""
        expiry = self._md_expiry_of(item, lot)
        if not expiry:
            return
        today = fields.Date.context_today(self)
        label = lot.name if lot else item.product.display_name
        if expiry < today:
            raise UserError(
                self.env._(
                    "%(product)s %(lot)s expired on %(expiry)s.",
                    product=item.product.display_name,
                    lot=label,
                    expiry=expiry,
                )
            )
        remaining = (expiry - today).days
        minimums = []
        if product_minimum:
            minimums.append((item.product.md_min_shelf_life_days, self.env._("the product's minimum")))
        if customer:
            minimums.append(
                (customer.md_min_shelf_life_days, self.env._("the minimum of customer %s", customer.name))
            )
        for days, whose in minimums:
            if days and remaining < days:
                raise UserError(
                    self.env._(
                        "%(product)s %(lot)s expires on %(expiry)s: %(remaining)s days of shelf life "
                        "left, under %(whose)s of %(days)s days.",
                        product=item.product.display_name,
                        lot=label,
                        expiry=expiry,
                        remaining=remaining,
                        whose=whose,
                        days=days,
                    )
                )

    @api.model
    def _md_check_serial_not_in_stock(self, item, lot, company):
        """A serial number identifies one unit: it cannot be received or produced while in stock."""
        if item.product.tracking != "serial" or not lot:
            return
        in_stock = self.env["stock.quant"].search_count(
            [
                ("lot_id", "=", lot.id),
                ("company_id", "=", company.id),
                ("location_id.usage", "=", "internal"),
                ("quantity", ">", 0),
            ],
            limit=1,
        )
        if in_stock:
            raise UserError(
                self.env._(
                    "Serial number %(serial)s of %(product)s is already in stock.",
                    serial=lot.name,
                    product=item.product.display_name,
                )
            )

    @api.model
    def _md_check_serial_not_scanned(self, item, lot, moves):
        """Refuse a serial number already picked (or typed in) on the operation's moves."""
        if item.product.tracking != "serial":
            return
        line_model = self.env["stock.move.line"]
        line_model.flush_model(["move_id", "lot_id", "lot_name", "picked"])
        self.env.cr.execute(
            SQL(
                """SELECT 1 FROM stock_move_line
                    WHERE move_id = ANY(%(moves)s)
                      AND ((lot_id = %(lot)s AND picked) OR lot_name = %(name)s)
                    LIMIT 1""",
                moves=moves.ids,
                lot=lot.id or None,
                name=item.lot_name,
            )
        )
        if self.env.cr.fetchone():
            raise UserError(
                self.env._(
                    "Serial number %(serial)s of %(product)s was already scanned into this operation.",
                    serial=item.lot_name,
                    product=item.product.display_name,
                )
            )

    @api.model
    def _md_check_usable(self, lot, label):
        """Stock on hold, in quarantine or rejected cannot be delivered or consumed (ISO 13485 7.5.8)."""
        if lot:
            lot._md_check_usable(label)

    # ------------------------------------------------------------------ move lines
    @api.model
    def _md_source_location(self, move, lot):
        """Where the scanned lot is in stock under the move's source location (the move's own if nowhere)."""
        if lot and move.location_id.usage == "internal":
            quant = self.env["stock.quant"].search(
                [
                    ("lot_id", "=", lot.id),
                    ("location_id", "child_of", move.location_id.id),
                    ("quantity", ">", 0),
                ],
                order="quantity desc",
                limit=1,
            )
            if quant:
                return quant.location_id
        return move.location_id

    @api.model
    def _md_add_to_move(self, move, item, lot):
        """Add the scanned quantity to ``move`` and return the move line that holds it.

        Prefers, in one indexed query, a picked line of the same lot (increment), then an
        unpicked line of that lot, then one without a lot, then any unpicked line (a
        reservation of another lot gives way to the lot actually scanned); else a new line.
        """
        line_model = self.env["stock.move.line"]
        line_model.flush_model(["move_id", "lot_id", "picked"])
        self.env.cr.execute(
            SQL(
                """SELECT id, picked IS TRUE FROM stock_move_line
                    WHERE move_id = %(move)s
                      AND (lot_id IS NOT DISTINCT FROM %(lot)s OR picked IS NOT TRUE)
                 ORDER BY (lot_id IS NOT DISTINCT FROM %(lot)s AND picked IS TRUE) DESC,
                          (lot_id IS NOT DISTINCT FROM %(lot)s) DESC,
                          (lot_id IS NULL) DESC,
                          id
                    LIMIT 1""",
                move=move.id,
                lot=lot.id or None,
            )
        )
        row = self.env.cr.fetchone()
        line = line_model.browse(row[0]) if row else line_model
        if line and row[1]:
            line.quantity += item.quantity
            return line
        location = self._md_source_location(move, lot)
        vals = {"quantity": item.quantity, "picked": True, "lot_id": lot.id, "location_id": location.id}
        if line:
            # Only what changes: an unchanged quantity spares the recomputation of the move's
            # quantity over all its lines (10,000 on a large serial receipt).
            line.write(
                {
                    name: value
                    for name, value in vals.items()
                    if line._fields[name].convert_to_write(line[name], line) != value
                }
            )
            return line
        vals.update(
            move_id=move.id,
            picking_id=move.picking_id.id,
            product_id=item.product.id,
            product_uom_id=item.product.uom_id.id,
            location_dest_id=move.location_dest_id.id,
        )
        return line_model.create(vals)
