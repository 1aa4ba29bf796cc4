#!/usr/bin/env bash
# The MedDev ERP test command (README, "Test").
#
# Full run (default): lint, a throwaway PostgreSQL cluster, a fresh database,
# every project addon installed with its dependencies and demo data, every Odoo
# test of the project's addons (TransactionCase and HttpCase tours in headless
# Chromium), the pytest tests under tests/ against a running server, then each
# addon installed alone on a fresh database and an uninstall check of each
# addon. Ends with one line "N passed, N failed".
# The full run also writes the validation report (IQ, OQ, PQ; README.md, "Validation pack")
# from the JUnit results of the Odoo tests and of pytest; a report that fails
# (a requirement without passing tests, a stale register) fails the run; a passing
# one is imported into its controlled document and e-signed in a browser tour.
#
# Options (development only; CI runs the default):
#   --fast          reuse a cached cluster that already has the Odoo
#                   dependencies installed (rebuilt when they change)
#   --tags TAGS     Odoo --test-tags instead of every project test
#   --no-lint       skip ruff and pylint-odoo
#   --no-pytest     skip the pytest stage
#   --no-uninstall  skip the install-alone and uninstall checks
#   --keep          keep the cluster and print how to reach it
#   --validation-report DIR
#                   write the validation report (HTML, PDF, JSON) into DIR, also
#                   for a partial run (default: a temporary directory, full runs
#                   only; or MEDDEV_VALIDATION_REPORT=DIR)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ADDONS_DIR="$ROOT/addons"
FAST=0 LINT=1 PYTEST=1 UNINSTALL=1 KEEP=0 TAGS=""
REPORT_DIR=${MEDDEV_VALIDATION_REPORT:-}
while [ $# -gt 0 ]; do
    case "$1" in
        --fast) FAST=1 ;;
        --tags) TAGS="$2"; shift ;;
        --no-lint) LINT=0 ;;
        --no-pytest) PYTEST=0 ;;
        --no-uninstall) UNINSTALL=0 ;;
        --keep) KEEP=1 ;;
        --validation-report) REPORT_DIR="$2"; shift ;;
        *) echo "unknown option $1 (see the header of tests/run.sh)"; exit 2 ;;
    esac
    shift
done

if ! python3 -c 'import odoo' 2>/dev/null; then
    echo "python3 cannot import odoo: install Odoo 18.0 first, see README.md section 'Installing Odoo 18.0 without Docker'."
    exit 1
fi
for tool in initdb pg_ctl; do
    command -v "$tool" >/dev/null || { echo "$tool not found: install Debian's postgresql package (README.md, 'Test')."; exit 1; }
done
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$CHROME" ] || { echo "No Chromium found: browser tours would be skipped silently. Install Debian's chromium (README.md, 'Test')."; exit 1; }

PASSED=0 FAILED=0
count() { PASSED=$((PASSED + $1)); FAILED=$((FAILED + $2)); }
step() { printf '\n=== %s\n' "$*"; }

step "Python requirements"
python3 -m pip install -q --disable-pip-version-check -r "$ROOT/requirements.txt" -r "$ROOT/tests/requirements.txt" 2>&1 \
    | grep -v -e '^WARNING: Location' -e 'Running pip as the' || true

# Odoo's own addons path, wherever the importable odoo package lives, after ours
ODOO_ADDONS_PATH=$(cd /tmp && python3 -c 'from odoo.tools import config; config.parse_config([]); print(config["addons_path"])' 2>/dev/null | tail -1)
ADDONS_PATH="$ADDONS_DIR,$ODOO_ADDONS_PATH"
ADDONS=$(python3 "$ROOT/config/addons.py" "$ADDONS_DIR" names)
DEPS=$(python3 "$ROOT/config/addons.py" "$ADDONS_DIR" deps)
# Every requirement is verified only by a full run: a partial one writes the report when asked.
REPORT=0
if [ -n "$REPORT_DIR" ] || { [ -z "$TAGS" ] && [ "$PYTEST" = 1 ]; }; then REPORT=1; fi
[ -n "$TAGS" ] || TAGS=$(python3 "$ROOT/config/addons.py" "$ADDONS_DIR" tags)
echo "project addons: $ADDONS"

