"""Benchmark: receiving N serial numbers by scan into one receipt (issue section 7).

Three identical receipts of a serial-tracked device:
- batch: the N scans uploaded with ``md.scan.scan_batch`` in chunks (a handheld scanner's
  buffer; one call and transaction per chunk), every scan checked by the scan rules and its
  serial number created with the label's dates;
- orm: the same N move lines through the standard ORM path (one ``stock.move.line.create``
  with lot names, no rule checked, no lot created yet: Odoo creates them at validation);
- orm+lots: the same N serial numbers created by one ``stock.lot.create`` (with their expiry
  dates, as the labels give them) and the N move lines on them by one
  ``stock.move.line.create``: the records a scan batch leaves, through the ORM, no rule checked;
- single: the pace of one ``md.scan.scan`` call and transaction per scan, as the web client
  sends them, measured on ``--single`` scans (default 500) and extrapolated to N;
- single orm+lot: its floor, one transaction per unit creating its serial number
  (``stock.lot.create``) and its picked move line (``stock.move.line.create``) through the ORM,
  no rule checked: what Odoo itself costs per unit, its recomputation of the move's quantity
  and picked state over every line of the receipt included.
Target: N = 10,000 scans in under 60 s.

Run on a throwaway cluster (every addon installed, no demo data):

    tests/benchmarks/run.sh bench_scan.py [--count 10000] [--chunk 1000] [--single 500]

or against a database with md_udi_trace installed (it adds a product and its receipts):

    python3 tests/benchmarks/bench_scan.py -d DB [--db_host H --db_port P ...] [--count 10000]

On a database with Odoo's stock, mrp, purchase_stock, sale_stock, product_expiry and repair but
not md_udi_trace, the same command measures the ORM paths alone: what Odoo costs without our
addons (their audit trail and rules on lots and move lines).
"""

import random
import threading
import time
from datetime import date, timedelta

from bench_options import bench_parser, parse_options

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry

EXPIRY = date.today() + timedelta(days=3 * 365)


def gtin14(first13):
    """GS1 mod-10 check digit (GenSpecs 7.9.1) appended to 13 digits."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(first13)))
    return first13 + str((10 - total % 10) % 10)


def setup(registry, counts):
    """A serial-tracked device with a fresh DI and one confirmed receipt per count in ``counts``."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        di = gtin14("09" + "".join(random.choices("0123456789", k=11)))
        product = env["product.product"].create(
            {
                "name": f"Benchmark Stent {di}",
                "is_storable": True,
                "tracking": "serial",
                "use_expiration_date": True,
                # without md_udi_trace (Odoo only) the product has no UDI-DI
                **({"md_udi_di": di} if "md_udi_di" in env["product.product"] else {}),
            }
        )
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        supplier = env["res.partner"].create({"name": f"Benchmark Supplier {di}"})
        receipts = env["stock.picking"]
        for count in counts:
            receipts |= env["stock.picking"].create(
                {
                    "picking_type_id": warehouse.in_type_id.id,
                    "partner_id": supplier.id,
                    "location_id": supplier.property_stock_supplier.id,
                    "location_dest_id": warehouse.lot_stock_id.id,
                    "move_ids": [
                        Command.create(
                            {"name": product.name, "product_id": product.id, "product_uom_qty": count}
                        )
                    ],
                }
            )
        # Confirmed, without the move lines Odoo prepares for a receipt: every path starts
        # from an empty receipt and creates its lines.
        receipts.move_ids._action_confirm()
        receipts.move_line_ids.unlink()
        return di, receipts.ids, env.ref("base.user_admin").id


