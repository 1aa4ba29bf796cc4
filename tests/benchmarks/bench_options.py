"""Command line of the benchmarks: tests/benchmarks/run.sh passes the Odoo options of its
cluster, then "--", then the benchmark's own options."""

import argparse
import sys

import odoo


def bench_parser(description):
    return argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )


def parse_options(parser):
    """The benchmark's options; Odoo's are loaded into odoo.tools.config. Exits without a database."""
    argv = sys.argv[1:]
    if "--" in argv:
        split = argv.index("--")
        odoo_args, args = argv[:split], parser.parse_args(argv[split + 1 :])
    else:
        args, odoo_args = parser.parse_known_args(argv)
    odoo.tools.config.parse_config(odoo_args)
    if not odoo.tools.config["db_name"]:
        sys.exit("give the database: -d DB")
    return args
