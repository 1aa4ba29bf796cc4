#!/usr/bin/env bash
# Runs one benchmark of tests/benchmarks/ on a throwaway cluster:
#   tests/benchmarks/run.sh bench_trace.py [benchmark arguments]
# The cluster is built as tests/run.sh --fast builds it (same cache), every
# project addon is installed without demo data, then the benchmark script runs
# with the Odoo options of that cluster followed by its own arguments. KEEP=1
# keeps the cluster.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 <bench_file> [args]"; exit 2; }
BENCH="$1"; shift
[ -f "$BENCH" ] || BENCH="$ROOT/tests/benchmarks/$BENCH"
[ -f "$BENCH" ] || { echo "no benchmark $BENCH"; exit 2; }

DB=meddev_bench
# shellcheck source=../tools/cluster.sh
source "$ROOT/tests/tools/cluster.sh"
cluster_start || exit 1
echo "installing $ADDONS"
odoo_cmd -d "$DB" -i "$ADDONS" --without-demo=all --stop-after-init --log-level=warn || exit 1
python3 "$BENCH" --db_host="$WORK" --db_port="$PGPORT" --db_user=odoo --data-dir="$WORK/data" \
    --addons-path="$ADDONS_PATH" -d "$DB" --log-level=warn -- "$@"
