"""Fixtures for the repository-level tests.

tests/run.sh starts an Odoo server on the freshly installed test database and
passes its address in MEDDEV_URL / MEDDEV_DB; end-to-end tests talk to it over
XML-RPC and JSON-RPC exactly as an integrator would: the contracts through the
typed client of client/ (``meddev_client``), as an integrator calls them, the
XML-RPC specifics and the adversarial suites raw. Pure-Python tests need none of
this.
"""

import os
import sys
import xmlrpc.client
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "client"))
from meddev_client import MeddevClient

ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "admin"


class Rpc:
    """A logged-in XML-RPC session: rpc("model", "method", *args, **kwargs)."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url, db, password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise AssertionError(f"XML-RPC login of {login!r} failed")
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)


def xmlid_to_res_id(rpc, xmlid):
    """The database id behind an external id such as "md_base.group_md_user"."""
    module, name = xmlid.split(".", 1)
    domain = [("module", "=", module), ("name", "=", name)]
    found = rpc("ir.model.data", "search_read", domain, fields=["res_id"])
    if not found:
        raise AssertionError(f"external id {xmlid} does not exist")
    return found[0]["res_id"]


@pytest.fixture(scope="session")
def server():
    url, db = os.environ.get("MEDDEV_URL"), os.environ.get("MEDDEV_DB")
    if not (url and db):
        pytest.skip("no running Odoo server: run through tests/run.sh")
    return {"url": url, "db": db}


@pytest.fixture(scope="session")
def admin(server):
    return Rpc(server["url"], server["db"], ADMIN_LOGIN, ADMIN_PASSWORD)


@pytest.fixture(scope="session")
def login_as(server, admin):
    """Create (once) a user with the given groups and return an Rpc session for them."""
    sessions = {}

    def make(login, groups):
        if login not in sessions:
            group_ids = [xmlid_to_res_id(admin, xmlid) for xmlid in groups]
            existing = admin("res.users", "search", [("login", "=", login)])
            if not existing:
                admin(
                    "res.users",
                    "create",
                    {
                        "name": login.replace("_", " ").title(),
                        "login": login,
                        "password": login + "-Pw1!",
                        "groups_id": [(6, 0, group_ids)],
                    },
                )
            sessions[login] = Rpc(server["url"], server["db"], login, login + "-Pw1!")
        return sessions[login]

    return make


@pytest.fixture(scope="session")
def admin_client(server):
    """The administrator's ``MeddevClient`` session."""
    return MeddevClient.connect(server["url"], server["db"], ADMIN_LOGIN, ADMIN_PASSWORD, timeout=120)


@pytest.fixture(scope="session")
def client_as(server, login_as):
    """Like ``login_as``, but the session is a ``MeddevClient`` (password: login + "-Pw1!")."""
    clients = {}

    def make(login, groups):
        if login not in clients:
            login_as(login, groups)
            clients[login] = MeddevClient.connect(
                server["url"], server["db"], login, login + "-Pw1!", timeout=120
            )
        return clients[login]

    return make
