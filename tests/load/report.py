"""Prints the figures of a locust run from its CSV files: per action and per request the count, the
errors and p50/p95/p99, then the failures. Exits 1 when anything failed.

  python3 report.py PREFIX      # PREFIX as given to locust --csv (PREFIX_stats.csv, ...)

Rows of type ACTION time a whole user action (all its requests, see locustfile.py); POOL rows are
prepared records that ran out. Requests are the HTTP calls.
"""

import csv
import sys
from pathlib import Path

COLUMNS = ("Request Count", "Failure Count", "50%", "95%", "99%")


def rows(path):
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def print_table(title, stats):
    if not stats:
        return
    width = max(len(row["Name"]) for row in stats)
    print(f"\n{title:<{width}}  {'count':>7} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for row in sorted(stats, key=lambda row: row["Name"]):
        count, errors, p50, p95, p99 = (row[column] for column in COLUMNS)
        print(f"{row['Name']:<{width}}  {count:>7} {errors:>6} {p50:>7} {p95:>7} {p99:>7}")


def main(prefix):
    stats = rows(Path(f"{prefix}_stats.csv"))
    if not stats:
        print(f"FAIL no statistics in {prefix}_stats.csv: locust did not run (see its log)")
        return 1
    kinds = {kind: [row for row in stats if row["Type"] == kind] for kind in ("ACTION", "POOL")}
    requests = [row for row in stats if row["Type"] not in ("ACTION", "POOL", "")]
    print_table("user action", kinds["ACTION"])
    print_table("request", requests)
    total = sum(int(row["Request Count"]) for row in requests)
    failed = sum(int(row["Failure Count"]) for row in requests)
    # Locust gives rates, not the run's length: the Aggregated row's count over its rate is the length.
    [aggregated] = [row for row in stats if row["Name"] == "Aggregated"]
    seconds = int(aggregated["Request Count"]) / float(aggregated["Requests/s"])
    actions = sum(int(row["Request Count"]) for row in kinds["ACTION"])
    failed_actions = sum(int(row["Failure Count"]) for row in kinds["ACTION"])
    exhausted = sum(int(row["Failure Count"]) for row in kinds["POOL"])
    print(
        f"\n{total} requests ({total / seconds:.1f}/s), {failed} failed; {actions} user actions, "
        f"{failed_actions} failed; {exhausted} times a pool of prepared records was empty"
    )
    for row in rows(Path(f"{prefix}_failures.csv")):
        print(f"FAIL {row['Occurrences']} x {row['Method']} {row['Name']}: {row['Error']}")
    exceptions = rows(Path(f"{prefix}_exceptions.csv"))
    for row in exceptions:
        print(f"FAIL {row['Count']} x exception in the locustfile: {row['Message']}\n{row['Traceback']}")
    return 1 if failed or failed_actions or exhausted or exceptions else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