def bench_scans(registry, uid, di, receipt_id, count, run):
    """Time ``count`` scans; prints the pace of each tenth so that growth with the receipt's size shows."""
    expiry = EXPIRY.strftime("%y%m%d")
    step = max(count // 10, 1)
    cpu = time.process_time()
    start = lap = time.perf_counter()
    for index in range(count):
        with registry.cursor() as cr:
            env = api.Environment(cr, uid, {})
            env["md.scan"].scan("stock.picking", receipt_id, f"01{di}17{expiry}21{run}S{index:06d}")
        if (index + 1) % step == 0:
            now = time.perf_counter()
            print(
                f"  scans {index + 2 - step:>6}-{index + 1:<6} {(now - lap) / step * 1000:7.2f} ms/scan",
                flush=True,
            )
            lap = now
    return time.perf_counter() - start, time.process_time() - cpu


def bench_batch(registry, uid, di, receipt_id, count, chunk, run):
    """Time ``count`` scans uploaded with ``scan_batch``, ``chunk`` per call and transaction."""
    expiry = EXPIRY.strftime("%y%m%d")
    raws = [f"01{di}17{expiry}21{run}B{index:06d}" for index in range(count)]
    cpu = time.process_time()
    start = time.perf_counter()
    thread = threading.current_thread()  # odoo.sql_db adds each statement's time to these
    for first in range(0, count, chunk):
        lap = time.perf_counter()
        thread.query_count, thread.query_time = 0, 0.0
        with registry.cursor() as cr:
            env = api.Environment(cr, uid, {})
            env["md.scan"].scan_batch("stock.picking", receipt_id, raws[first : first + chunk])
        size = min(chunk, count - first)
        print(
            f"  batch {first + 1:>6}-{first + size:<6} "
            f"{(time.perf_counter() - lap) / size * 1000:7.2f} ms/scan, "
            f"{thread.query_count} statements taking {thread.query_time:.2f} s",
            flush=True,
        )
    del thread.query_count, thread.query_time
    return time.perf_counter() - start, time.process_time() - cpu


def picked_line(move, **lot):
    """The values of one picked unit of ``move`` on a lot (``lot_id``) or a lot name."""
    return {
        "move_id": move.id,
        "picking_id": move.picking_id.id,
        "product_id": move.product_id.id,
        "product_uom_id": move.product_uom.id,
        "location_id": move.location_id.id,
        "location_dest_id": move.location_dest_id.id,
        "quantity": 1,
        "picked": True,
        **lot,
    }


def bench_orm(registry, uid, receipt_id, count, run):
    cpu = time.process_time()
    start = time.perf_counter()
    with registry.cursor() as cr:
        env = api.Environment(cr, uid, {})
        move = env["stock.picking"].browse(receipt_id).move_ids
        env["stock.move.line"].create(
            [picked_line(move, lot_name=f"{run}O{index:06d}") for index in range(count)]
        )
        env.flush_all()
    return time.perf_counter() - start, time.process_time() - cpu


def bench_orm_with_lots(registry, uid, receipt_id, count, run):
    cpu = time.process_time()
    start = time.perf_counter()
    with registry.cursor() as cr:
        env = api.Environment(cr, uid, {})
        move = env["stock.picking"].browse(receipt_id).move_ids
        lots = env["stock.lot"].create(
            [
                {
                    "name": f"{run}L{index:06d}",
                    "product_id": move.product_id.id,
                    "expiration_date": EXPIRY,
                }
                for index in range(count)
            ]
        )
        env["stock.move.line"].create([picked_line(move, lot_id=lot.id) for lot in lots])
        env.flush_all()
    return time.perf_counter() - start, time.process_time() - cpu


def bench_single_orm(registry, uid, receipt_id, count, run):
    """The single scan's floor: one transaction per unit creating its lot and its picked line."""
    cpu = time.process_time()
    start = time.perf_counter()
    for index in range(count):
        with registry.cursor() as cr:
            env = api.Environment(cr, uid, {})
            move = env["stock.picking"].browse(receipt_id).move_ids
            lot = env["stock.lot"].create(
                {"name": f"{run}U{index:06d}", "product_id": move.product_id.id, "expiration_date": EXPIRY}
            )
            env["stock.move.line"].create(picked_line(move, lot_id=lot.id))
    return time.perf_counter() - start, time.process_time() - cpu


def check(registry, receipt_counts):
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        for receipt_id, count in receipt_counts:
            receipt = env["stock.picking"].browse(receipt_id)
            lines = receipt.move_line_ids
            assert len(lines) == count and receipt.move_ids.quantity == count, (receipt.name, len(lines))


def main():
    parser = bench_parser(__doc__)
    parser.add_argument("--count", type=int, default=10000, help="serial numbers per receipt (default 10000)")
    parser.add_argument("--chunk", type=int, default=1000, help="scans per scan_batch call (default 1000)")
    parser.add_argument("--single", type=int, default=500, help="single scans timed (default 500)")
    args = parse_options(parser)
    db = odoo.tools.config["db_name"]
    registry = Registry(db)
    if "md.scan" not in registry:
        return main_odoo_only(registry, args)
    run = "".join(random.choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=4))
    di, (batch_receipt, orm_receipt, lots_receipt, single_receipt, floor_receipt), uid = setup(
        registry, [args.count, args.count, args.count, args.single, args.single]
    )
    batch_s, batch_cpu = bench_batch(registry, uid, di, batch_receipt, args.count, args.chunk, run)
    orm_s, orm_cpu = bench_orm(registry, uid, orm_receipt, args.count, run)
    lots_s, lots_cpu = bench_orm_with_lots(registry, uid, lots_receipt, args.count, run)
    single_s, single_cpu = bench_scans(registry, uid, di, single_receipt, args.single, run)
    floor_s, floor_cpu = bench_single_orm(registry, uid, floor_receipt, args.single, run)
    check(
        registry,
        [
            (batch_receipt, args.count),
            (orm_receipt, args.count),
            (lots_receipt, args.count),
            (single_receipt, args.single),
            (floor_receipt, args.single),
        ],
    )
    single_ms = single_s / args.single * 1000
    print(f"batch:  {args.count} serials by scan_batch, {args.chunk} scans per call and transaction")
    print(
        f"        {batch_s:.1f} s wall, {batch_cpu:.1f} s Odoo process CPU, "
        f"{batch_s / args.count * 1000:.2f} ms per scan"
    )
    print_orm(args, orm_s, orm_cpu, lots_s, lots_cpu)
    print(f"single: {args.single} serials, one md.scan.scan call and transaction each")
    print(f"        {single_s:.1f} s wall, {single_cpu:.1f} s CPU, {single_ms:.2f} ms per scan")
    floor_ms = print_single_orm(args, floor_s, floor_cpu)
    print(
        f"ratio single/single orm+lot: {single_ms / floor_ms:.2f}x; "
        f"what the scan adds to Odoo's own cost: {single_ms - floor_ms:.2f} ms per scan"
    )
    print(
        f"ratio batch/orm: {batch_s / orm_s:.2f}x, batch/orm+lots: {batch_s / lots_s:.2f}x; "
        f"single scans extrapolated to {args.count}: {single_ms * args.count / 1000:.0f} s"
    )
    print(f"target: {args.count} scans under 60 s by batch -> {'met' if batch_s < 60 else 'MISSED'}")


