"""Genealogy benchmark: recall scope of one raw lot, three ways (issue section 7).

Run (builds a throwaway cluster, installs the addons, then runs this file):

    tests/benchmarks/run.sh bench_trace.py [--scale 1.0] [--repeat 5] [--skip-report]

With KEEP=1 the cluster stays; running this file again on it (with the Odoo
options run.sh prints) measures the genealogy already there instead of
generating it again.

At scale 1 the generator builds, through the ORM (Odoo's own manufacturing,
receipt and delivery flows, in batches): one raw tubing lot and one pouch lot
received from a supplier -> 100 sub-assembly orders, each consuming the raw lot
and making a sub-assembly lot -> 1,000 finished orders, each consuming a
sub-assembly lot and the pouch lot and making 10 serials (10,000 serials) ->
500 deliveries of 20 serials to 200 customers. It then measures, on the same
database:

(a) Odoo's traceability report driven like a user clicking every line: the raw
    lot's report, every unfoldable line unfolded (``get_lines``, once per move
    line), every "used in" link and every lot link followed (once each), until
    the finished serials and their deliveries are all on screen;
(b) ``stock.lot.md_trace(ids, 'down')`` and ``md_recall_scope(ids)`` as the
    admin user (median of --repeat runs);
(c) the bare recursive SQL (lots reachable over ``stock_move_line_consume_rel``,
    no company filter, no unit-level rules): the floor.

It prints the times and the ratios a/b and b/c; targets on 2 cores: recall scope
under 1 s, at least 50x faster than (a), within 3x of (c).
"""

import gc
import statistics
import sys
import time

from bench_options import bench_parser, parse_options

import odoo
from odoo import Command, api
from odoo.tools import SQL