if [ "$LINT" = 1 ]; then
    step "Lint: ruff"
    if (cd "$ROOT" && ruff check . && ruff format --check .); then count 1 0; else count 0 1; fi
    step "Lint: pylint-odoo"
    # shellcheck disable=SC2046
    if (cd "$ROOT" && python3 -m pylint --rcfile=.pylintrc $(ls -d addons/*/)); then count 1 0; else count 0 1; fi
fi

# --- Throwaway PostgreSQL cluster -------------------------------------------
WORK=$(mktemp -d /tmp/meddev-test.XXXXXX)
chmod 755 "$WORK"
PGRUN=()
if [ "$(id -u)" = 0 ]; then
    # initdb refuses to run as root: the cluster belongs to an unprivileged user.
    PGOWNER=$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)
    PGRUN=(runuser -u "$PGOWNER" --)
    chown "$PGOWNER" "$WORK"
fi
PGDATA="$WORK/pgdata"
PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HTTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DB=meddev_test
SERVER_PID=""

pg() { "${PGRUN[@]}" "$@"; }
stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill "$SERVER_PID" 2>/dev/null
    for _ in $(seq 20); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
}
cleanup() {
    stop_server
    if [ "$KEEP" = 1 ]; then
        echo "kept: PGHOST=$WORK PGPORT=$PGPORT PGUSER=odoo, database $DB, data dir $WORK/data"
        return
    fi
    pg pg_ctl -D "$PGDATA" -m immediate stop >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_cluster() {
    pg pg_ctl -D "$PGDATA" -l "$WORK/postgres.log" -w \
        -o "-k $WORK -p $PGPORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { cat "$WORK/postgres.log"; exit 1; }
}

ODOO_ARGS=(--db_host="$WORK" --db_port="$PGPORT" --db_user=odoo
    --data-dir="$WORK/data" --addons-path="$ADDONS_PATH" --http-interface=127.0.0.1 --http-port="$HTTP_PORT"
    --max-cron-threads=0)
odoo_cmd() { python3 -m odoo "${ODOO_ARGS[@]}" "$@"; }

DEPS_KEY=$(printf '%s|%s' "$DEPS" "$(python3 -c 'import odoo.release as r; print(r.serie, r.version_info)')" | sha1sum | cut -c1-12)
CACHE="${MEDDEV_TEST_CACHE:-$HOME/.cache/meddev-test}/deps-$DEPS_KEY"
# The Odoo dependencies are installed once into meddev_deps; every database of the run is a copy.
TEMPLATE_DB=meddev_deps
if [ "$FAST" = 1 ] && [ -d "$CACHE/pgdata" ]; then
    step "Cluster from the cached dependencies ($CACHE)"
    cp -a "$CACHE/pgdata" "$PGDATA" && mkdir -p "$WORK/data" && cp -a "$CACHE/data/." "$WORK/data/"
    chown -R "${PGOWNER:-$(id -un)}" "$PGDATA"
    start_cluster
else
    step "Throwaway cluster in $WORK"
    pg initdb -D "$PGDATA" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null || exit 1
    start_cluster
    step "Install the Odoo dependencies ($DEPS)"
    odoo_cmd -d "$TEMPLATE_DB" -i "$DEPS" --stop-after-init --log-level=warn || exit 1
    if [ "$FAST" = 1 ]; then
        pg pg_ctl -D "$PGDATA" -w stop >/dev/null
        mkdir -p "$CACHE" && rm -rf "$CACHE/pgdata" "$CACHE/data"
        cp -a "$PGDATA" "$CACHE/pgdata" && cp -a "$WORK/data" "$CACHE/data"
        start_cluster
    fi
fi
copy_template() {
    pg createdb -h "$WORK" -p "$PGPORT" -U odoo -T "$TEMPLATE_DB" "$1" || exit 1
    mkdir -p "$WORK/data/filestore" && cp -a "$WORK/data/filestore/$TEMPLATE_DB" "$WORK/data/filestore/$1" 2>/dev/null
}
copy_template "$DB"

# --- Odoo tests ---------------------------------------------------------------
step "Install $ADDONS and run the Odoo tests ($TAGS)"
ODOO_LOG="$WORK/odoo-tests.log"
ODOO_JUNIT="$WORK/odoo-tests.xml"
# The Docker init script installs the addons exactly as the docker setup does;
# here it also runs the tests, through a wrapper of Odoo that writes their JUnit file.
MEDDEV_DB=$DB MEDDEV_ADDONS_DIR="$ADDONS_DIR" ODOO_BIN="python3 $ROOT/tests/tools/odoo_junit.py" \
    MEDDEV_ODOO_JUNIT="$ODOO_JUNIT" \
    PGHOST="$WORK" PGPORT="$PGPORT" PGUSER=odoo \
    bash "$ROOT/config/meddev-init.sh" \
    --db_host="$WORK" --db_port="$PGPORT" --db_user=odoo \
    --data-dir="$WORK/data" --addons-path="$ADDONS_PATH" --http-interface=127.0.0.1 --http-port="$HTTP_PORT" \
    --max-cron-threads=0 --test-enable --test-tags="$TAGS" --log-level=info 2>&1 | tee "$ODOO_LOG" \
    | grep -E --line-buffered ' (ERROR|CRITICAL|WARNING) |odoo\.tests\.result|post-tests in|tests in [0-9.]+s'
SUMMARY=$(grep -E '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$ODOO_LOG" | tail -1)
if [ -n "$SUMMARY" ]; then
    read -r T_FAILED T_ERRORS T_RUN < <(echo "$SUMMARY" | sed -E 's/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/')
    count $((T_RUN - T_FAILED - T_ERRORS)) $((T_FAILED + T_ERRORS))
    echo "Odoo tests: $SUMMARY"
else
    echo "Odoo tests: no test summary in the log (install failed?)"
    count 0 1
fi
# Any ERROR or CRITICAL in the log that the test counts did not already report
# (a failing install, a broken post-install hook) is a failure of its own.
LOG_ERRORS=$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$ODOO_LOG")
if [ "$LOG_ERRORS" -gt 0 ] && [ "${T_FAILED:-0}" = 0 ] && [ "${T_ERRORS:-0}" = 0 ]; then
    echo "the Odoo log has $LOG_ERRORS ERROR line(s):"
    grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$ODOO_LOG" | head -20
    count 0 1
fi

# --- pytest against a running server -----------------------------------------
if [ "$PYTEST" = 1 ]; then
    step "pytest tests/ against a running server"
    # Started directly (not through a function) so that $! is the server itself.
    python3 -m odoo "${ODOO_ARGS[@]}" -d "$DB" --db-filter="^$DB\$" --log-level=warn >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 120); do
        curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/web/login" && break
        sleep 1
    done
    JUNIT="$WORK/pytest.xml"
    (cd "$ROOT" && MEDDEV_URL="http://127.0.0.1:$HTTP_PORT" MEDDEV_DB="$DB" \
        MEDDEV_PGHOST="$WORK" MEDDEV_PGPORT="$PGPORT" MEDDEV_DATA_DIR="$WORK/data" MEDDEV_ADDONS="$ADDONS" \
        python3 -m pytest -q -p no:cacheprovider --junitxml="$JUNIT" --rootdir=. tests client/tests)
    PYTEST_RC=$?
    if [ -f "$JUNIT" ]; then
        read -r P_TESTS P_FAIL P_ERR P_SKIP < <(python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
s = root if root.tag == "testsuite" else root.find("testsuite")
print(s.get("tests"), s.get("failures"), s.get("errors"), s.get("skipped"))' "$JUNIT")
        count $((P_TESTS - P_FAIL - P_ERR - P_SKIP)) $((P_FAIL + P_ERR))
    fi
    # pytest exits 5 when it collected nothing; anything else non-zero is a failure
    if [ "$PYTEST_RC" != 0 ] && [ "$PYTEST_RC" != 5 ] && [ "${P_FAIL:-0}" = 0 ] && [ "${P_ERR:-0}" = 0 ]; then
        count 0 1
    fi
    # A traceback behind an RPC call is logged as ERROR (UserError and
    # AccessError only as WARNING): it fails the run like a failed test.
    if grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$WORK/server.log"; then
        echo "the server log has ERROR lines:"
        grep -E -A5 '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$WORK/server.log" | head -40
        count 0 1
    fi
    if [ "$REPORT" = 1 ]; then
        step "PQ protocols on the test database (validation/pq/pq_run.py)"
        # The demo lot IS200-260415 of the infusion set (md_udi_trace demo data).
        MEDDEV_PQ_PASSWORD=admin python3 "$ROOT/validation/pq/pq_run.py" --url "http://127.0.0.1:$HTTP_PORT" \
            --db "$DB" --login admin --udi "(01)06923456100015(17)290414(10)IS200-260415" --lot IS200-260415 \
            --out "$WORK/pq-results.json"
    fi
    stop_server
fi

# --- Validation report ------------------------------------------------------------
if [ "$REPORT" = 1 ]; then
    REPORT_DIR=${REPORT_DIR:-$WORK/validation}
    step "Validation report (IQ, OQ, PQ) into $REPORT_DIR"
    REPORT_ARGS=(--junit "$ODOO_JUNIT" --out "$REPORT_DIR" --addons-path "$ADDONS_PATH"
        --dsn "host=$WORK port=$PGPORT dbname=$DB user=odoo")
    [ -f "$WORK/pytest.xml" ] && REPORT_ARGS+=(--junit "$WORK/pytest.xml")
    [ -f "$WORK/pq-results.json" ] && REPORT_ARGS+=(--pq-results "$WORK/pq-results.json")
    if [ -f "$ODOO_JUNIT" ] && python3 "$ROOT/tools/validation_report.py" "${REPORT_ARGS[@]}"; then
        count 1 0
        step "This run's validation report imported and signed reviewed and approved in a tour"
        SIGN_LOG="$WORK/report-tour.log"
        MEDDEV_VALIDATION_REPORT_HTML="$REPORT_DIR/validation-report.html" odoo_cmd -d "$DB" --test-enable \
            --test-tags=md_validation_run --stop-after-init --log-level=info >"$SIGN_LOG" 2>&1
        if grep -qE ' 0 failed, 0 error\(s\) of 1 tests' "$SIGN_LOG" \
            && ! grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$SIGN_LOG"; then
            count 1 0
        else
            grep -E -A5 ' (ERROR|CRITICAL) |odoo\.tests\.result' "$SIGN_LOG" | head -30
            count 0 1
        fi
    else
        count 0 1
    fi
fi

# --- Each addon alone ----------------------------------------------------------
if [ "$UNINSTALL" = 1 ]; then
    step "Install each addon alone with its dependencies on a fresh database"
    # The last addon of the chain is the full install above. md_base depends on no
    # inventory addon: it goes on an empty database; the others on a copy of the dependencies.
    for addon in $(tr ',' ' ' <<<"$ADDONS"); do
        [ "$addon" = "${ADDONS##*,}" ] && continue
        alone_db="alone_$addon"
        if [ "$addon" = md_base ]; then
            pg createdb -h "$WORK" -p "$PGPORT" -U odoo "$alone_db" || exit 1
        else
            copy_template "$alone_db"
        fi
        if odoo_cmd -d "$alone_db" -i "$addon" --stop-after-init --log-level=warn >"$WORK/alone_$addon.log" 2>&1 \
            && ! grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$WORK/alone_$addon.log"; then
            echo "PASS $addon installs alone"
            count 1 0
        else
            echo "FAIL $addon does not install alone:"
            grep -E -A5 '(ERROR|CRITICAL) ' "$WORK/alone_$addon.log" | head -20
            count 0 1
        fi
    done
fi

# --- Uninstall ------------------------------------------------------------------
if [ "$UNINSTALL" = 1 ]; then
    step "Uninstall each addon, last in the dependency chain first"
    UNINSTALL_OUT="$WORK/uninstall.txt"
    python3 "$ROOT/tests/tools/uninstall_check.py" --db_host="$WORK" --db_port="$PGPORT" --db_user=odoo \
        --data-dir="$WORK/data" --addons-path="$ADDONS_PATH" -d "$DB" --log-level=warn \
        --addons="$ADDONS" 2>"$WORK/uninstall.log" | tee "$UNINSTALL_OUT"
    count "$(grep -c '^PASS ' "$UNINSTALL_OUT")" "$(grep -c '^FAIL ' "$UNINSTALL_OUT")"
    grep -q '^PASS \|^FAIL ' "$UNINSTALL_OUT" || count 0 1
    if grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$WORK/uninstall.log"; then
        echo "the uninstall log has ERROR lines:"
        grep -E -A3 '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$WORK/uninstall.log" | head -30
        count 0 1
    fi
fi

echo
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
