"""Benchmark: the go-live migration of opening stock (issue 15, section 3: "100,000 opening lots
import in minutes, measured").

Builds a workbook of D devices (default 100) and N opening lots (default 100,000) spread over L
internal locations (default 20), then times, each in its own transaction:

1. the dry run (every server rule, then rolled back);
2. the import (all or nothing) and its reconciliation, which must match (rolled back after);
3. the standard Odoo path for C of the same lots (default 10,000): ``stock.lot`` created in
   one call, then an inventory adjustment (``stock.quant`` in inventory mode and
   ``action_apply_inventory``), rolled back. The ratio compares the time per lot.

Run against a database with the MedDev addons installed:

    python3 tests/benchmarks/bench_migration.py -d DB [--db_host H ...] -- [--lots 100000]

or on a throwaway cluster: ``tests/benchmarks/run.sh bench_migration.py --lots 100000``.
"""

import base64
import io
import random
import time
from datetime import date, timedelta

import openpyxl
from bench_options import bench_parser, parse_options

import odoo
from odoo import api
from odoo.modules.registry import Registry


def gtin14(rng):
    digits = "0" + "".join(rng.choice("0123456789") for _ in range(12))
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return digits + str((10 - total % 10) % 10)


def workbook(template, tag, devices, lots, locations, rng):
    book = openpyxl.Workbook(write_only=True)
    source = openpyxl.load_workbook(io.BytesIO(template), read_only=True)
    for title in source.sheetnames:
        sheet = book.create_sheet(title)
        keys = [cell.value for cell in next(source[title].iter_rows(max_row=1))]
        sheet.append(keys)
        sheet.append([])  # the labels row of the template
        if title.startswith("Devices"):
            for index in range(devices):
                sheet.append(device_row(keys, f"{tag}-{index}", gtin14(rng)))
        if title.startswith("Opening stock"):
            for index in range(lots):
                sheet.append(
                    stock_row(
                        keys, f"{tag}-{index % devices}", f"{tag}-L{index}", locations[index % len(locations)]
                    )
                )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def device_row(keys, code, di):
    values = {
        "default_code": code,
        "name": f"Benchmark device {code}",
        "tracking": "lot",
        "udi_di": di,
        "udi_issuer": "gs1",
        "shelf_life_days": 1095,
        "risk_class_cn": "II",
    }
    return [values.get(key) for key in keys]


def stock_row(keys, code, lot, location):
    expiry = date(2028, 1, 1) + timedelta(days=hash(lot) % 300)
    values = {
        "default_code": code,
        "lot": lot,
        "location": location,
        "quantity": 10,
        "expiry_date": expiry,
        "status": "released",
    }
    return [values.get(key) for key in keys]


def setup_locations(env, count):
    stock = env.ref("stock.stock_location_stock")
    names = [f"Bench {random.randint(0, 10**9)}-{index}" for index in range(count)]
    locations = env["stock.location"].create([{"name": name, "location_id": stock.id} for name in names])
    return locations.mapped("complete_name")


def run_migration(registry, data):
    """Dry run, then import, of the workbook in one transaction rolled back at the end."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        migration = (
            env["md.migration"]
            .with_user(env.ref("base.user_admin"))
            .create({"file": base64.b64encode(data), "file_name": "bench.xlsx"})
        )
        started = time.perf_counter()
        migration.action_dry_run()
        dry_run = time.perf_counter() - started
        print(
            f"dry run: {dry_run:.1f} s, state {migration.state}, first refusals "
            f"{migration.issue_ids[:5].mapped(lambda i: (i.sheet, i.row, i.message))}"
        )
        started = time.perf_counter()
        migration.action_import()
        imported = time.perf_counter() - started
        matched = migration.reconciled
        print(
            f"import: {imported:.1f} s, state {migration.state}, reconciliation "
            f"{'matches' if matched else 'DIFFERS'} on {len(migration.count_ids)} lines"
        )
        cr.rollback()
    return imported


def standard_path(registry, tag, count, devices, location_names):
    """Odoo's own path for the same lots: lots created in one call, then an inventory adjustment."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        products = env["product.product"].create(
            [
                {
                    "name": f"Std {tag}-{i}",
                    "is_storable": True,
                    "tracking": "lot",
                    "use_expiration_date": True,
                }
                for i in range(devices)
            ]
        )
        locations = env["stock.location"].search([("complete_name", "in", location_names)])
        started = time.perf_counter()
        lots = env["stock.lot"].create(
            [
                {
                    "name": f"STD-{tag}-{i}",
                    "product_id": products[i % devices].id,
                    "expiration_date": "2028-01-01 12:00:00",
                }
                for i in range(count)
            ]
        )
        quants = (
            env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                [
                    {
                        "product_id": lot.product_id.id,
                        "lot_id": lot.id,
                        "location_id": locations[i % len(locations)].id,
                        "inventory_quantity": 10,
                    }
                    for i, lot in enumerate(lots)
                ]
            )
        )
        quants.action_apply_inventory()
        env.flush_all()
        seconds = time.perf_counter() - started
        cr.rollback()
    return seconds


def main():
    parser = bench_parser(__doc__)
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--locations", type=int, default=20)
    parser.add_argument("--compare", type=int, default=10_000, help="lots of the standard-path comparison")
    args = parse_options(parser)
    registry = Registry(odoo.tools.config["db_name"])
    rng = random.Random(7)
    tag = "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=5))
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        location_names = setup_locations(env, args.locations)
        template = env["md.migration"]._md_template_bytes()
    started = time.perf_counter()
    data = workbook(template, tag, args.devices, args.lots, location_names, rng)
    built = time.perf_counter() - started
    print(f"workbook: {args.devices} devices, {args.lots} lots, {len(data) / 1e6:.1f} MB in {built:.1f} s")
    seconds = run_migration(registry, data)
    print(f"import: {seconds / args.lots * 1000:.2f} ms per lot")
    standard = standard_path(registry, tag, args.compare, args.devices, location_names)
    print(
        f"standard Odoo path (lots + inventory adjustment), {args.compare} lots: {standard:.1f} s, "
        f"{standard / args.compare * 1000:.2f} ms per lot; ratio migration/standard per lot: "
        f"{(seconds / args.lots) / (standard / args.compare):.2f}"
    )


if __name__ == "__main__":
    main()
