# shellcheck shell=bash
# A throwaway PostgreSQL cluster with Odoo's dependencies installed, the same
# way tests/run.sh --fast builds it (and sharing its cache). Source this file,
# then:
#   cluster_start          # WORK, PGPORT, HTTP_PORT, DB set; cluster running; DB copied from the cache
#   odoo_cmd ARGS...       # python3 -m odoo on that cluster
#   cluster_stop           # stop and remove it (also done on exit unless KEEP=1)
# Needs ROOT (the repository root). Honours MEDDEV_TEST_CACHE and KEEP.

ADDONS_DIR="$ROOT/addons"
ODOO_ADDONS_PATH=$(cd /tmp && python3 -c 'from odoo.tools import config; config.parse_config([]); print(config["addons_path"])' 2>/dev/null | tail -1)
ADDONS_PATH="$ADDONS_DIR,$ODOO_ADDONS_PATH"
ADDONS=$(python3 "$ROOT/config/addons.py" "$ADDONS_DIR" names)
DEPS=$(python3 "$ROOT/config/addons.py" "$ADDONS_DIR" deps)
DB=${DB:-meddev_test}
KEEP=${KEEP:-0}

_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

pg() { "${PGRUN[@]}" "$@"; }

_cluster_pg_start() {
    pg pg_ctl -D "$PGDATA" -l "$WORK/postgres.log" -w \
        -o "-k $WORK -p $PGPORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { cat "$WORK/postgres.log"; return 1; }
}

odoo_cmd() {
    python3 -m odoo --db_host="$WORK" --db_port="$PGPORT" --db_user=odoo \
        --data-dir="$WORK/data" --addons-path="$ADDONS_PATH" --http-interface=127.0.0.1 --http-port="$HTTP_PORT" \
        --max-cron-threads=0 "$@"
}

cluster_stop() {
    if [ "$KEEP" = 1 ]; then
        echo "kept: PGHOST=$WORK PGPORT=$PGPORT PGUSER=odoo, database $DB, data dir $WORK/data"
        return
    fi
    [ -n "${PGDATA:-}" ] && pg pg_ctl -D "$PGDATA" -m immediate stop >/dev/null 2>&1
    [ -n "${WORK:-}" ] && rm -rf "$WORK"
}

cluster_start() {
    WORK=$(mktemp -d /tmp/meddev-cluster.XXXXXX)
    chmod 755 "$WORK"
    PGRUN=()
    if [ "$(id -u)" = 0 ]; then
        # initdb refuses to run as root: the cluster belongs to an unprivileged user.
        PGOWNER=$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)
        PGRUN=(runuser -u "$PGOWNER" --)
        chown "$PGOWNER" "$WORK"
    fi
    PGDATA="$WORK/pgdata"
    PGPORT=$(_free_port)
    HTTP_PORT=$(_free_port)
    trap cluster_stop EXIT
    trap 'exit 130' INT TERM
    local key cache
    key=$(printf '%s|%s' "$DEPS" "$(python3 -c 'import odoo.release as r; print(r.serie, r.version_info)')" | sha1sum | cut -c1-12)
    cache="${MEDDEV_TEST_CACHE:-$HOME/.cache/meddev-test}/deps-$key"
    if [ -d "$cache/pgdata" ]; then
        echo "cluster from the cached dependencies ($cache)"
        cp -a "$cache/pgdata" "$PGDATA" && mkdir -p "$WORK/data" && cp -a "$cache/data/." "$WORK/data/"
        chown -R "${PGOWNER:-$(id -un)}" "$PGDATA"
        _cluster_pg_start || return 1
    else
        echo "caching the dependencies ($DEPS) in $cache"
        pg initdb -D "$PGDATA" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null || return 1
        _cluster_pg_start || return 1
        odoo_cmd -d meddev_deps -i "$DEPS" --stop-after-init --log-level=warn || return 1
        pg pg_ctl -D "$PGDATA" -w stop >/dev/null
        mkdir -p "$cache" && rm -rf "$cache/pgdata" "$cache/data"
        cp -a "$PGDATA" "$cache/pgdata" && cp -a "$WORK/data" "$cache/data"
        _cluster_pg_start || return 1
    fi
    pg createdb -h "$WORK" -p "$PGPORT" -U odoo -T meddev_deps "$DB" || return 1
    mkdir -p "$WORK/data/filestore" && cp -a "$WORK/data/filestore/meddev_deps" "$WORK/data/filestore/$DB" 2>/dev/null
    return 0
}
