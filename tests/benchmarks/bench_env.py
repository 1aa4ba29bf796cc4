"""Benchmark: a year of 5-minute readings from 50 data loggers, uploaded and scanned for excursions.

Each logger's year (105,120 readings, the size of one logger export) goes through
``md.env.reading.md_ingest`` as one batch: every row checked, one COPY, then the excursion scan
of its place (one statement per place for the limits, one for the gaps) and, for each
excursion, the lots that were in the place from the move history (one statement). Printed: the
time and the SQL statements of each batch, the total, rows per second, excursions and lots held.

Against the standard Odoo path in the same run: the ORM ``create`` of the same readings (Odoo's
own ``BaseModel.create``, as a model without the intake would store them), on a sample of one
logger's readings, scaled per row; and a Python scan of one place's readings read through the
ORM, against the SQL scan.

Run against a database with md_udi_trace installed (it adds places, loggers, lots and moves):

    python3 tests/benchmarks/bench_env.py -d DB [--loggers 50] [--days 365] [--sample 20000]

or on a throwaway cluster: ``tests/benchmarks/run.sh bench_env.py``. Everything is rolled back.
"""

import math
import random
import time
from datetime import datetime, timedelta

from bench_options import bench_parser, parse_options

import odoo
from odoo import Command, api, models
from odoo.modules.registry import Registry

STEP_MINUTES = 5
START = datetime(2025, 1, 1)


def build_places(env, count, days):
    """One cold room per logger, each with 40 lots moved in during the year."""
    stock = env.ref("stock.stock_location_stock")
    supplier = env.ref("stock.stock_location_suppliers")
    product = env["product.product"].create({"name": "Bench reagent", "is_storable": True, "tracking": "lot"})
    loggers = env["md.env.logger"]
    for index in range(count):
        room = env["stock.location"].create({"name": f"Bench room {index}", "location_id": stock.id})
        place = env["md.env.place"].create(
            {
                "name": f"Bench room {index}",
                "location_id": room.id,
                "temp_min": 2,
                "temp_max": 8,
                "max_interval": 15,
            }
        )
        loggers |= env["md.env.logger"].create(
            {
                "serial": f"BENCH-{index:03d}",
                "place_id": place.id,
                "tz": "Asia/Shanghai",
                "calibration_due": "2099-01-01",
            }
        )
        lots = env["stock.lot"].create(
            [{"name": f"BR-{index}-{n}", "product_id": product.id} for n in range(40)]
        )
        move = env["stock.move"].create(
            {
                "name": "bench receipt",
                "product_id": product.id,
                "product_uom_qty": len(lots),
                "location_id": supplier.id,
                "location_dest_id": room.id,
                "state": "done",
                "move_line_ids": [
                    Command.create({"product_id": product.id, "lot_id": lot.id, "quantity": 1,
                                    "location_id": supplier.id, "location_dest_id": room.id})
                    for lot in lots
                ],
            }
        )  # fmt: skip
        for offset, line in enumerate(move.move_line_ids):
            line.date = START + timedelta(days=offset * days / len(lots))
    env.flush_all()
    return loggers


def year_of_readings(serial, days, rng):
    """5-minute readings around 5 °C, with a dozen door openings (9-11 °C for 20-60 minutes)
    and a few gaps of 30 minutes."""
    count = days * 24 * 60 // STEP_MINUTES
    warm = {start + k for start in rng.sample(range(count - 12), 12) for k in range(rng.randint(4, 12))}
    missing = {start + k for start in rng.sample(range(count - 6), 3) for k in range(6)}
    rows = []
    for step in range(count):
        if step in missing:
            continue
        moment = START + timedelta(minutes=STEP_MINUTES * step)
        temperature = rng.uniform(9, 11) if step in warm else 5 + 1.5 * math.sin(step / 288 * 2 * math.pi)
        rows.append(
            {"logger": serial, "measured_at": moment.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
             "temperature": round(temperature, 2), "humidity": 50.0}
        )  # fmt: skip
    return rows


