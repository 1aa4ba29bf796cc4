"""Odoo's JSON-RPC error payload mapped to the client's exceptions."""

import pytest
from meddev_client import (
    AccessRefused,
    InvalidData,
    LoginFailed,
    MeddevClient,
    MeddevError,
    RecordMissing,
    RuleRefused,
    ServerError,
)
from meddev_client.errors import error_from_payload
from meddev_client.testing import FakeOdoo, odoo_error


@pytest.fixture
def odoo():
    return FakeOdoo()


@pytest.fixture
def client(odoo):
    return MeddevClient.connect("http://odoo.test", "meddev", "admin", "admin", session=odoo.session())


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("odoo.exceptions.UserError", RuleRefused),
        ("odoo.exceptions.AccessError", AccessRefused),
        ("odoo.exceptions.ValidationError", InvalidData),
        ("odoo.exceptions.MissingError", RecordMissing),
        ("odoo.exceptions.AccessDenied", LoginFailed),
        ("builtins.KeyError", ServerError),
        ("psycopg2.errors.SerializationFailure", ServerError),
    ],
)
def test_each_odoo_exception_has_its_class(odoo, client, name, cls):
    odoo.fail("stock.lot", "md_recall_scope", name, "What went wrong")
    with pytest.raises(cls) as error:
        client.recall_scope([7])
    assert isinstance(error.value, MeddevError)
    assert (error.value.message, error.value.odoo_name, str(error.value)) == (
        "What went wrong",
        name,
        "What went wrong",
    )
    assert error.value.code == 200 and name in error.value.debug


def test_a_refused_udi_carries_the_servers_message(odoo, client):
    # recorded from md.udi.parse("0100614141123453")
    message = "Invalid UDI: GTIN 00614141123453 in AI (01): check digit should be 2"
    odoo.fail("md.udi", "parse", "odoo.exceptions.UserError", message)
    with pytest.raises(RuleRefused, match="check digit should be 2") as error:
        client.parse_udi("0100614141123453")
    assert error.value.message == message and error.value.arguments == [message]


def test_a_wrong_password_on_a_call_is_login_failed(odoo, client):
    client._password = "changed"
    with pytest.raises(LoginFailed) as error:
        client.call("res.partner", "search", [])
    assert error.value.odoo_name == "odoo.exceptions.AccessDenied"


def test_error_without_data_is_a_server_error():
    error = error_from_payload({"code": 404, "message": "404: Not Found"})
    assert type(error) is ServerError and error.message == "404: Not Found" and error.odoo_name is None
    assert type(error_from_payload("nonsense")) is ServerError


def test_payload_shape_matches_odoo():
    payload = odoo_error("odoo.exceptions.UserError", "No.")
    assert set(payload["data"]) == {"name", "debug", "message", "arguments", "context"}
    assert type(error_from_payload(payload)) is RuleRefused
