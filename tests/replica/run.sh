#!/usr/bin/env bash
# Replica harness (issue 16): are the read-only paths served by the streaming replica?
#   tests/replica/run.sh            # about 5 minutes; KEEP=1 keeps both clusters and Odoo's data
# A documented job, NOT part of ./tests/run.sh (too long). It builds a primary cluster (from
# the cache of tests/run.sh --fast, see tests/tools/cluster.sh), installs every project addon
# with demo data, clones a hot standby with `pg_basebackup -R -X stream`, starts Odoo with
# --workers 4 and db_replica_host/db_replica_port on the standby, then runs check_replica.py:
# the @api.readonly trace methods, web_search_read and the trace export route, called like the
# web client, must run on the replica (both clusters log every statement), give the same results
# as XML-RPC/JSON-RPC (always the primary), and with synchronous_commit=remote_apply a user must
# read their own write even from a replica 100 ms behind (asynchronous: misses are measured and
# reported). Prints the figures; exits non-zero on any failed check or ERROR in the Odoo log.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/tests/replica"
[ -d /usr/lib/postgresql/15/bin ] && export PATH="/usr/lib/postgresql/15/bin:$PATH"
for tool in initdb pg_ctl pg_basebackup psql; do
    command -v "$tool" >/dev/null || { echo "$tool not found: install Debian's postgresql package"; exit 1; }
done

DB=meddev_replica
# shellcheck source=../tools/cluster.sh
source "$ROOT/tests/tools/cluster.sh"
SERVER_PID="" REPLICA=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null
        for _ in $(seq 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    if [ "$KEEP" = 1 ]; then
        echo "kept: primary PGHOST=$WORK PGPORT=$PGPORT, replica port ${REPLICA_PORT:-}, database $DB (user odoo)"
        echo "      logs $WORK/primary.log $WORK/replica.log $WORK/odoo.log"
        return
    fi
    [ -n "$REPLICA" ] && pg pg_ctl -D "$REPLICA" -m immediate stop >/dev/null 2>&1
    cluster_stop
}

echo "=== primary cluster"
cluster_start || exit 1
trap cleanup EXIT

echo "=== installing $ADDONS with demo data into $DB (about 4 minutes)"
odoo_cmd -d "$DB" -i "$ADDONS" --stop-after-init --log-level=warn >"$WORK/install.log" 2>&1 \
    || { tail -40 "$WORK/install.log"; exit 1; }
if grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$WORK/install.log"; then
    grep -E -A5 ' (ERROR|CRITICAL) ' "$WORK/install.log" | head -30
    exit 1
fi

echo "=== primary restarted for streaming replication, every statement logged"
pg pg_ctl -D "$PGDATA" -w stop >/dev/null || exit 1
# %a (application_name: odoo-<pid> for Odoo's pools) and %d attribute each logged statement.
cat >>"$PGDATA/postgresql.conf" <<'EOF'
# tests/replica/run.sh
wal_level = replica
max_wal_senders = 5
hot_standby = on
fsync = off
log_statement = 'all'
log_line_prefix = '%m [%p] app=%a db=%d '
EOF
start_pg() {  # data dir, port, log
    pg pg_ctl -D "$1" -l "$3" -w -o "-k $WORK -p $2 -c listen_addresses=''" start >/dev/null \
        || { tail -20 "$3"; return 1; }
}
start_pg "$PGDATA" "$PGPORT" "$WORK/primary.log" || exit 1
pg psql -h "$WORK" -p "$PGPORT" -U odoo -d postgres -qc "CREATE ROLE replicator REPLICATION LOGIN" || exit 1

echo "=== replica: pg_basebackup -R -X stream"
REPLICA="$WORK/replica"
REPLICA_PORT=$(_free_port)
pg pg_basebackup -h "$WORK" -p "$PGPORT" -U replicator -D "$REPLICA" -R -X stream -c fast || exit 1
# The standby reports itself as "meddev_replica" (synchronous_standby_names of the remote_apply check).
echo "cluster_name = 'meddev_replica'" | pg tee -a "$REPLICA/postgresql.conf" >/dev/null
start_pg "$REPLICA" "$REPLICA_PORT" "$WORK/replica.log" || exit 1
STATE=""
for _ in $(seq 60); do
    STATE=$(pg psql -h "$WORK" -p "$PGPORT" -U odoo -d postgres -tAc \
        "SELECT state FROM pg_stat_replication WHERE application_name = 'meddev_replica'")
    [ "$STATE" = streaming ] && break
    sleep 1
done
[ "$STATE" = streaming ] || { echo "the replica is not streaming"; tail -20 "$WORK/replica.log"; exit 1; }
echo "replica on port $REPLICA_PORT: streaming, in recovery: $(pg psql -h "$WORK" -p "$REPLICA_PORT" -U odoo \
    -d "$DB" -tAc 'SELECT pg_is_in_recovery()')"

echo "=== Odoo --workers 4 with db_replica_host=$WORK db_replica_port=$REPLICA_PORT"
GEVENT_PORT=$(_free_port)
# Started directly (not through odoo_cmd) so that $! is the server itself; through
# tests/tools/odoo_server.py, not python3 -m odoo, so that its gevent worker can start.
python3 "$ROOT/tests/tools/odoo_server.py" --db_host="$WORK" --db_port="$PGPORT" --db_user=odoo --data-dir="$WORK/data" \
    --addons-path="$ADDONS_PATH" --http-interface=127.0.0.1 --http-port="$HTTP_PORT" --gevent-port="$GEVENT_PORT" \
    --workers=4 --max-cron-threads=0 --db_replica_host="$WORK" --db_replica_port="$REPLICA_PORT" \
    -d "$DB" --db-filter="^$DB\$" --log-level=info >"$WORK/odoo.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/web/login" && break
    sleep 1
done

python3 "$HERE/check_replica.py" --url "http://127.0.0.1:$HTTP_PORT" --db "$DB" --pghost "$WORK" \
    --primary-port "$PGPORT" --replica-port "$REPLICA_PORT" \
    --primary-log "$WORK/primary.log" --replica-log "$WORK/replica.log"
RC=$?
if grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$WORK/odoo.log"; then
    echo "FAIL the Odoo log has ERROR lines:"
    grep -E -A5 '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$WORK/odoo.log" | head -40
    RC=1
fi
exit "$RC"
