#!/usr/bin/env bash
# Resilience harness (issue section 4): failures and backup/restore.
#   tests/resilience/run.sh            # about 7 minutes; KEEP=1 keeps the clusters, backups and logs
#   COUNT=5000 tests/resilience/run.sh # scans per batch (default 4000)
# A documented job, NOT part of ./tests/run.sh (too long). It builds a primary cluster (from the
# cache of tests/run.sh --fast, see tests/tools/cluster.sh) with every project addon and demo
# data, durable settings and WAL archiving, and starts Odoo with --workers 2. Then, through
# check_resilience.py:
# 1. kill -9s the worker serving a scan batch mid-transaction, then stops the primary
#    (pg_ctl -m immediate) mid-batch and starts it again: no partial batch, the audit chain and
#    the e-signatures verify, the master respawns the worker, and the batch sent again with its
#    idempotency key is applied once;
# 2. backs up with pg_dump -Fc, then pg_basebackup -X stream with audited writes after it that
#    only the WAL archive holds, each followed by the filestore (database first: every attachment
#    the backup references is in the copy); restores each into a new cluster and data dir (the
#    base backup replays the archive to its end) and checks there the chain head of the source at
#    backup time, every signature's content hash and every attachment's SHA-1.
# Prints the figures; exits non-zero on any failed check or unexpected ERROR in an Odoo log.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/tests/resilience"
[ -d /usr/lib/postgresql/15/bin ] && export PATH="/usr/lib/postgresql/15/bin:$PATH"
for tool in initdb pg_ctl pg_basebackup pg_dump pg_restore psql createdb; do
    command -v "$tool" >/dev/null || { echo "$tool not found: install Debian's postgresql package"; exit 1; }
done

DB=meddev_resilience
COUNT=${COUNT:-4000}
# shellcheck source=../tools/cluster.sh
source "$ROOT/tests/tools/cluster.sh"
SERVER_PID="" RESTORED=()
cleanup() {
    stop_odoo
    if [ "$KEEP" = 1 ]; then
        echo "kept: $WORK (primary port $PGPORT, restored clusters ${RESTORED[*]}, backups in $WORK/backup)"
        return
    fi
    for data in "${RESTORED[@]}"; do pg pg_ctl -D "$data" -m immediate stop >/dev/null 2>&1; done
    cluster_stop
}
stop_odoo() {
    [ -n "$SERVER_PID" ] || return 0
    kill "$SERVER_PID" 2>/dev/null
    for _ in $(seq 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
}
start_pg() {  # data dir, port, log
    pg pg_ctl -D "$1" -l "$3" -w -o "-k $WORK -p $2 -c listen_addresses=''" start >/dev/null \
        || { tail -20 "$3"; return 1; }
}
serve_odoo() {  # pg port, data dir, log, workers: sets SERVER_PID and ODOO_URL
    local http_port gevent_port
    http_port=$(_free_port)
    gevent_port=$(_free_port)
    # Started directly (not through odoo_cmd) so that $! is the server itself. The time limits
    # are config/odoo-prod.conf's: a large batch must not be cut by the 60 s default. Through
    # tests/tools/odoo_server.py, not python3 -m odoo, so that its gevent worker can start.
    python3 "$ROOT/tests/tools/odoo_server.py" --db_host="$WORK" --db_port="$1" --db_user=odoo --data-dir="$2" \
        --addons-path="$ADDONS_PATH" --http-interface=127.0.0.1 --http-port="$http_port" \
        --gevent-port="$gevent_port" --workers="$4" --max-cron-threads=0 \
        --limit-time-cpu=600 --limit-time-real=1200 \
        -d "$DB" --db-filter="^$DB\$" --log-level=info >"$3" 2>&1 &
    SERVER_PID=$!
    ODOO_URL="http://127.0.0.1:$http_port"
    for _ in $(seq 120); do
        curl -sf -o /dev/null "$ODOO_URL/web/login" && return 0
        sleep 1
    done
    echo "Odoo does not answer on $ODOO_URL"
    tail -20 "$3"
    return 1
}
now() { date +%s.%N; }
since() { awk -v start="$1" -v end="$(now)" 'BEGIN { printf "%.1f", end - start }'; }
mib() { du -sb "$1" | awk '{ printf "%.1f MiB", $1 / 1048576 }'; }
figure() { printf '%-58s %s\n' "$1" "$2" | tee -a "$FIGURES" | sed 's/^/  /'; }
RC=0
step() {  # check_resilience.py STEP [options]: a failed step fails the run, the next ones still run
    python3 "$HERE/check_resilience.py" "$1" --state "$WORK/state.json" --figures "$FIGURES" \
        --db "$DB" --pghost "$WORK" "${@:2}" || RC=1
}

echo "=== primary cluster"
cluster_start || exit 1
trap cleanup EXIT
FIGURES="$WORK/figures.txt"
BACKUP="$WORK/backup"
ARCHIVE="$WORK/wal-archive"
mkdir -p "$BACKUP" "$ARCHIVE"
chown "${PGOWNER:-$(id -un)}" "$BACKUP" "$ARCHIVE"  # pg_basebackup and the archiver write as the cluster's owner

echo "=== installing $ADDONS with demo data into $DB (about 4 minutes)"
odoo_cmd -d "$DB" -i "$ADDONS" --stop-after-init --log-level=warn >"$WORK/install.log" 2>&1 \
    || { tail -40 "$WORK/install.log"; exit 1; }
if grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$WORK/install.log"; then
    grep -E -A5 ' (ERROR|CRITICAL) ' "$WORK/install.log" | head -30
    exit 1
fi

echo "=== primary restarted durable, archiving its WAL to $ARCHIVE"
pg pg_ctl -D "$PGDATA" -w stop >/dev/null || exit 1
# The cache's cluster runs with fsync, synchronous_commit and full_page_writes off: a crash
# test needs a commit to be on disk when Odoo is told it is. The archive_command is the one of
# the PostgreSQL manual (25.3.1): never overwrite an archived segment.
cat >>"$PGDATA/postgresql.conf" <<EOF
# tests/resilience/run.sh
fsync = on
synchronous_commit = on
full_page_writes = on
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $ARCHIVE/%f && cp %p $ARCHIVE/%f'
log_line_prefix = '%m [%p] app=%a db=%d '
EOF
start_pg "$PGDATA" "$PGPORT" "$WORK/primary.log" || exit 1
# The kill-primary step stops the primary as a crash would (immediate: no shutdown checkpoint,
# crash recovery at the next start) and starts it again.
cat >"$WORK/primary-ctl" <<EOF
#!/usr/bin/env bash
case "\$1" in
    stop) ${PGRUN[*]} pg_ctl -D "$PGDATA" -m immediate stop ;;
    start) ${PGRUN[*]} pg_ctl -D "$PGDATA" -l "$WORK/primary.log" -w -o "-k $WORK -p $PGPORT -c listen_addresses=''" start ;;
