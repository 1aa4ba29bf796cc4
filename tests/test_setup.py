"""The two commands of the README: the Docker setup and the installed database;
and the production setup (docker-compose.prod.yml, config/PRODUCTION.md), checked
as far as a machine without a Docker daemon allows."""

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_uses_the_official_images_with_a_healthy_database():
    services = compose()["services"]
    assert services["db"]["image"] == "postgres:16"
    assert services["odoo"]["image"] == "odoo:18.0"
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["odoo"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "8069:8069" in services["odoo"]["ports"]


def test_compose_keeps_database_and_filestore_in_named_volumes():
    spec = compose()
    assert set(spec["volumes"]) == {"meddev-db", "meddev-filestore"}
    assert "meddev-db:/var/lib/postgresql/data" in spec["services"]["db"]["volumes"]
    assert "meddev-filestore:/var/lib/odoo" in spec["services"]["odoo"]["volumes"]


def test_compose_mounts_exist_in_the_repository():
    for volume in compose()["services"]["odoo"]["volumes"]:
        source = volume.split(":")[0]
        if source.startswith("./"):
            assert (ROOT / source).exists(), volume
    command = compose()["services"]["odoo"]["command"]
    assert (ROOT / "config" / Path(command[-1]).name).exists()


def test_compose_file_is_valid_for_docker_compose():
    binary = shutil.which("docker-compose")
    if not binary:
        pytest.skip("docker-compose is not installed (.ci/run installs Debian's)")
    result = subprocess.run(
        [binary, "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def run_init(server, database):
    env = dict(
        os.environ,
        MEDDEV_DB=database,
        MEDDEV_ADDONS_DIR=str(ROOT / "addons"),
        PGHOST=os.environ["MEDDEV_PGHOST"],
        PGPORT=os.environ["MEDDEV_PGPORT"],
        PGUSER="odoo",
        # Must not be called when the database is already initialised.
        ODOO_BIN="false",
    )
    return subprocess.run(
        ["bash", str(ROOT / "config" / "meddev-init.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_init_script_is_idempotent_on_an_initialised_database(server):
    """The start script of the odoo container on its second start: nothing to do."""
    result = run_init(server, server["db"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "already has" in result.stdout


def test_init_script_installs_into_a_new_database(server):
    """On a first start the script calls Odoo to install every project addon."""
    result = run_init(server, "meddev_never_created")
    # ODOO_BIN=false stands in for Odoo: the script reached the install call
    assert result.returncode != 0
    assert "installing " + os.environ["MEDDEV_ADDONS"] in result.stdout


def test_every_project_addon_is_installed_with_demo_data(admin):
    names = os.environ["MEDDEV_ADDONS"].split(",")
    modules = admin(
        "ir.module.module", "search_read", [("name", "in", names)], fields=["name", "state", "demo"]
    )
    assert {m["name"]: m["state"] for m in modules} == dict.fromkeys(names, "installed")
    assert all(m["demo"] for m in modules)


# --- production setup: docker-compose.prod.yml -------------------------------

PROD = ROOT / "docker-compose.prod.yml"
PROD_CONF = ROOT / "config" / "odoo-prod.conf"
NGINX_CONF = ROOT / "config" / "nginx" / "meddev.conf"
START_PROD = ROOT / "config" / "docker-start-prod.sh"
SECRETS = {
    "postgres_password",
    "odoo_db_password",
    "replication_password",
    "odoo_admin_password",
    "md_audit_seal_key",
}


def prod_compose():
    return yaml.safe_load(PROD.read_text())


def repo_path(volume):
    """The repository file a "./path:/target" bind mount refers to."""
    return ROOT / volume.split(":")[0]


def postgres_settings(command):
    """{"wal_level": "replica", ...} from "postgres -c wal_level=replica ..."."""
    words = shlex.split(command) if isinstance(command, str) else command
    return dict(words[i + 1].split("=", 1) for i, word in enumerate(words) if word == "-c")


def test_prod_compose_has_the_production_services():
    services = prod_compose()["services"]
    assert set(services) == {"db", "db-replica", "odoo", "nginx"}
    assert services["db"]["image"] == services["db-replica"]["image"] == "postgres:16"
    assert services["odoo"]["image"] == "odoo:18.0"
    assert services["nginx"]["image"].startswith("nginx:")
    for name, service in services.items():
        assert service["restart"] in ("unless-stopped", "always"), name
        assert service["healthcheck"]["test"], name
        assert service["deploy"]["resources"]["limits"]["memory"], name
    # only the reverse proxy is reachable from outside
    assert [name for name, service in services.items() if "ports" in service] == ["nginx"]
    assert services["odoo"]["depends_on"]["db-replica"]["condition"] == "service_healthy"
    assert "meddev-prod-filestore:/var/lib/odoo" in services["odoo"]["volumes"]


def test_prod_compose_mounts_exist_in_the_repository():
    for service in prod_compose()["services"].values():
        for volume in service.get("volumes", []):
            if volume.startswith("./"):
                assert repo_path(volume).exists(), volume
    odoo = prod_compose()["services"]["odoo"]
    assert odoo["entrypoint"][-1] == "/mnt/meddev-config/" + START_PROD.name


def test_prod_postgres_primary_streams_to_a_hot_standby():
    services = prod_compose()["services"]
    primary = postgres_settings(services["db"]["command"])
    assert primary["wal_level"] == "replica"
    assert int(primary["max_wal_senders"]) > 0 and int(primary["max_replication_slots"]) > 0
    assert primary["hot_standby_feedback"] == "on"
    # a hot standby refuses to start with a lower max_connections (etc.) than its primary
    assert services["db-replica"]["command"] == services["db"]["command"]
    init = next(v for v in services["db"]["volumes"] if "/docker-entrypoint-initdb.d/" in v)
    init_sql = repo_path(init).read_text()
    assert "LOGIN REPLICATION" in init_sql and "host replication replicator" in init_sql
    assert "pg_create_physical_replication_slot('meddev_replica')" in init_sql
    assert "SUPERUSER" not in init_sql  # Odoo's role must not be a superuser
    entrypoint = next(v for v in services["db-replica"]["volumes"] if v.startswith("./config/"))
    replica = repo_path(entrypoint).read_text()
    assert "pg_basebackup" in replica and "--write-recovery-conf" in replica
    assert "SLOT=meddev_replica" in replica
    assert services["db-replica"]["entrypoint"][-1] == entrypoint.split(":")[1]


def test_prod_shell_scripts_parse():
    scripts = [START_PROD, *sorted((ROOT / "config" / "postgres").glob("*.sh"))]
    assert len(scripts) == 3
    for script in scripts:
        result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{script.name}: {result.stderr}"


def test_prod_compose_takes_every_password_from_a_secret_file():
    text = PROD.read_text()
    spec = prod_compose()
    assert set(spec["secrets"]) == SECRETS
    for name, secret in spec["secrets"].items():
        assert secret["file"].startswith("${MEDDEV_SECRETS_DIR:?"), name
        assert secret["file"].endswith("/" + name)
    # no default for a secret: every ${VAR...} naming one is required (":?")
    for var, operator in re.findall(r"\$\{(\w+)(:?[-?+]?)", text):
        if re.search("PASSWORD|SECRET|KEY|TOKEN|TLS", var):
            assert operator == ":?", f"${{{var}}} must be required"
    for name, service in spec["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if "PASSWORD" in key:
                assert key.endswith("_FILE") and value.startswith("/run/secrets/"), (name, key)
        assert set(service.get("secrets", [])) <= SECRETS, name
    assert "PGPASSWORD" not in text
    # the Odoo configuration in the repository holds no password either
    conf_keys = re.findall(r"^\s*(\w+)\s*=", PROD_CONF.read_text(), re.M)
    assert not {"admin_passwd", "db_password", "db_replica_password", "smtp_password"} & set(conf_keys)


def test_prod_nginx_proxies_the_websocket_with_the_proxy_headers():
    conf = NGINX_CONF.read_text()
    assert "server odoo:8069;" in conf and "server odoo:8072;" in conf
    locations = dict(re.findall(r"location (\S+) \{(.*?)\}", conf, re.S))
    assert "proxy_pass http://odoochat;" in locations["/websocket"]
    assert "proxy_set_header Upgrade $http_upgrade;" in locations["/websocket"]
    assert "proxy_set_header Connection $connection_upgrade;" in locations["/websocket"]
    assert "proxy_pass http://odoo;" in locations["/"]
    # proxy_set_header in a location replaces the server's: each location sets them
    for location in ("/websocket", "/"):
        for header in ("X-Forwarded-Host", "X-Forwarded-For", "X-Forwarded-Proto", "X-Real-IP"):
            assert f"proxy_set_header {header} " in locations[location], (location, header)
    assert re.search(r"client_max_body_size \d+m;", conf)
    assert "return 301 https://$host$request_uri;" in conf
    assert "ssl_certificate /etc/nginx/tls/" in conf and "gzip on;" in conf
    # nginx waits at least as long as Odoo lets a request run
    limit_time_real = int(re.search(r"^limit_time_real = (\d+)", PROD_CONF.read_text(), re.M)[1])
    assert int(re.search(r"proxy_read_timeout (\d+)s;", conf)[1]) >= limit_time_real
    nginx = prod_compose()["services"]["nginx"]
    assert "./config/nginx/meddev.conf:/etc/nginx/conf.d/default.conf:ro" in nginx["volumes"]


LOAD_CONF = """
import json, sys
from odoo.tools import config
config.parse_config(["-c", sys.argv[1]], setup_logging=False)
values = {key: config[key] for key in sys.argv[3:]}
values["verifies"] = bool(config.verify_admin_password(sys.argv[2]))
values["verifies_admin"] = bool(config.verify_admin_password("admin"))
print(json.dumps(values))
"""


def odoo_loads(path, password, *keys):
    """The configuration file as Odoo itself loads it (in a subprocess: config is global)."""
    if importlib.util.find_spec("odoo") is None:
        pytest.skip("Odoo 18.0 is not importable by this Python")
    result = subprocess.run(
        [sys.executable, "-c", LOAD_CONF, str(path), password, *keys],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_prod_odoo_conf_as_loaded_by_odoo():
    loaded = odoo_loads(
        PROD_CONF,
        "",
        *("workers", "max_cron_threads", "gevent_port", "proxy_mode", "list_db", "without_demo"),
        *("db_host", "db_user", "db_replica_host", "db_replica_port", "db_maxconn", "db_maxconn_gevent"),
        *("limit_memory_soft", "limit_memory_hard", "limit_time_cpu", "limit_time_real"),
    )
    assert loaded["workers"] > 0 and loaded["max_cron_threads"] > 0
    assert loaded["gevent_port"] == 8072
    assert loaded["proxy_mode"] is True and loaded["list_db"] is False
    assert loaded["without_demo"] == "all"
    assert (loaded["db_host"], loaded["db_user"]) == ("db", "odoo")
    assert (loaded["db_replica_host"], loaded["db_replica_port"]) == ("db-replica", 5432)
    assert 0 < loaded["db_maxconn"] <= 16
    assert 0 < loaded["limit_memory_soft"] < loaded["limit_memory_hard"]
    assert 0 < loaded["limit_time_cpu"] <= loaded["limit_time_real"]
    # PostgreSQL accepts every Odoo process's pool (config/PRODUCTION.md, "Connections")
    settings = postgres_settings(prod_compose()["services"]["db"]["command"])
    pools = (loaded["workers"] + loaded["max_cron_threads"]) * loaded["db_maxconn"] + loaded[
        "db_maxconn_gevent"
    ]
    assert int(settings["max_connections"]) >= pools + 3  # + superuser_reserved_connections


def run_start_prod(tmp_path, secrets, *args):
    secret_dir = tmp_path / "secrets"
    secret_dir.mkdir(exist_ok=True)
    for name, value in secrets.items():
        (secret_dir / name).write_text(value)
    env = dict(
        os.environ,
        MEDDEV_CONFIG_DIR=str(ROOT / "config"),
        MEDDEV_SECRET_FILES=str(secret_dir),
        MEDDEV_RUNTIME_CONF=str(tmp_path / "run" / "odoo.conf"),
        MEDDEV_PYTHON=sys.executable,
        MEDDEV_DB="meddev",
    )
    return subprocess.run(
        ["bash", str(START_PROD), *args], env=env, capture_output=True, text=True, check=False
    )


def test_prod_start_script_adds_the_secrets_to_the_runtime_conf(tmp_path):
    if importlib.util.find_spec("odoo") is None:
        pytest.skip("Odoo 18.0 is not importable by this Python")
    secrets = {
        "odoo_db_password": "db-pass-4711",
        "odoo_admin_password": "master-pass-4711\n",
        "md_audit_seal_key": "seal-key-4711",
    }
    result = run_start_prod(tmp_path, secrets, "conf")
    assert result.returncode == 0, result.stderr
    runtime = Path(result.stdout.strip())
    assert runtime.stat().st_mode & 0o077 == 0
    assert "master-pass-4711" not in runtime.read_text()  # stored hashed
    loaded = odoo_loads(
        runtime, "master-pass-4711", "db_password", "admin_passwd", "dbfilter", "workers", "md_audit_seal_key"
    )
    assert loaded["db_password"] == "db-pass-4711"
    assert loaded["md_audit_seal_key"] == "seal-key-4711"
    assert loaded["admin_passwd"].startswith("$pbkdf2-sha512$")
    assert loaded["verifies"] and not loaded["verifies_admin"]
    assert loaded["dbfilter"] == "^meddev$"
    assert loaded["workers"] > 0


def test_prod_start_script_refuses_to_start_without_its_secrets(tmp_path):
    result = run_start_prod(tmp_path, {"odoo_admin_password": "master"}, "conf")
    assert result.returncode != 0
    assert "missing secret" in result.stderr and "odoo_db_password" in result.stderr
    assert not (tmp_path / "run" / "odoo.conf").exists()


def compose_binary():
    """docker-compose (Debian's, installed by .ci/run) or the docker compose plugin."""
    if shutil.which("docker-compose"):
        return [shutil.which("docker-compose")]
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True, check=False).returncode == 0
    ):
        return [docker, "compose"]
    return None


def test_prod_compose_file_is_valid_for_docker_compose(tmp_path):
    binary = compose_binary()
    if not binary:
        pytest.skip("neither docker-compose nor docker compose is installed (.ci/run installs Debian's)")
    (tmp_path / "tls").mkdir()
    for name in SECRETS:
        (tmp_path / name).write_text("dummy-" + name)
    command = [*binary, "-f", str(PROD), "config", "--quiet"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("MEDDEV_")}
    result = subprocess.run(
        command, env=dict(env, MEDDEV_SECRETS_DIR=str(tmp_path)), capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    # without the secrets directory it refuses to start
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "MEDDEV_SECRETS_DIR" in result.stderr
