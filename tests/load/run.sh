#!/usr/bin/env bash
# Load test: a shop floor of simulated web users against the multi-worker server.
#   tests/load/run.sh                          # about 15 minutes: 50 users for 5 minutes
#   LOAD_USERS=5 LOAD_TIME=30s tests/load/run.sh   # smoke run; KEEP=1 keeps the cluster, logs and CSV
# A documented job, NOT part of ./tests/run.sh (too long). It builds a throwaway cluster (from the
# cache of tests/run.sh --fast, see tests/tools/cluster.sh), installs every project addon with demo
# data, prepares users and work with prepare_data.py (LOAD_RECEIPTS, LOAD_INSPECTIONS, LOAD_DHRS),
# starts Odoo with --workers 4, a gevent port, one cron worker and the limits of
# config/odoo-prod.conf, logs a user into each worker, then runs locustfile.py headless
# (LOAD_USERS users started LOAD_SPAWN_RATE per second, for LOAD_TIME) from its own virtualenv
# (tests/load/requirements.txt, in the test cache). Prints p50/p95/p99, requests and errors per
# action and request, and the machine's load; exits non-zero on any failed request or action, an
# exhausted pool of prepared records, or an ERROR/CRITICAL line in the Odoo log.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/tests/load"
[ -d /usr/lib/postgresql/15/bin ] && export PATH="/usr/lib/postgresql/15/bin:$PATH"
for tool in initdb pg_ctl psql curl; do
    command -v "$tool" >/dev/null || { echo "$tool not found: install Debian's postgresql package and curl"; exit 1; }
done

USERS=${LOAD_USERS:-50}
SPAWN_RATE=${LOAD_SPAWN_RATE:-10}
RUN_TIME=${LOAD_TIME:-5m}
WORKERS=4
VENV="${MEDDEV_TEST_CACHE:-$HOME/.cache/meddev-test}/locust-venv"
DB=meddev_load
# shellcheck source=../tools/cluster.sh
source "$ROOT/tests/tools/cluster.sh"
SERVER_PID="" SAMPLER_PID="" POSTMASTER=""
ODOO_LOG_ERROR='^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) '

cleanup() {
    [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null
        for _ in $(seq 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    [ "$KEEP" = 1 ] && echo "kept: $WORK/odoo.log, $WORK/locust.log, $WORK/load_*.csv, $WORK/manifest.json"
    cluster_stop
}

# locust wants newer gevent, greenlet and Werkzeug than Odoo 18 pins: it gets a virtualenv of its own.
locust_venv() {
    cmp -s "$HERE/requirements.txt" "$VENV/requirements.txt" && return 0
    echo "=== installing locust into $VENV"
    python3 -m venv --clear "$VENV" && "$VENV/bin/pip" install -q -r "$HERE/requirements.txt" \
        && cp "$HERE/requirements.txt" "$VENV/requirements.txt"
}

prod_setting() { sed -n "s/^$1 *= *//p" "$ROOT/config/odoo-prod.conf"; }

check_log() {  # log file: no ERROR or CRITICAL line
    grep -qE "$ODOO_LOG_ERROR" "$1" || return 0
    echo "FAIL $1 has ERROR lines:"
    grep -E -A5 "$ODOO_LOG_ERROR" "$1" | head -40
    return 1
}

start_odoo() {
    GEVENT_PORT=$(_free_port)
    # Through tests/tools/odoo_server.py, not python3 -m odoo: see that file (the gevent worker).
    python3 "$ROOT/tests/tools/odoo_server.py" --db_host="$WORK" --db_port="$PGPORT" --db_user=odoo --data-dir="$WORK/data" \
        --addons-path="$ADDONS_PATH" --http-interface=127.0.0.1 --http-port="$HTTP_PORT" \
        --gevent-port="$GEVENT_PORT" --workers="$WORKERS" --max-cron-threads=1 --no-database-list \
        --limit-memory-soft="$(prod_setting limit_memory_soft)" --limit-memory-hard="$(prod_setting limit_memory_hard)" \
        --limit-time-cpu="$(prod_setting limit_time_cpu)" --limit-time-real="$(prod_setting limit_time_real)" \
        --db_maxconn="$(prod_setting db_maxconn)" --db_maxconn_gevent="$(prod_setting db_maxconn_gevent)" \
        -d "$DB" --db-filter="^$DB\$" --log-level=info >"$WORK/odoo.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 120); do
        curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/web/login" && return 0
        sleep 1
    done
    echo "Odoo did not answer"; tail -30 "$WORK/odoo.log"; return 1
}

# A worker's first session in Chinese loads the language's translations (seconds): one login per
# worker, at once so that each worker takes one, before the users arrive.
warm_up() {
    local login password body logins=()
    login=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["logins"]["warehouse"][0])' "$WORK/manifest.json")
    password=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["password"])' "$WORK/manifest.json")
    body="{\"jsonrpc\": \"2.0\", \"method\": \"call\", \"params\": {\"db\": \"$DB\", \"login\": \"$login\", \"password\": \"$password\"}}"
    for _ in $(seq "$WORKERS"); do
        curl -s -o /dev/null -w '%{time_total} ' -H 'Content-Type: application/json' -d "$body" \
            "http://127.0.0.1:$HTTP_PORT/web/session/authenticate" &
        logins+=($!)
    done
    wait "${logins[@]}"  # not the server, also a child of this shell
    echo "s: the first login of each worker"
}