esac
EOF
chmod +x "$WORK/primary-ctl"
PRIMARY_FILESTORE="$WORK/data/filestore/$DB"

echo "=== Odoo --workers 2 on the primary"
serve_odoo "$PGPORT" "$WORK/data" "$WORK/odoo-primary.log" 2 || exit 1
ON_PRIMARY=(--url "$ODOO_URL" --pgport "$PGPORT" --filestore "$PRIMARY_FILESTORE")

echo "=== receipts of $COUNT serial numbers, signed holds"
step prepare "${ON_PRIMARY[@]}" --count "$COUNT"
echo "=== kill -9 the worker serving a batch"
step kill-worker "${ON_PRIMARY[@]}" --server-pid "$SERVER_PID"
echo "=== stop the primary (immediate) during a batch, start it again"
step kill-primary "${ON_PRIMARY[@]}" --primary-ctl "$WORK/primary-ctl" --primary-log "$WORK/primary.log" \
    --odoo-log "$WORK/odoo-primary.log"

echo "=== logical backup: pg_dump -Fc, then the filestore"
step snapshot "${ON_PRIMARY[@]}" --label dump
START=$(now)
pg_dump -h "$WORK" -p "$PGPORT" -U odoo -Fc -f "$BACKUP/$DB.dump" "$DB" || exit 1
figure "pg_dump -Fc (s)" "$(since "$START")"
tar -C "$WORK/data/filestore" -czf "$BACKUP/filestore-dump.tgz" "$DB" || exit 1
figure "dump size" "$(mib "$BACKUP/$DB.dump")"
figure "filestore size (tar.gz)" "$(mib "$PRIMARY_FILESTORE") ($(mib "$BACKUP/filestore-dump.tgz"))"

echo "=== physical backup: pg_basebackup -X stream, writes after it, WAL switch, then the filestore"
START=$(now)
pg pg_basebackup -h "$WORK" -p "$PGPORT" -U odoo -D "$BACKUP/base" -X stream -c fast || exit 1
figure "pg_basebackup (s)" "$(since "$START")"
figure "base backup size" "$(mib "$BACKUP/base")"
step write-after-base-backup "${ON_PRIMARY[@]}"
step snapshot "${ON_PRIMARY[@]}" --label pitr
# The last segment holding those writes is archived only once full: switch to a new one.
SEGMENT=$(psql -h "$WORK" -p "$PGPORT" -U odoo -d postgres -tAc "SELECT pg_walfile_name(pg_switch_wal())")
ARCHIVED=""
for _ in $(seq 120); do
    ARCHIVED=$(psql -h "$WORK" -p "$PGPORT" -U odoo -d postgres -tAc "SELECT last_archived_wal FROM pg_stat_archiver")
    [[ "$ARCHIVED" > "$SEGMENT" || "$ARCHIVED" == "$SEGMENT" ]] && break
    sleep 0.5
