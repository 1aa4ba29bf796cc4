import csv
import io

import xlsxwriter

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from . import genealogy


class StockLot(models.Model):
    """Genealogy of lots/serials: trace and recall scope (ISO 13485:2016
    7.5.9.1-7.5.9.2, 21 CFR 820.65, EU MDR Art. 25 and 27: identify the
    components of each unit and its consignees, e.g. to scope a recall)."""

    _inherit = "stock.lot"

    def init(self):
        res = super().init()
        self._md_create_done_lines_index()
        self._md_create_genealogy_indexes()
        return res

    def _md_create_done_lines_index(self):
        """Done lines by lot, carrying the columns the recall scope's consignee query reads
        (``genealogy.customers``): without them PostgreSQL preferred a scan of every done line
        (620 ms at 100,000 lots and 961,160 move lines, growing with them) to a heap visit per
        line of the scope; read from the index alone, the 3,641 lots of a wide raw lot took 76 ms
        (tests/benchmarks/bench_five_years.py). It replaces the plain index of earlier versions."""
        cr = self.env.cr
        cr.execute(SQL("DROP INDEX IF EXISTS md_stock_move_line_lot_done_idx"))
        cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS md_stock_move_line_lot_done_cover_idx
                    ON stock_move_line (lot_id)
                    INCLUDE (location_id, location_dest_id, picking_id, move_id, company_id,
                             quantity_product_uom, date)
                 WHERE state = 'done'
                """
            )
        )

    def _md_create_genealogy_indexes(self):
        """Indexes of both columns of the consume links (created only when Odoo has no index
        led by the column)."""
        cr = self.env.cr
        wanted = [
            ("stock_move_line_consume_rel", "produce_line_id", "md_sml_consume_rel_produce_idx", SQL("")),
            ("stock_move_line_consume_rel", "consume_line_id", "md_sml_consume_rel_consume_idx", SQL("")),
        ]
        for table, column, name, where in wanted:
            cr.execute(
                SQL(
                    """
                    SELECT 1 FROM pg_index i
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                     WHERE i.indrelid = %s::regclass AND a.attname = %s
                       AND (i.indpred IS NULL OR %s)
                    """,
                    table,
                    column,
                    bool(where.code),
                )
            )
            if not cr.fetchone():
                cr.execute(
                    SQL(
                        "CREATE INDEX IF NOT EXISTS %s ON %s (%s) %s",
                        SQL.identifier(name),
                        SQL.identifier(table),
                        SQL.identifier(column),
                        where,
                    )
                )

    # ------------------------------------------------------------------
    # Public RPC contract kept stable for integrators: md_trace, md_recall_scope
    # The trace reads are @api.readonly: Odoo 18 runs the web client's calls of them on the
    # database replica when one is configured (db_replica_host), else on the primary.
    # ------------------------------------------------------------------
    @api.readonly
    def md_trace(self, direction):
        """``[{lot_id, product_id, level}]`` of every lot/serial reached from these
        lots, upstream (``'up'``: what they were made from, down to the received
        lots) or downstream (``'down'``: what they went into), at any depth."""
        self._md_check_trace_access()
        rows = genealogy.trace(self.env.cr, self._md_direction(direction), self.ids, self._md_company_ids())
        return [
            {"lot_id": lot_id, "product_id": product_id, "level": level} for lot_id, product_id, level in rows
        ]

    @api.readonly
    def md_recall_scope(self):
        """What a recall of these lots reaches: the lots themselves and everything
        made from them, their stock on hand, and the customers who hold them.

        ``{lots: [ids], stock: [{lot_id, location_id, quantity}],
        customers: [{partner_id, lot_id, quantity, picking_ids, date}]}``
        """
        self._md_check_trace_access()
        companies = self._md_company_ids()
        cr = self.env.cr
        lot_ids = self.ids + [row[0] for row in genealogy.trace(cr, genealogy.DOWN, self.ids, companies)]
        return {
            "lots": lot_ids,
            "stock": [
                {"lot_id": lot_id, "location_id": location_id, "quantity": quantity}
                for lot_id, location_id, quantity in genealogy.stock(cr, lot_ids, companies)
            ],
            "customers": [
                {
                    "partner_id": partner_id,
                    "lot_id": lot_id,
                    "quantity": quantity,
                    "picking_ids": picking_ids or [],
                    "date": date,
                }
                for partner_id, lot_id, quantity, picking_ids, date in genealogy.customers(
                    cr, lot_ids, companies
                )
            ],
        }

    # ------------------------------------------------------------------
    # Trace UI
    # ------------------------------------------------------------------
    def action_md_trace(self):
        """Open the trace of the selected lots (upstream and downstream tree,
        affected finished units, customers)."""
        if not self:
            raise UserError(self.env._("Select at least one lot/serial number to trace."))
        self._md_check_trace_access()
        return {
            "type": "ir.actions.client",
            "tag": "md_udi_trace.trace",
            "name": self.env._("Trace: %(lots)s", lots=", ".join(self.mapped("name"))),
            "params": {"lot_ids": self.ids},
            "context": {"active_ids": self.ids, "active_model": "stock.lot"},
        }

    @api.readonly
    def md_trace_data(self):
        """Everything the trace screen and its exports show, in a few queries.

        ``{roots, nodes: {id: {...}}, up: {parent: [children]}, down: {...},
        units: [...], stock: [...], customers: [...]}``. A node's children in
        ``up`` are the lots it was made from; in ``down``, what it went into.
        """
        self._md_check_trace_access()
        companies = self._md_company_ids()
        cr = self.env.cr
        up_rows = genealogy.trace(cr, genealogy.UP, self.ids, companies)
        down_rows = genealogy.trace(cr, genealogy.DOWN, self.ids, companies)
        up_ids = self.ids + [row[0] for row in up_rows]
        down_ids = self.ids + [row[0] for row in down_rows]
        up_children, down_children = {}, {}
        for src, dst in genealogy.links(cr, genealogy.UP, up_ids, companies):
            up_children.setdefault(dst, []).append(src)
        for src, dst in genealogy.links(cr, genealogy.DOWN, down_ids, companies):
            down_children.setdefault(src, []).append(dst)
        levels = {lot_id: -level for lot_id, _product, level in up_rows}
        levels.update({lot_id: level for lot_id, _product, level in down_rows})
        levels.update(dict.fromkeys(self.ids, 0))
        recall = self.md_recall_scope()
        return {
            "roots": self.ids,
            "nodes": self._md_trace_nodes(levels, recall),
            "up": up_children,
            "down": down_children,
            "units": self._md_trace_units(down_ids, down_children),
            "stock": self._md_trace_stock(recall["stock"]),
            "customers": self._md_trace_customers(recall["customers"]),
        }

    def _md_trace_nodes(self, levels, recall):
        # names only, of lots and partners already filtered by company in SQL
        lots = self.sudo().browse(list(levels))
        on_hand, delivered = {}, {}
        for row in recall["stock"]:
            on_hand[row["lot_id"]] = on_hand.get(row["lot_id"], 0.0) + row["quantity"]
        for row in recall["customers"]:
            delivered[row["lot_id"]] = delivered.get(row["lot_id"], 0.0) + row["quantity"]
        moves = {}
        for lot_id, line_id, date, reference, kind, src, dest, quantity, partner_id in genealogy.movements(
            self.env.cr, list(levels), self._md_company_ids()
        ):
            moves.setdefault(lot_id, []).append(
                {
                    "id": line_id,
                    "date": date and date.isoformat(sep=" "),
                    "reference": reference,
                    "kind": kind,
                    "location": src,
                    "location_dest": dest,
                    "quantity": quantity,
                    "partner_id": partner_id,
                }
            )
        partners = (
            self.env["res.partner"]
            .sudo()
            .browse(
                {
                    move["partner_id"]
                    for lot_moves in moves.values()
                    for move in lot_moves
                    if move["partner_id"]
                }
            )
        )
        partner_names = dict(zip(partners.ids, partners.mapped("display_name"), strict=True))
        for lot_moves in moves.values():
            for move in lot_moves:
                move["partner"] = partner_names.get(move.pop("partner_id"), "")
        return {
            lot.id: {
                "id": lot.id,
                "name": lot.name,
                "product": lot.product_id.display_name,
                "level": levels[lot.id],
                "on_hand": on_hand.get(lot.id, 0.0),
                "delivered": delivered.get(lot.id, 0.0),
                "moves": moves.get(lot.id, []),
            }
            for lot in lots
        }

    def _md_trace_units(self, down_ids, down_children):
        """The affected finished units: the lots reached downstream that went into nothing else."""
        ends = [lot_id for lot_id in down_ids if not down_children.get(lot_id)]
        return [
            {"lot_id": lot.id, "name": lot.name, "product": lot.product_id.display_name}
            for lot in self.sudo().browse(ends)
        ]

    def _md_trace_stock(self, rows):
        lots = self.sudo().browse([row["lot_id"] for row in rows])
        locations = self.env["stock.location"].sudo().browse([row["location_id"] for row in rows])
        lot_names = dict(zip(lots.ids, lots.mapped("name"), strict=True))
        location_names = dict(zip(locations.ids, locations.mapped("complete_name"), strict=True))
        return [
            dict(row, lot=lot_names[row["lot_id"]], location=location_names[row["location_id"]])
            for row in rows
        ]

    def _md_trace_customers(self, rows):
        lots = self.sudo().browse([row["lot_id"] for row in rows])
        partners = self.env["res.partner"].sudo().browse([row["partner_id"] for row in rows])
        pickings = (
            self.env["stock.picking"].sudo().browse({pid for row in rows for pid in row["picking_ids"]})
        )
        lot_names = dict(zip(lots.ids, lots.mapped("name"), strict=True))
        partner_names = dict(zip(partners.ids, partners.mapped("display_name"), strict=True))
        picking_names = dict(zip(pickings.ids, pickings.mapped("name"), strict=True))
        return [
            dict(
                row,
                lot=lot_names[row["lot_id"]],
                partner=partner_names[row["partner_id"]],
                pickings=", ".join(picking_names[pid] for pid in row["picking_ids"]),
                date=row["date"] and row["date"].isoformat(sep=" "),
            )
            for row in rows
        ]

    # ------------------------------------------------------------------
    @api.model
    def _md_direction(self, direction):
        if direction not in (genealogy.UP, genealogy.DOWN):
            raise UserError(
                self.env._("Unknown trace direction %(direction)r: use 'up' or 'down'.", direction=direction)
            )
        return direction

    def _md_check_trace_access(self):
        """Tracing reads the lots: read access on them, their company included.
        The queries read the tables directly: pending ORM writes go first."""
        self.check_access("read")
        self.env.flush_all()

    def _md_company_ids(self):
        return self.env.companies.ids

    # ------------------------------------------------------------------
    # Exports (XLSX and CSV) of the trace screen
    # ------------------------------------------------------------------
    @api.readonly
    def md_trace_export(self, file_format):
        """``(filename, content, mimetype)`` of the trace in ``file_format`` ('xlsx' or 'csv')."""
        if not self:
            raise UserError(self.env._("Select at least one lot/serial number to export its trace."))
        if file_format not in ("xlsx", "csv"):
            raise UserError(
                self.env._("Unknown export format %(format)r: use 'xlsx' or 'csv'.", format=file_format)
            )
        rows = self._md_trace_export_rows(self.md_trace_data())
        name = "trace-" + "-".join(self.mapped("name"))
        if file_format == "csv":
            return f"{name}.csv", self._md_rows_to_csv(rows), "text/csv"
        return (
            f"{name}.xlsx",
            self._md_rows_to_xlsx(rows),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def _md_trace_export_rows(self, data):
        """``{section: [row, ...]}``, each row a list under the section's header."""
        nodes = data["nodes"]
        tree_header = [
            self.env._("Level"),
            self.env._("Lot/Serial Number"),
            self.env._("Product"),
            self.env._("Parent"),
            self.env._("On Hand"),
            self.env._("Delivered"),
        ]
        sections = {}
        for key, title in (("down", self.env._("Downstream")), ("up", self.env._("Upstream"))):
            rows = [tree_header]
            for parent_id, lot_id in self._md_walk_tree(data["roots"], data[key]):
                node = nodes[lot_id]
                parent = nodes[parent_id]["name"] if parent_id else ""
                rows.append(
                    [node["level"], node["name"], node["product"], parent, node["on_hand"], node["delivered"]]
                )
            sections[title] = rows
        sections[self.env._("Affected Units")] = [
            [self.env._("Lot/Serial Number"), self.env._("Product")]
        ] + [[unit["name"], unit["product"]] for unit in data["units"]]
        sections[self.env._("Customers")] = [
            [
                self.env._("Customer"),
                self.env._("Lot/Serial Number"),
                self.env._("Quantity"),
                self.env._("Transfers"),
                self.env._("Date"),
            ]
        ] + [
            [row["partner"], row["lot"], row["quantity"], row["pickings"], row["date"] or ""]
            for row in data["customers"]
        ]
        sections[self.env._("Stock")] = [
            [self.env._("Lot/Serial Number"), self.env._("Location"), self.env._("Quantity")]
        ] + [[row["lot"], row["location"], row["quantity"]] for row in data["stock"]]
        return sections

    @api.model
    def _md_walk_tree(self, roots, children):
        """Depth-first ``(parent_id, lot_id)`` pairs; a lot already on the path is not expanded again."""
        stack = [(None, root, (root,)) for root in reversed(roots)]
        while stack:
            parent_id, lot_id, path = stack.pop()
            yield parent_id, lot_id
            for child in reversed(children.get(lot_id, [])):
                if child not in path:
                    stack.append((lot_id, child, (*path, child)))

    @api.model
    def _md_rows_to_csv(self, sections):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for title, rows in sections.items():
            writer.writerow([title])
            writer.writerows(rows)
            writer.writerow([])
        return buffer.getvalue().encode("utf-8-sig")

    @api.model
    def _md_rows_to_xlsx(self, sections):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        bold = workbook.add_format({"bold": True})
        for title, rows in sections.items():
            sheet = workbook.add_worksheet(title[:31])
            for row_index, row in enumerate(rows):
                sheet.write_row(row_index, 0, row, bold if row_index == 0 else None)
            sheet.set_column(0, len(rows[0]) - 1, 22)
        workbook.close()
        return buffer.getvalue()
