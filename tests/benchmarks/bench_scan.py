"""Benchmark: receiving N serial numbers by scan into one receipt (issue section 7).

Each scan is its own call of ``md.scan.scan`` in its own transaction, as the web client and
XML-RPC clients make them; it is timed against creating the same N move lines through the
standard ORM path (one ``stock.move.line.create`` with lot names) on a second, identical
receipt. Target: N = 10,000 scans in under 60 s.

Run on a throwaway cluster (every addon installed, no demo data):

    tests/benchmarks/run.sh bench_scan.py [--count 10000]

or against a database with md_udi_trace installed (it adds a product and two receipts):

    python3 tests/benchmarks/bench_scan.py -d DB [--db_host H --db_port P ...] [--count 10000]
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry

EXPIRY = date.today() + timedelta(days=3 * 365)


def gtin14(first13):
    """GS1 mod-10 check digit (GenSpecs 7.9.1) appended to 13 digits."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(first13)))
    return first13 + str((10 - total % 10) % 10)


def setup(registry, count):
    """A serial-tracked device with a fresh DI and two confirmed receipts of ``count`` units."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        di = gtin14("09" + "".join(random.choices("0123456789", k=11)))
        product = env["product.product"].create(
            {
                "name": f"Benchmark Stent {di}",
                "is_storable": True,
                "tracking": "serial",
                "use_expiration_date": True,
                "md_udi_di": di,
            }
        )
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        receipts = env["stock.picking"]
        for _ in range(2):
            receipts |= env["stock.picking"].create(
                {
                    "picking_type_id": warehouse.in_type_id.id,
                    "partner_id": env.ref("base.main_partner").id,
                    "move_ids": [
                        Command.create(
                            {"name": product.name, "product_id": product.id, "product_uom_qty": count}
                        )
                    ],
                }
            )
        # Confirmed, not assigned: both receipts start without move lines.
        receipts.move_ids._action_confirm()
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


def bench_orm(registry, uid, receipt_id, count, run):
    cpu = time.process_time()
    start = time.perf_counter()
    with registry.cursor() as cr:
        env = api.Environment(cr, uid, {})
        move = env["stock.picking"].browse(receipt_id).move_ids
        env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": move.picking_id.id,
                    "product_id": move.product_id.id,
                    "product_uom_id": move.product_uom.id,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "lot_name": f"{run}O{index:06d}",
                    "quantity": 1,
                    "picked": True,
                }
                for index in range(count)
            ]
        )
        env.flush_all()
    return time.perf_counter() - start, time.process_time() - cpu


def check(registry, receipt_ids, count):
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        for receipt in env["stock.picking"].browse(receipt_ids):
            lines = receipt.move_line_ids
            assert len(lines) == count and receipt.move_ids.quantity == count, (receipt.name, len(lines))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10000, help="serial numbers per receipt (default 10000)")
    argv = sys.argv[1:]
    if "--" in argv:  # tests/benchmarks/run.sh: Odoo options, "--", then this script's
        split = argv.index("--")
        odoo_args, args = argv[:split], parser.parse_args(argv[split + 1 :])
    else:
        args, odoo_args = parser.parse_known_args(argv)
    odoo.tools.config.parse_config(odoo_args)
    db = odoo.tools.config["db_name"]
    if not db:
        sys.exit("give the database: -d DB")
    registry = Registry(db)
    run = "".join(random.choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=4))
    di, (scan_receipt, orm_receipt), uid = setup(registry, args.count)
    scan_s, scan_cpu = bench_scans(registry, uid, di, scan_receipt, args.count, run)
    orm_s, orm_cpu = bench_orm(registry, uid, orm_receipt, args.count, run)
    check(registry, [scan_receipt, orm_receipt], args.count)
    per_scan_ms = scan_s / args.count * 1000
    print(f"scan: {args.count} serials, one md.scan.scan call and transaction each")
    print(f"      {scan_s:.1f} s wall, {scan_cpu:.1f} s Odoo process CPU, {per_scan_ms:.2f} ms per scan")
    print(f"orm:  {args.count} move lines, one stock.move.line.create with lot names")
    print(f"      {orm_s:.1f} s wall, {orm_cpu:.1f} s Odoo process CPU")
    print(f"target: 10000 scans under 60 s -> {'met' if per_scan_ms * 10 < 60 else 'MISSED'}")


if __name__ == "__main__":
    main()