def parse_args():
    parser = bench_parser(__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full genealogy (default 1)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of (b) and (c), median reported")
    parser.add_argument("--skip-report", action="store_true", help="do not measure (a)")
    parser.add_argument("--batch", type=int, default=50, help="orders and deliveries validated per batch")
    return parse_options(parser)


def progress(message):
    sys.stderr.write(f"  {time.strftime('%H:%M:%S')} {message}\n")


class Generator:
    """The genealogy, built with Odoo's own flows in batches."""

    def __init__(self, env, scale, batch):
        self.env = env
        self.batch = batch
        self.sub_orders = max(1, round(100 * scale))
        self.finished_orders = max(1, round(1000 * scale))
        self.serials_per_order = 10
        self.deliveries = max(1, round(500 * scale))
        self.customers = max(1, round(200 * scale))
        self.warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        self.stock = self.warehouse.lot_stock_id

    def product(self, name, tracking):
        return self.env["product.product"].create({"name": name, "is_storable": True, "tracking": tracking})

    def run(self):
        env = self.env
        self.tubing = self.product("Bench PVC Tubing", "lot")
        self.pouch = self.product("Bench Tyvek Pouch", "lot")
        self.chamber = self.product("Bench Drip Chamber", "lot")
        self.device = self.product("Bench Infusion Set", "serial")
        supplier = env["res.partner"].create({"name": "Bench Supplier"})
        units = self.finished_orders * self.serials_per_order
        self.raw_lot = self.receive(supplier, self.tubing, "BENCH-TUBE-1", 10.0 * self.sub_orders)
        pouch_lot = self.receive(supplier, self.pouch, "BENCH-POUCH-1", float(units))
        sub_lots = self.manufacture(
            self.chamber,
            [[f"BENCH-DRIP-{index:04d}"] for index in range(self.sub_orders)],
            [[(self.raw_lot, 10.0)] for _index in range(self.sub_orders)],
            qty_each=100.0,
        )
        per_sub = -(-self.finished_orders // self.sub_orders)
        serials = self.manufacture(
            self.device,
            [
                [f"BENCH-SN-{order:05d}-{unit:02d}" for unit in range(self.serials_per_order)]
                for order in range(self.finished_orders)
            ],
            [
                [
                    (sub_lots[order // per_sub], float(self.serials_per_order)),
                    (pouch_lot, float(self.serials_per_order)),
                ]
                for order in range(self.finished_orders)
            ],
            qty_each=1.0,
        )
        customers = env["res.partner"].create(
            [{"name": f"Bench Hospital {index:03d}"} for index in range(self.customers)]
        )
        per_delivery = -(-len(serials) // self.deliveries)
        for start in range(0, self.deliveries, self.batch):
            indexes = range(start, min(start + self.batch, self.deliveries))
            self.deliver(
                [
                    (
                        customers[index % len(customers)],
                        serials[index * per_delivery : (index + 1) * per_delivery],
                    )
                    for index in indexes
                ]
            )
        env.flush_all()
        return self.raw_lot

    def receive(self, partner, product, lot_name, qty):
        picking = self.picking(self.warehouse.in_type_id, partner)
        move = picking.move_ids.create(self.move_vals(picking, product, qty))
        move.move_line_ids = [Command.create(self.line_vals(move, qty, lot_name=lot_name))]
        self.validate(picking)
        return move.move_line_ids.lot_id

    def manufacture(self, product, finished_names, components, qty_each):
        """Done orders: ``finished_names[i]`` lots made by order i from ``components[i]``."""
        made = self.env["stock.lot"]
        for start in range(0, len(finished_names), self.batch):
            names, consumed = (
                finished_names[start : start + self.batch],
                components[start : start + self.batch],
            )
            orders = self.env["mrp.production"].create(
                [
                    {
                        "product_id": product.id,
                        "product_qty": qty_each * len(order_names),
                        "picking_type_id": self.warehouse.manu_type_id.id,
                        "move_raw_ids": [
                            Command.create(
                                {
                                    "product_id": lot.product_id.id,
                                    "product_uom_qty": qty,
                                    "location_id": self.stock.id,
                                    "location_dest_id": lot.product_id.property_stock_production.id,
                                }
                            )
                            for lot, qty in order_components
                        ],
                    }
                    for order_names, order_components in zip(names, consumed, strict=True)
                ]
            )
            orders.action_confirm()
            orders.move_raw_ids.move_line_ids.unlink()
            line_vals = []
            for order, order_names, order_components in zip(orders, names, consumed, strict=True):
                for move, (lot, qty) in zip(order.move_raw_ids, order_components, strict=True):
                    line_vals.append(self.line_vals(move, qty, lot=lot))
                lots = self.env["stock.lot"].create(
                    [{"name": name, "product_id": product.id} for name in order_names]
                )
                finished_move = order.move_finished_ids.filtered(
                    lambda move, order=order: move.product_id == order.product_id
                )
                finished_move.move_line_ids.unlink()
                # not picked: Odoo sets the finished quantity from qty_producing when done
                line_vals += [
                    dict(self.line_vals(finished_move, qty_each, lot=lot), picked=False) for lot in lots
                ]
                order.qty_producing = order.product_qty
                made |= lots
            self.env["stock.move.line"].create(line_vals)
            orders.move_raw_ids.picked = True
            orders.with_context(skip_consumption=True, skip_backorder=True).button_mark_done()
            assert set(orders.mapped("state")) == {"done"}, orders.mapped("state")
            self.env.flush_all()
            self.env.invalidate_all()
            progress(f"{product.name}: {start + len(orders)}/{len(finished_names)} orders done")
        return made

    def deliver(self, shipments):
        pickings = self.env["stock.picking"]
        line_vals = []
        for partner, lots in shipments:
            picking = self.picking(self.warehouse.out_type_id, partner)
            moves = self.env["stock.move"].create(
                [self.move_vals(picking, lot.product_id, 1.0) for lot in lots]
            )
            line_vals += [self.line_vals(move, 1.0, lot=lot) for move, lot in zip(moves, lots, strict=True)]
            pickings |= picking
        self.env["stock.move.line"].create(line_vals)
        self.validate(pickings)
        self.env.flush_all()
        self.env.invalidate_all()
        progress(f"{len(pickings)} deliveries done")

    def picking(self, picking_type, partner):
        return self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "location_id": picking_type.default_location_src_id.id
                or self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": picking_type.default_location_dest_id.id
                or self.env.ref("stock.stock_location_customers").id,
            }
        )

    def move_vals(self, picking, product, qty):
        return {
            "name": product.name,
            "product_id": product.id,
            "product_uom_qty": qty,
            "picking_id": picking.id,
            "location_id": picking.location_id.id,
            "location_dest_id": picking.location_dest_id.id,
        }

    def line_vals(self, move, qty, lot=None, lot_name=None):
        vals = {
            "move_id": move.id,
            "product_id": move.product_id.id,
            "quantity": qty,
            "location_id": move.location_id.id,
            "location_dest_id": move.location_dest_id.id,
            "picking_id": move.picking_id.id,
            "picked": True,
        }
        if lot:
            vals["lot_id"] = lot.id
        if lot_name:
            vals["lot_name"] = lot_name
        return vals

    def validate(self, pickings):
        pickings.action_confirm()
        pickings.move_ids.picked = True
        pickings.with_context(skip_backorder=True, skip_sms=True).button_validate()
        assert set(pickings.mapped("state")) == {"done"}, pickings.mapped("state")


def standard_report_walk(env, lot):
    """Odoo's traceability report clicked through: returns (get_lines calls, lines shown, lots opened)."""
    report = env["stock.traceability.report"]
    reports = [{"active_id": lot.id, "model": "stock.lot"}]
    opened_lots, followed, unfolded = {lot.id}, set(), set()
    calls = shown = 0
    while reports:
        context = reports.pop()
        pending = report.get_main_lines(context)
        calls += 1
        while pending:
            line = pending.pop()
            shown += 1
            key = (line["model"], line["model_id"])
            if line["unfoldable"] and key not in unfolded:
                unfolded.add(key)
                pending += report.with_context(context).get_lines(
                    line["id"], model_id=line["model_id"], model_name=line["model"], level=line["level"] + 30
                )
                calls += 1
            if line["is_used"] and key not in followed:
                followed.add(key)
                reports.append(
                    {"active_id": line["model_id"], "model": line["model"], "lot_name": line["lot_name"]}
                )
            if line["lot_id"] and line["lot_id"] not in opened_lots:
                opened_lots.add(line["lot_id"])
                reports.append({"active_id": line["lot_id"], "model": "stock.lot"})
    return calls, shown, len(opened_lots)


# The lots made from the raw lot (%s), by the manufacturing links alone.
BARE_DOWN = """
WITH RECURSIVE down(lot_id) AS (
    SELECT %s
  UNION
    SELECT out_ml.lot_id
      FROM down
      JOIN stock_move_line ml ON ml.lot_id = down.lot_id AND ml.state = 'done'
      JOIN stock_move_line_consume_rel rel ON rel.produce_line_id = ml.id
      JOIN stock_move_line out_ml ON out_ml.id = rel.consume_line_id
     WHERE out_ml.lot_id IS NOT NULL
)"""

BARE_SQL = (
    BARE_DOWN
    + """
SELECT lot_id FROM down
"""
)

# The bare SQL of the whole recall scope over the same links: BARE_SQL's lots, their on-hand
# quants and their deliveries to customers by partner, in one statement, with none of the
# scope's rules (no company filter, no return netting, no unbuild or repair links).
BARE_SCOPE_SQL = (
    BARE_DOWN
    + """,
stock AS (
    SELECT q.lot_id, q.location_id, SUM(q.quantity)
      FROM down
      JOIN stock_quant q ON q.lot_id = down.lot_id
      JOIN stock_location loc ON loc.id = q.location_id AND loc.usage = 'internal'
     GROUP BY q.lot_id, q.location_id
),
consignees AS (
    SELECT pick.partner_id, ml.lot_id, SUM(ml.quantity)
      FROM down
      JOIN stock_move_line ml ON ml.lot_id = down.lot_id AND ml.state = 'done'
      JOIN stock_location dest ON dest.id = ml.location_dest_id AND dest.usage = 'customer'
      JOIN stock_picking pick ON pick.id = ml.picking_id
     GROUP BY pick.partner_id, ml.lot_id
)
SELECT (SELECT count(*) FROM down), (SELECT count(*) FROM stock), (SELECT count(*) FROM consignees)
"""
)


def timed(function, repeat, collector=False):
    """Median time of ``repeat`` runs of ``function`` and its last result.

    As ``timeit`` does, Python's garbage collector is off during each run
    (``collector=False``), after a collection: in an Odoo process a full
    collection walks a few hundred thousand objects (about 200 ms here) and
    strikes whichever run happens to cross its threshold.
    """
    times, result = [], None
    for _run in range(repeat):
        gc.collect()
        if not collector:
            gc.disable()
        try:
            start = time.perf_counter()
            result = function()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return statistics.median(times), result


def main():
    args = parse_args()
    db = odoo.tools.config["db_name"]
    from odoo.addons.md_udi_trace.models import genealogy  # after parse_config: the addons path

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True})
        admin = env.ref("base.user_admin")
        start = time.perf_counter()
        raw_lot = env["stock.lot"].search([("name", "=", "BENCH-TUBE-1")])
        if raw_lot:
            progress("genealogy already generated: measuring it")
            generation = None
        else:
            raw_lot = Generator(env(user=admin), args.scale, args.batch).run()
            cr.commit()
            generation = time.perf_counter() - start
        cr.execute("ANALYZE")
        counts = {}
        for table in (
            "stock_lot",
            "stock_move_line",
            "stock_move_line_consume_rel",
            "mrp_production",
            "stock_picking",
        ):
            cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
            counts[table] = cr.fetchone()[0]

        env = api.Environment(cr, admin.id, {})
        lot = env["stock.lot"].browse(raw_lot.id)
        trace_time, trace_rows = timed(lambda: lot.md_trace("down"), args.repeat)
        recall_time, scope = timed(lambda: lot.md_recall_scope(), args.repeat)
        recall_gc_time, _scope = timed(lambda: lot.md_recall_scope(), args.repeat, collector=True)
        bare_time, bare_rows = timed(lambda: (cr.execute(BARE_SQL, [lot.id]), cr.fetchall())[1], args.repeat)
        query = genealogy.trace_query(genealogy.DOWN, lot.ids, env.companies.ids)
        cr.execute("SET LOCAL jit = off")  # as genealogy runs it
        cr.execute(SQL("EXPLAIN (ANALYZE, FORMAT TEXT) %s", query))
        plan = [row[0] for row in cr.fetchall()]
        progress("measuring")
        if args.skip_report:
            report_time, report_stats = None, None
        else:
            start = time.perf_counter()
            report_stats = standard_report_walk(env, lot)
            report_time = time.perf_counter() - start

    out = sys.stdout.write
    made = "generated earlier" if generation is None else f"generated in {generation:.0f} s"
    out(f"\nGenealogy benchmark (scale {args.scale}), {made}\n")
    out("  " + ", ".join(f"{table} {count}" for table, count in counts.items()) + "\n")
    out(
        f"  raw lot reaches {len(trace_rows)} lots downstream ({len(bare_rows) - 1} by the bare SQL), "
        f"{len(scope['customers'])} customer rows, {len(scope['stock'])} stock rows\n\n"
    )
    out(f"  {'measure':58} {'seconds':>10}\n")
    if report_time is not None:
        calls, shown, lots = report_stats
        label = f"(a) standard report, {calls} get_lines calls, {shown} lines, {lots} lots"
        out(f"  {label:58} {report_time:10.3f}\n")
    out(f"  {'(b) md_trace(raw lot, down)':58} {trace_time:10.4f}\n")
    out(f"  {'(b) md_recall_scope(raw lot)':58} {recall_time:10.4f}\n")
    out(f"  {'(b) md_recall_scope(raw lot), garbage collector on':58} {recall_gc_time:10.4f}\n")
    out(f"  {'(c) bare recursive SQL':58} {bare_time:10.4f}\n\n")
    if report_time is not None:
        out(f"  a/b (recall scope)   {report_time / recall_time:10.1f}x   (target >= 50x)\n")
    out(f"  b/c (recall scope)   {recall_time / bare_time:10.2f}x   (target <= 3x)\n")
    out(f"  b/c (md_trace)       {trace_time / bare_time:10.2f}x\n")
    out(f"  recall scope {'under' if recall_time < 1 else 'OVER'} 1 s\n\n")
    executed = [line.strip() for line in plan if "never executed" not in line]
    scans = [line.split("(")[0].removeprefix("->").strip() for line in executed if " Scan " in line]
    out("  EXPLAIN ANALYZE of the md_trace query, scans executed:\n")
    for scan in sorted(set(scans)):
        out(f"    {scans.count(scan)} x {scan}\n")
    out(f"    {executed[-1]}\n")


if __name__ == "__main__":
    main()
