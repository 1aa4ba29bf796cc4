#!/usr/bin/env bash
# Entrypoint of the odoo service in docker-compose.prod.yml.
#   serve       (default) serve the database $MEDDEV_DB; refuses an uninitialised one
#   init        create $MEDDEV_DB once with every project addon, WITHOUT demo data,
#               and print the generated password of the "admin" user
#   conf        only write the runtime configuration and print its path
#   ARGS...     odoo with the runtime configuration, e.g. -d meddev -u md_base --stop-after-init
# config/odoo-prod.conf holds no password: the runtime configuration is that
# file plus db_password, the hashed admin_passwd and md_audit_seal_key (the key
# of the audit trail checkpoints' seals) read from the Docker secrets, written with mode 600 into a tmpfs (never on disk, never on a
# command line).
set -euo pipefail
CONFIG_DIR=${MEDDEV_CONFIG_DIR:-/mnt/meddev-config}
SECRET_FILES=${MEDDEV_SECRET_FILES:-/run/secrets}
RUNTIME_CONF=${MEDDEV_RUNTIME_CONF:-/run/meddev/odoo.conf}
PYTHON=${MEDDEV_PYTHON:-python3}
DB=${MEDDEV_DB:-meddev}

secret() {
    local file="$SECRET_FILES/$1"
    [ -s "$file" ] || { echo "docker-start-prod: missing secret $file" >&2; exit 1; }
    head -n 1 "$file" | tr -d '\r\n'
}

write_conf() {
    local db_password admin_hash seal_key
    db_password=$(secret odoo_db_password)
    seal_key=$(secret md_audit_seal_key)
    # Odoo accepts a hashed master password (same scheme as it stores itself)
    admin_hash=$(secret odoo_admin_password |
        "$PYTHON" -c 'import sys; from odoo.tools.config import crypt_context; print(crypt_context.hash(sys.stdin.read()))')
    mkdir -p "$(dirname "$RUNTIME_CONF")"
    (
        umask 077
        {
            cat "$CONFIG_DIR/odoo-prod.conf"
            printf '\n; added by docker-start-prod.sh from the Docker secrets\n'
            printf 'db_password = %s\nadmin_passwd = %s\n' "$db_password" "$admin_hash"
            printf 'md_audit_seal_key = %s\n' "$seal_key"
            printf 'dbfilter = ^%s$\n' "$DB"
        } >"$RUNTIME_CONF"
    )
    # psql (the wait below, meddev-init.sh) reads the same password from a passfile
    (umask 077 && printf '*:*:*:*:%s\n' "$(sed 's/[\\:]/\\&/g' <<<"$db_password")" >"$(dirname "$RUNTIME_CONF")/pgpass")
    export PGPASSFILE
    PGPASSFILE="$(dirname "$RUNTIME_CONF")/pgpass"
}

prepare() {
    # as the demo setup: the project's Python requirements into the odoo user's
    # home (on the filestore volume, so only the first start downloads them)
    pip3 install --quiet --user --break-system-packages --no-warn-script-location \
        -r /mnt/meddev-requirements.txt
    until psql -d postgres -c 'SELECT 1' >/dev/null 2>&1; do
        echo "docker-start-prod: waiting for PostgreSQL at $PGHOST:$PGPORT"
        sleep 2
    done
}

initialised() {
    [ "$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = 'md_base'" 2>/dev/null)" = installed ]
}

mode=${1:-serve}
write_conf
case "$mode" in
conf)
    echo "$RUNTIME_CONF"
    ;;
init)
    prepare
    if initialised; then
        echo "docker-start-prod: database $DB exists; updates: -d $DB -u <addons> --stop-after-init"
        exit 0
    fi
    # without_demo = all in odoo-prod.conf: no demo data
    ODOO_BIN="odoo -c $RUNTIME_CONF" MEDDEV_DB="$DB" bash "$CONFIG_DIR/meddev-init.sh"
    # a new database's "admin" user has the password "admin": replace it
    password=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(18))')
    printf '%s\n' "env.ref('base.user_admin').password = '$password'" "env.cr.commit()" |
        odoo shell -c "$RUNTIME_CONF" -d "$DB" --no-http --log-level=warn >/dev/null
    echo "docker-start-prod: database $DB created; log in as admin with the password $password and change it"
    ;;
serve)
    prepare
    initialised || {
        echo "docker-start-prod: database $DB is not initialised: run" \
            "'docker compose -f docker-compose.prod.yml run --rm odoo init' first" >&2
        exit 1
    }
    exec odoo -c "$RUNTIME_CONF" -d "$DB"
    ;;
*)
    prepare
    exec odoo -c "$RUNTIME_CONF" "$@"
    ;;
esac