def main_odoo_only(registry, args):
    """On a database without md_udi_trace (Odoo's stock, mrp, purchase_stock, sale_stock,
    product_expiry and repair only): the ORM paths alone, what Odoo costs without our addons."""
    run = "".join(random.choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=4))
    _di, (orm_receipt, lots_receipt, floor_receipt), uid = setup(
        registry, [args.count, args.count, args.single]
    )
    orm_s, orm_cpu = bench_orm(registry, uid, orm_receipt, args.count, run)
    lots_s, lots_cpu = bench_orm_with_lots(registry, uid, lots_receipt, args.count, run)
    floor_s, floor_cpu = bench_single_orm(registry, uid, floor_receipt, args.single, run)
    check(registry, [(orm_receipt, args.count), (lots_receipt, args.count), (floor_receipt, args.single)])
    print("Odoo only (md_udi_trace not installed):")
    print_orm(args, orm_s, orm_cpu, lots_s, lots_cpu)
    print_single_orm(args, floor_s, floor_cpu)


def print_orm(args, orm_s, orm_cpu, lots_s, lots_cpu):
    print(f"orm:    {args.count} move lines, one stock.move.line.create with lot names")
    print(f"        {orm_s:.1f} s wall, {orm_cpu:.1f} s Odoo process CPU")
    print(f"orm+lots: {args.count} serial numbers by stock.lot.create, then their move lines")
    print(f"        {lots_s:.1f} s wall, {lots_cpu:.1f} s Odoo process CPU")


def print_single_orm(args, floor_s, floor_cpu):
    floor_ms = floor_s / args.single * 1000
    print(f"single orm+lot: {args.single} serials, one lot and move line create per transaction")
    print(f"        {floor_s:.1f} s wall, {floor_cpu:.1f} s CPU, {floor_ms:.2f} ms per unit")
    return floor_ms


if __name__ == "__main__":
    main()