def ingest_all(env, loggers, days):
    rng = random.Random(7)
    totals = {"rows": 0, "seconds": 0.0, "statements": 0, "excursions": 0}
    for logger in loggers:
        rows = year_of_readings(logger.serial, days, rng)
        before = env.cr.sql_log_count
        start = time.perf_counter()
        result = env["md.env.reading"].md_ingest(rows)
        seconds = time.perf_counter() - start
        assert not result["errors"], result["errors"][:3]
        statements = env.cr.sql_log_count - before
        totals["rows"] += result["stored"]
        totals["seconds"] += seconds
        totals["statements"] += statements
        totals["excursions"] += len(result["excursion_ids"])
        print(
            f"  {logger.serial}: {result['stored']:,} readings in {seconds:.2f} s, {statements} statements, "
            f"{len(result['excursion_ids'])} excursions"
        )
    return totals


def orm_create_per_row(env, logger, sample):
    """Odoo's own BaseModel.create of ``sample`` readings (the path the intake replaces)."""
    Reading = env["md.env.reading"]
    rows = [
        {"logger_id": logger.id, "place_id": logger.place_id.id, "company_id": logger.company_id.id,
         "measured_at": START + timedelta(days=400, minutes=STEP_MINUTES * step), "temperature": 5.0}
        for step in range(sample)
    ]  # fmt: skip
    start = time.perf_counter()
    models.BaseModel.create(Reading, rows)
    env.flush_all()
    return (time.perf_counter() - start) / sample


def python_scan(env, place):
    """The naive scan: every reading of the place through the ORM, walked in Python."""
    start = time.perf_counter()
    readings = env["md.env.reading"].search_read(
        [("place_id", "=", place.id)], ["measured_at", "temperature"], order="measured_at"
    )
    islands, previous_outside, previous = 0, False, None
    for reading in readings:
        outside = not place.temp_min <= reading["temperature"] <= place.temp_max
        islands += outside and not previous_outside
        gap = previous and reading["measured_at"] - previous > timedelta(minutes=place.max_interval)
        islands += bool(gap)
        previous_outside, previous = outside, reading["measured_at"]
    return time.perf_counter() - start, islands


def sql_scan(env, place):
    Excursion = env["md.env.excursion"]
    start = time.perf_counter()
    found = Excursion._md_scan_limits(place, START) + Excursion._md_scan_gaps(place, START)
    return time.perf_counter() - start, len(found)


def main():
    parser = bench_parser(__doc__)
    parser.add_argument("--loggers", type=int, default=50, help="data loggers, one place each (default 50)")
    parser.add_argument("--days", type=int, default=365, help="days of 5-minute readings (default 365)")
    parser.add_argument(
        "--sample", type=int, default=20000, help="readings created by the ORM (default 20000)"
    )
    args = parse_options(parser)
    db = odoo.tools.config["db_name"]
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        print(f"setting up {args.loggers} places, loggers and 40 lots each")
        loggers = build_places(env, args.loggers, args.days)
        print(f"ingesting {args.days} days of {STEP_MINUTES}-minute readings per logger")
        totals = ingest_all(env, loggers, args.days)
        held = env["md.lot.hold"].search_count([("res_model", "=", "md.env.excursion")])
        per_row = totals["seconds"] / totals["rows"]
        print(
            f"md_ingest: {totals['rows']:,} readings in {totals['seconds']:.1f} s "
            f"({totals['rows'] / totals['seconds']:,.0f} rows/s, {per_row * 1e6:.1f} µs/row), "
            f"{totals['statements']:,} SQL statements, {totals['excursions']} excursions, {held} lots held"
        )
        orm = orm_create_per_row(env, loggers[0], args.sample)
        print(
            f"ORM create (BaseModel.create, {args.sample:,} readings): {orm * 1e6:.1f} µs/row "
            f"-> md_ingest is {orm / per_row:.1f}x faster per row, checks and excursion scan included"
        )
        place = loggers[0].place_id
        naive_seconds, naive_found = python_scan(env, place)
        sql_seconds, sql_found = sql_scan(env, place)
        print(
            f"scan of one place's year: SQL {sql_seconds * 1000:.0f} ms ({sql_found} excursions), "
            f"ORM read + Python walk {naive_seconds * 1000:.0f} ms ({naive_found}) "
            f"-> {naive_seconds / sql_seconds:.1f}x"
        )
        cr.rollback()


if __name__ == "__main__":
    main()
