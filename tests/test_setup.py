"""The two commands of the README: the Docker setup and the installed database."""

import os
import shutil
import subprocess
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