done
[[ "$ARCHIVED" > "$SEGMENT" || "$ARCHIVED" == "$SEGMENT" ]] || { echo "FAIL $SEGMENT is not archived"; exit 1; }
tar -C "$WORK/data/filestore" -czf "$BACKUP/filestore-pitr.tgz" "$DB" || exit 1
figure "WAL archive ($(find "$ARCHIVE" -type f | wc -l) files)" "$(mib "$ARCHIVE")"
stop_odoo
pg pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null

restore_filestore() {  # archive, data dir
    mkdir -p "$2/filestore" && tar -C "$2/filestore" -xzf "$1"
}

echo "=== restore of the dump into a new cluster"
RESTORE="$WORK/restore-dump"
mkdir -p "$RESTORE" && chown "${PGOWNER:-$(id -un)}" "$RESTORE"
RESTORED+=("$RESTORE/pgdata")
PORT=$(_free_port)
pg initdb -D "$RESTORE/pgdata" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null || exit 1
start_pg "$RESTORE/pgdata" "$PORT" "$RESTORE/postgres.log" || exit 1
START=$(now)
createdb -h "$WORK" -p "$PORT" -U odoo "$DB" && pg_restore -h "$WORK" -p "$PORT" -U odoo -d "$DB" "$BACKUP/$DB.dump" \
    || exit 1
restore_filestore "$BACKUP/filestore-dump.tgz" "$RESTORE/data" || exit 1
figure "dump restore: pg_restore and the filestore (s)" "$(since "$START")"
serve_odoo "$PORT" "$RESTORE/data" "$WORK/odoo-dump.log" 0 || exit 1
step verify-restore --label dump --url "$ODOO_URL" --pgport "$PORT" --filestore "$RESTORE/data/filestore/$DB"
stop_odoo
pg pg_ctl -D "$RESTORE/pgdata" -m fast -w stop >/dev/null

echo "=== restore of the base backup + archived WAL into a new cluster"
RESTORE="$WORK/restore-pitr"
mkdir -p "$RESTORE" && chown "${PGOWNER:-$(id -un)}" "$RESTORE"
RESTORED+=("$RESTORE/pgdata")
PORT=$(_free_port)
cp -a "$BACKUP/base" "$RESTORE/pgdata" && chown -R "${PGOWNER:-$(id -un)}" "$RESTORE/pgdata" || exit 1
# Replay the archive to its end (no recovery target), then promote; never archive into the
# source's archive.
cat >>"$RESTORE/pgdata/postgresql.conf" <<EOF
# restored by tests/resilience/run.sh
restore_command = 'cp $ARCHIVE/%f %p'
archive_mode = off
EOF
pg touch "$RESTORE/pgdata/recovery.signal"
START=$(now)
start_pg "$RESTORE/pgdata" "$PORT" "$RESTORE/postgres.log" || exit 1
for _ in $(seq 300); do
    [ "$(psql -h "$WORK" -p "$PORT" -U odoo -d postgres -tAc 'SELECT pg_is_in_recovery()')" = f ] && break
    sleep 0.2
done
figure "base backup restore: archive recovery (s)" "$(since "$START")"
REPLAYED=$(grep -c 'restored log file ".*" from archive' "$RESTORE/postgres.log")
figure "base backup restore: WAL segments replayed from the archive" "$REPLAYED"
grep -q 'archive recovery complete' "$RESTORE/postgres.log" \
    || { echo "FAIL the base backup did not complete archive recovery"; tail -20 "$RESTORE/postgres.log"; RC=1; }
restore_filestore "$BACKUP/filestore-pitr.tgz" "$RESTORE/data" || exit 1
serve_odoo "$PORT" "$RESTORE/data" "$WORK/odoo-pitr.log" 0 || exit 1
step verify-restore --label pitr --url "$ODOO_URL" --pgport "$PORT" --filestore "$RESTORE/data/filestore/$DB"
stop_odoo

echo "=== Odoo logs"
step logs --logs "$WORK/odoo-primary.log" "$WORK/odoo-dump.log" "$WORK/odoo-pitr.log"

echo "=== figures"
cat "$FIGURES"
[ "$RC" = 0 ] && echo "resilience: every check passed" || echo "resilience: FAILED (see FAIL above)"
exit "$RC"