cpu_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }

# CPU seconds used so far by a process, its children and the children it reaped: Odoo's server
# and workers, PostgreSQL's postmaster and backends (/proc/PID/stat utime, stime, cutime, cstime).
cpu_seconds() {
    local pid
    for pid in "$1" $(ps -o pid= --ppid "$1"); do sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null; done \
        | awk -v hz="$(getconf CLK_TCK)" '{ticks += $12 + $13 + $14 + $15} END {printf "%.0f", ticks / hz}'
}

start_measuring() {
    (while :; do cut -d' ' -f1 /proc/loadavg; sleep 5; done) >"$WORK/loadavg" &
    SAMPLER_PID=$!
    POSTMASTER=$(head -1 "$PGDATA/postmaster.pid")
    read -r BUSY0 TOTAL0 < <(cpu_ticks)
    ODOO_CPU0=$(cpu_seconds "$SERVER_PID") PG_CPU0=$(cpu_seconds "$POSTMASTER") START=$SECONDS
}

# Who used the machine during the run: the machine may be shared, so Odoo's, PostgreSQL's and
# locust's own CPU seconds are measured apart from the total.
machine_figures() {
    local busy1 total1 seconds=$((SECONDS - START)) odoo pg
    kill "$SAMPLER_PID" 2>/dev/null
    SAMPLER_PID=""
    read -r busy1 total1 < <(cpu_ticks)
    odoo=$(($(cpu_seconds "$SERVER_PID") - ODOO_CPU0)) pg=$(($(cpu_seconds "$POSTMASTER") - PG_CPU0))
    awk -v cores="$(nproc)" -v busy=$((busy1 - BUSY0)) -v total=$((total1 - TOTAL0)) -v seconds="$seconds" \
        '{sum += $1; if ($1 > max) max = $1}
         END {printf "machine: %d cores, %d s, CPU busy %.0f %% (%.0f CPU s), load average (1 min) mean %.1f, max %.1f\n",
              cores, seconds, 100 * busy / total, cores * seconds * busy / total, sum / NR, max}' "$WORK/loadavg"
    echo "CPU s during the run: Odoo $odoo, PostgreSQL $pg, locust $(awk '{printf "%.0f", $1 + $2}' "$WORK/locust.cpu")" \
        "(the rest of the busy time: other processes)"
    ps -o rss= -p "$SERVER_PID" --ppid "$SERVER_PID" \
        | awk '{kb += $1; n++} END {printf "Odoo: %d processes, %.0f MB resident at the end\n", n, kb / 1024}'
    echo "Odoo log: $(grep -c 'tries left, try again' "$WORK/odoo.log") serialization retries," \
        "$(grep -c 'virtual memory limit' "$WORK/odoo.log") workers recycled at limit_memory_soft," \
        "$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ WARNING ' "$WORK/odoo.log") WARNING lines"
}

locust_venv || exit 1
echo "=== cluster"
cluster_start || exit 1
trap cleanup EXIT

echo "=== installing $ADDONS with demo data into $DB (about 4 minutes)"
odoo_cmd -d "$DB" -i "$ADDONS" --stop-after-init --log-level=warn >"$WORK/install.log" 2>&1 \
    || { tail -40 "$WORK/install.log"; exit 1; }
check_log "$WORK/install.log" || exit 1

echo "=== preparing users and work for $USERS users"
python3 "$HERE/prepare_data.py" --db_host="$WORK" --db_port="$PGPORT" --db_user=odoo --data-dir="$WORK/data" \
    --addons-path="$ADDONS_PATH" -d "$DB" --log-level=warn --manifest="$WORK/manifest.json" --users="$USERS" \
    --receipts="${LOAD_RECEIPTS:-$((USERS * 3))}" --inspections="${LOAD_INSPECTIONS:-1000}" \
    --dhrs="${LOAD_DHRS:-1000}" >"$WORK/prepare.log" 2>&1 || { tail -40 "$WORK/prepare.log"; exit 1; }
check_log "$WORK/prepare.log" || exit 1
tail -1 "$WORK/prepare.log"

echo "=== Odoo --workers $WORKERS, gevent port, 1 cron worker, limits of config/odoo-prod.conf"
start_odoo || exit 1
warm_up

echo "=== locust: $USERS users, $SPAWN_RATE started per second, for $RUN_TIME"
start_measuring
TIMEFORMAT='%U %S'  # bash's time: locust's own CPU seconds, into locust.cpu
{ time LOAD_MANIFEST="$WORK/manifest.json" LOAD_DB="$DB" "$VENV/bin/locust" -f "$HERE/locustfile.py" \
    --headless -u "$USERS" -r "$SPAWN_RATE" -t "$RUN_TIME" --only-summary --csv "$WORK/load" \
    -H "http://127.0.0.1:$HTTP_PORT" >"$WORK/locust.log" 2>&1; } 2>"$WORK/locust.cpu"
LOCUST_RC=$?

python3 "$HERE/report.py" "$WORK/load"
RC=$?
[ "$RC" = 0 ] && [ "$LOCUST_RC" != 0 ] && { echo "FAIL locust exited with $LOCUST_RC:"; tail -20 "$WORK/locust.log"; RC=1; }
machine_figures
check_log "$WORK/odoo.log" || RC=1
exit "$RC"
