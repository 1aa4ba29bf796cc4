from contextlib import contextmanager
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
    ``res_model`` one of ``_md_scan_targets()``. Every refusal is a UserError and, the call being one
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
                raise self._md_pi_without_di_error()
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
    def scan_batch(self, res_model, res_id, raws, idempotency_key=None):
        """Scan a list of UDIs into one operation in one call: all of them, or none.

        For batch uploads (a handheld scanner's buffer, the serial list of a pallet): the
        rules of ``scan`` apply to every scan, a split label is a DI-only scan followed by
        its PI-only scan in the list, and a refusal names the scan; nothing of a refused
        batch is written. Into transfers the checks that read the database run once for
        the whole batch and the move lines are created in one call.

        With ``idempotency_key`` (the caller's, unique per batch), a batch sent again after a
        timeout is applied once: the second call returns the first call's result with
        ``replayed: True`` (``md.scan.batch.key``).

        Returns ``{status: "added", count, quantity, message}``.
        """
        if not isinstance(raws, list | tuple) or not raws:
            raise UserError(self.env._("Give the list of scanned codes to add."))
        target = self._md_target(res_model, res_id)
        if idempotency_key is None:
            return self._md_scan_batch(target, raws)
        keys = self.env["md.scan.batch.key"].sudo()
        key_id, applied = keys._md_claim(idempotency_key, res_model, res_id, raws)
        if key_id is None:
            return {**applied, "replayed": True}
        result = self._md_scan_batch(target, raws)
        keys._md_store(key_id, result)
        return result

    @api.model
    def _md_scan_batch(self, target, raws):
        company = target.company_id or self.env.company
        scan, target = self.with_company(company), target.with_company(company)
        items = scan._md_batch_items(raws)
        if target._name == "stock.picking":
            try:
                target._md_scan_apply_batch(items)
            except UserError as error:
                raise UserError(
                    self.env._(
                        "The batch of %(count)s scans was refused, nothing of it was recorded: %(error)s",
                        count=len(items),
                        error=error.args[0],
                    )
                ) from error
        else:
            for number, item in enumerate(items, 1):
                with scan._md_numbered(number, len(items)):
                    if target._name == "stock.location":
                        self.env["stock.quant"]._md_scan_count(target, item)
                    else:
                        target._md_scan_apply(item)
        quantity = sum(item.quantity for item in items)
        return {
            "status": "added",
            "count": len(items),
            "quantity": quantity,
            "message": self.env._(
                "%(count)s scans added to %(operation)s (quantity %(quantity)s).",
                count=len(items),
                operation=target.display_name,
                quantity=quantity,
            ),
        }

    @api.model
    def progress(self, res_model, res_id):
        """What the scan entry shows of one operation: per line scanned vs expected, per lot.

        Returns ``{expected_label, lines: [{key, product_id, product, uom, scanned, expected,
        lots: [{key, lot_id, name, expiry, production_date, scanned}]}]}``. "Scanned" is what
        the scans (picked move lines) hold, never the quantity Odoo prefills from the demand;
        dates are ISO calendar dates as the user's time zone sees them.
        """
        target = self._md_target(res_model, res_id, operation="read")
        company = target.company_id or self.env.company
        target = target.with_company(company)
        if target._name == "stock.location":
            # A count expects nothing per line: the count wizard lists the counted quants.
            return {"expected_label": "", "lines": []}
        return {"expected_label": self._md_expected_label(target), "lines": target._md_scan_progress()}

    @api.model
    def _md_expected_label(self, target):
        if target._name == "stock.picking" and target.picking_type_code == "incoming":
            return self.env._("Scanned / To Receive")
        return self.env._("Scanned / Expected")

    @api.model
    def _md_moves_progress(self, moves):
        """The progress lines of ``moves`` (see ``progress``), in the operation's order."""
        lines = []
        for move in moves.filtered(lambda m: m.state != "cancel"):
            picked = move.move_line_ids.filtered("picked")
            lots = {}
            for line in picked:
                quantity = line.product_uom_id._compute_quantity(line.quantity, move.product_uom, round=False)
                lots[line.lot_id] = lots.get(line.lot_id, 0.0) + quantity
            lines.append(
                self._md_progress_line(
                    f"move-{move.id}", move.product_id, move.product_uom, move.product_uom_qty, lots
                )
            )
        return lines

    @api.model
    def _md_progress_line(self, key, product, uom, expected, lots):
        """One progress line; ``lots`` maps each lot (or no lot) to its scanned quantity."""
        return {
            "key": key,
            "product_id": product.id,
            "product": product.display_name,
            "uom": uom.name,
            "scanned": sum(lots.values()),
            "expected": expected,
            "lots": [
                {
                    "key": f"{key}-lot-{lot.id}",
                    "lot_id": lot.id,
                    "name": lot.name,
                    "expiry": self._md_local_date(lot.expiration_date),
                    "production_date": bool(lot.md_production_date)
                    and fields.Date.to_string(lot.md_production_date),
                    "scanned": quantity,
                }
                for lot, quantity in lots.items()
                if lot
            ],
        }

    @api.model
    def _md_local_date(self, value):
        """The calendar date of a datetime as the user sees it (ISO), or False.

        product_expiry keeps expiry dates as datetimes; showing one with its time (noon UTC is
        20:00:00 in Shanghai) suggests a precision the label does not have.
        """
        if not value:
            return False
        return fields.Date.to_string(fields.Datetime.context_timestamp(self, value).date())

    @api.model
    def _md_batch_items(self, raws):
        """The scans of a batch resolved to items; a DI-only scan of a tracked device joins
        the PI-only scan that follows it, as the scan session does for single scans."""
        items, pending, devices = [], None, {}
        for number, raw in enumerate(raws, 1):
            with self._md_numbered(number, len(raws)):
                udi = self._md_parse(raw if isinstance(raw, str) else "")
                if udi.pi_only:
                    if not pending:
                        raise self._md_pi_without_di_error()
                    (di, product, packaging), pending = pending, None
                else:
                    if udi.di not in devices:
                        devices[udi.di] = self._md_find_device(udi.di)
                    di, (product, packaging) = udi.di, devices[udi.di]
                    if not (udi.lot or udi.serial) and product.tracking != "none":
                        pending = (di, product, packaging)
                        continue
                    pending = None
                items.append(self._md_item(di, product, packaging, udi))
        if pending:
            raise UserError(
                self.env._(
                    "The last scan is the device identifier of %(product)s without its lot or serial number.",
                    product=pending[1].display_name,
                )
            )
        return items

    @contextmanager
    def _md_numbered(self, number, count):
        """Name the scan of a batch in its refusal."""
        try:
            yield
        except UserError as error:
            raise UserError(
                self.env._(
                    "Scan %(number)s of %(count)s refused, nothing of the batch was recorded: %(error)s",
                    number=number,
                    count=count,
                    error=error.args[0],
                )
            ) from error

    @api.model
    def _md_pi_without_di_error(self):
        return UserError(
            self.env._(
                "These are production identifiers only (lot, serial, dates) and no device "
                "identifier (UDI-DI) was scanned before them. Scan the symbol with the DI first."
            )
        )

    @api.model
    def _md_scan_targets(self):
        """The models a scan can go into (SCAN_TARGETS); addons add theirs, each with
        ``_md_scan_apply(item)`` and ``_md_scan_progress()``."""
        return dict(SCAN_TARGETS)

    @api.model
    def _md_target(self, res_model, res_id, operation="write"):
        targets = self._md_scan_targets()
        if res_model not in targets:
            raise UserError(
                self.env._(
                    "Cannot scan into %(model)s: scan into one of %(models)s.",
                    model=res_model,
                    models=", ".join(targets),
                )
            )
        target = isinstance(res_id, int) and self.env[res_model].browse(res_id).exists()
        if not target:
            raise UserError(
                self.env._("The operation %(model)s #%(id)s does not exist.", model=res_model, id=res_id)
            )
        target.check_access(operation)
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
        """The lot or serial of one scan; see ``_md_lots``."""
        return self._md_lots([item], company, create)[0]

    @api.model
    def _md_lots(self, items, company, create):
        """The lot/serial of each scan (an empty recordset for untracked products), in order.

        Existing lots are found in one query and their dates checked against the labels;
        missing ones are created, with their dates, in one call when ``create``, else refused.
        """
        lot_model = self.env["stock.lot"]
        tracked = [item for item in items if item.product.tracking != "none"]
        for item in tracked:
            if not item.lot_name:
                raise UserError(
                    self.env._(
                        "%(product)s is tracked by %(tracking)s but the scan carries none.",
                        product=item.product.display_name,
                        tracking=self._md_tracking_label(item.product),
                    )
                )
        found = {}
        if tracked:
            for lot in lot_model.search(
                [
                    ("product_id", "in", list({item.product.id for item in tracked})),
                    ("name", "in", list({item.lot_name for item in tracked})),
                    ("company_id", "in", [company.id, False]),
                ]
            ):
                found.setdefault((lot.product_id.id, lot.name), lot)
        missing = {}
        for item in tracked:
            key = (item.product.id, item.lot_name)
            if key in found:
                self._md_check_lot_dates(item, found[key])
            else:
                missing.setdefault(key, item)
        if missing and not create:
            item = next(iter(missing.values()))
            raise UserError(
                self.env._(
                    "%(tracking)s %(lot)s of %(product)s does not exist: this operation only takes "
                    "existing lots and serial numbers.",
                    tracking=self._md_tracking_label(item.product),
                    lot=item.lot_name,
                    product=item.product.display_name,
                )
            )
        if missing:
            self.env["md.lot.claim"]._md_claim(missing, company)
            # The audit trail (md_regulatory) records the creations; a chatter "created" note
            # per scanned serial would only add a message and a follower per unit.
            created = lot_model.with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create(
                [self._md_lot_vals(item, company) for item in missing.values()]
            )
            found.update(zip(missing, created, strict=True))
        return [
            found.get((item.product.id, item.lot_name), lot_model)
            if item.product.tracking != "none"
            else lot_model
            for item in items
        ]

    @api.model
    def _md_lot_vals(self, item, company):
        vals = {"name": item.lot_name, "product_id": item.product.id, "company_id": company.id}
        if item.expiry:
            vals["expiration_date"] = datetime.combine(item.expiry, EXPIRY_TIME)
        if item.production_date:
            vals["md_production_date"] = item.production_date
        return vals

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
        self._md_check_serials_not_in_stock([item], [lot], company)

    @api.model
    def _md_existing_serials(self, items, lots):
        """{lot id: scan} of the scans of serial numbers that exist already."""
        return {
            lot.id: item
            for item, lot in zip(items, lots, strict=True)
            if item.product.tracking == "serial" and lot
        }

    @api.model
    def _md_check_serials_not_in_stock(self, items, lots, company):
        """A serial number identifies one unit: it cannot be received or produced while in stock."""
        serials = self._md_existing_serials(items, lots)
        if not serials:
            return
        quant = self.env["stock.quant"].search(
            [
                ("lot_id", "in", list(serials)),
                ("company_id", "=", company.id),
                ("location_id.usage", "=", "internal"),
                ("quantity", ">", 0),
            ],
            limit=1,
        )
        if quant:
            raise UserError(
                self.env._(
                    "Serial number %(serial)s of %(product)s is already in stock.",
                    serial=quant.lot_id.name,
                    product=serials[quant.lot_id.id].product.display_name,
                )
            )

    @api.model
    def _md_check_serials_not_received_elsewhere(self, items, lots, picking):
        """A serial number identifies one unit: it cannot be on two open receipts at once."""
        serials = self._md_existing_serials(items, lots)
        if not serials:
            return
        self.env["stock.move.line"].flush_model(["lot_id", "picking_id", "picked", "state"])
        self.env.cr.execute(
            SQL(
                """SELECT ml.lot_id, picking.name FROM stock_move_line ml
                     JOIN stock_picking picking ON picking.id = ml.picking_id
                     JOIN stock_picking_type type ON type.id = picking.picking_type_id
                    WHERE ml.lot_id = ANY(%s) AND ml.picked AND ml.picking_id != %s
                      AND ml.state NOT IN ('done', 'cancel') AND type.code = 'incoming'
                    LIMIT 1""",
                list(serials),
                picking.id,
            )
        )
        row = self.env.cr.fetchone()
        if row:
            raise UserError(
                self.env._(
                    "Serial number %(serial)s of %(product)s is already being received on %(receipt)s.",
                    serial=serials[row[0]].lot_name,
                    product=serials[row[0]].product.display_name,
                    receipt=row[1],
                )
            )

    @api.model
    def _md_check_serial_not_scanned(self, item, lot, moves):
        self._md_check_serials_not_scanned([item], [lot], moves)

    @api.model
    def _md_check_serials_not_scanned(self, items, lots, moves):
        """Refuse a serial number scanned twice, or already picked (or typed in) on the operation's moves."""
        serials = [
            (item, lot) for item, lot in zip(items, lots, strict=True) if item.product.tracking == "serial"
        ]
        if not serials:
            return
        seen, twice = set(), None
        for item, _lot in serials:
            key = (item.product.id, item.lot_name)
            if key in seen:
                twice = item.lot_name
                break
            seen.add(key)
        if not twice:
            self.env["stock.move.line"].flush_model(["move_id", "lot_id", "lot_name", "picked"])
            self.env.cr.execute(
                SQL(
                    """SELECT COALESCE(lot.name, ml.lot_name) FROM stock_move_line ml
                         LEFT JOIN stock_lot lot ON lot.id = ml.lot_id
                        WHERE ml.move_id = ANY(%(moves)s)
                          AND ((ml.lot_id = ANY(%(lots)s) AND ml.picked)
                               OR (ml.product_id, ml.lot_name) IN (
                                   SELECT * FROM unnest(%(products)s::int[], %(names)s::varchar[])))
                        LIMIT 1""",
                    moves=moves.ids,
                    lots=[lot.id for _item, lot in serials if lot],
                    # a serial number is unique per product: another product's lot may share it
                    products=[item.product.id for item, _lot in serials],
                    names=[item.lot_name for item, _lot in serials],
                )
            )
            row = self.env.cr.fetchone()
            twice = row and row[0]
        if twice:
            item = next(item for item, _lot in serials if item.lot_name == twice)
            raise UserError(
                self.env._(
                    "Serial number %(serial)s of %(product)s was already scanned into this operation.",
                    serial=twice,
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
    def _md_source_locations(self, move, lots):
        """``{lot_id: location}``: where each lot is in stock under the move's source location
        (the location holding most of it), in one query; the move's own location otherwise."""
        locations = {}
        if lots and move.location_id.usage == "internal":
            for quant in self.env["stock.quant"].search(
                [
                    ("lot_id", "in", lots.ids),
                    ("location_id", "child_of", move.location_id.id),
                    ("quantity", ">", 0),
                ],
                order="quantity desc, id",
            ):
                locations.setdefault(quant.lot_id.id, quant.location_id)
        return locations

    @api.model
    def _md_add_to_move(self, move, item, lot):
        """Add one scan's quantity to ``move``; see ``_md_add_to_moves``."""
        return self._md_add_to_moves([(move, item, lot)])[0]

    @api.model
    def _md_add_to_moves(self, entries):
        """Add each ``(move, item, lot)`` scan to its move; return the move line of each, in order.

        Scans of the same move and lot are added up first. For each, the line taken is, in
        order: a picked line of that lot (its quantity increases), an unpicked line of that
        lot, one without a lot, any unpicked line (a reservation of another lot gives way to
        the lot actually scanned); else a new line, put away as the move's putaway rules say.
        A line takes the scanned quantity, never the demand. Candidates are read in one query
        and new lines created in one call, so a batch of 10,000 serials costs a few statements.
        """
        line_model = self.env["stock.move.line"]
        totals = {}
        for move, item, lot in entries:
            totals[move, lot] = totals.get((move, lot), 0.0) + item.quantity
        moves = self.env["stock.move"].union(*(move for move, _lot in totals))
        candidates = self._md_candidate_lines(moves, [lot.id for _move, lot in totals if lot])
        # One prefetch set: the candidate lines taken are read together, not one by one.
        prefetch = [row["id"] for rows in candidates.values() for row in rows]
        locations = {
            move: self._md_source_locations(
                move, self.env["stock.lot"].union(*(lot for line_move, lot in totals if line_move == move))
            )
            for move in moves
        }
        # Once per move, not per line: a line per serial would look the rules up 10,000 times.
        destinations = {move: move.location_dest_id._get_putaway_strategy(move.product_id) for move in moves}
        line_of, new_keys, new_vals = {}, [], []
        for (move, lot), quantity in totals.items():
            row = self._md_pick_line(candidates.get(move.id, []), lot.id or None)
            if row and row["picked"]:
                line = line_model.browse(row["id"]).with_prefetch(prefetch)
                line.quantity += quantity
                line_of[move, lot] = line
                continue
            vals = {
                "quantity": quantity,
                "picked": True,
                "lot_id": lot.id,
                # Receipts that create lots list the number typed (lot_name), not lot_id: without
                # it the scanned serial would not show on its line of the detailed operations.
                "lot_name": lot.name or False,
                "location_id": locations[move].get(lot.id, move.location_id).id,
            }
            if row:
                row.update(picked=True, lot_id=lot.id or None)
                line = line_model.browse(row["id"]).with_prefetch(prefetch)
                # Only what changes: an unchanged quantity spares the recomputation of the
                # move's quantity over all its lines (10,000 on a large serial receipt).
                line.write(
                    {
                        name: value
                        for name, value in vals.items()
                        if line._fields[name].convert_to_write(line[name], line) != value
                    }
                )
                line_of[move, lot] = line
                continue
            vals.update(
                move_id=move.id,
                picking_id=move.picking_id.id,
                product_id=move.product_id.id,
                product_uom_id=move.product_id.uom_id.id,
                location_dest_id=destinations[move].id,
            )
            new_keys.append((move, lot))
            new_vals.append(vals)
        line_of.update(zip(new_keys, self._md_create_picked_lines(moves, new_vals), strict=True))
        return [line_of[move, lot] for move, _item, lot in entries]

    @api.model
    def _md_create_picked_lines(self, moves, vals_list):
        """Create picked move lines of ``moves``, updating the moves' picked state and quantity
        instead of having Odoo recompute them from every line of the move.

        Odoo's computations (``stock.move._compute_picked`` and ``_compute_quantity``) read all
        the lines of a move again on each scan: the 700th serial scanned one by one into a
        receipt spent 5.4 ms summing 700 lines, the 10,000th would read 10,000. The result is
        known: a move already picked stays picked when a picked line is added, and its quantity
        grows by the lines' quantities when they are in the move's unit (the scan's lines are in
        the product's unit; in another unit Odoo sums before converting and rounding, so those
        moves are left to Odoo). The new quantity is set before the lines are created, so that
        what Odoo reads while creating them (the move's reservation state) is the final value.
        """
        added = {}
        for vals in vals_list:
            added[vals["move_id"]] = added.get(vals["move_id"], 0.0) + vals["quantity"]
        picked = moves.filtered(lambda move: move.id in added and move.picked)
        counted = moves.filtered(lambda move: move.id in added and move.product_uom == move.product_id.uom_id)
        fields = moves._fields
        with self.env.protecting([([fields["picked"]], picked), ([fields["quantity"]], counted)]):
            for move in counted:
                # assigned while protected: stored as computed, without the inverse
                move.quantity += added[move.id]
            return self.env["stock.move.line"].create(vals_list)

    @api.model
    def _md_candidate_lines(self, moves, lot_ids):
        """``{move_id: [row]}``: the lines a scan may take (of a scanned lot, or unpicked), by id."""
        self.env["stock.move.line"].flush_model(["move_id", "lot_id", "picked"])
        self.env.cr.execute(
            SQL(
                """SELECT id, move_id, lot_id, picked IS TRUE AS picked FROM stock_move_line
                    WHERE move_id = ANY(%(moves)s)
                      AND (lot_id = ANY(%(lots)s) OR lot_id IS NULL OR picked IS NOT TRUE)
                 ORDER BY id""",
                moves=moves.ids,
                lots=lot_ids,
            )
        )
        candidates = {}
        for row in self.env.cr.dictfetchall():
            candidates.setdefault(row["move_id"], []).append(row)
        return candidates

    @staticmethod
    def _md_pick_line(rows, lot_id):
        """The candidate row a scan of ``lot_id`` takes (see ``_md_add_to_moves``), or None."""
        usable = [row for row in rows if row["lot_id"] == lot_id or not row["picked"]]
        return min(
            usable,
            key=lambda row: (
                not (row["lot_id"] == lot_id and row["picked"]),
                row["lot_id"] != lot_id,
                row["lot_id"] is not None,
                row["id"],
            ),
            default=None,
        )
