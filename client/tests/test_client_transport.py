"""Transport: login, the JSON body (ASCII 29 intact), retries of reads only, timeouts."""

import json

import pytest
import requests
from meddev_client import (
    CapaRequest,
    ComplaintRequest,
    LoginFailed,
    MeddevClient,
    MeddevError,
    NcrRequest,
    TransportError,
)
from meddev_client.testing import FakeOdoo

URL, DB = "http://odoo.test", "meddev"
GS = "\x1d"
PARSED = {
    "issuer": "gs1",
    "di": "08717648200274",
    "lot": "LOT-7",
    "serial": "SN-9",
    "expiry": "2027-01-31",
    "production_date": False,
    "quantity": False,
    "product_id": 42,
    "packaging_id": False,
    "pi_only": False,
    "extra": {},
}


@pytest.fixture
def odoo():
    return FakeOdoo(users={"admin": ("admin", 2), "mes-bot": ("0123456789abcdef0123456789abcdef01234567", 9)})


def connect(odoo, login="admin", password="admin", **options):
    options.setdefault("backoff", 0)
    return MeddevClient.connect(URL, DB, login, password, session=odoo.session(), **options)


def test_login_with_a_password_posts_authenticate_to_jsonrpc(odoo):
    client = connect(odoo)
    assert client.uid == 2
    [payload] = odoo.payloads
    assert payload["jsonrpc"] == "2.0" and payload["method"] == "call"
    assert payload["params"] == {
        "service": "common",
        "method": "authenticate",
        "args": [DB, "admin", "admin", {}],
    }


def test_login_with_an_api_key_is_the_same_call(odoo):
    key = "0123456789abcdef0123456789abcdef01234567"
    client = connect(odoo, "mes-bot", key)
    assert client.uid == 9
    assert odoo.payloads[0]["params"]["args"] == [DB, "mes-bot", key, {}]
    odoo.answer("md.audit.entry", "verify_chain", {"ok": True, "checked": 3, "first_broken_id": False})
    client.verify_chain()
    params = odoo.payloads[-1]["params"]
    assert params["service"] == "object" and params["method"] == "execute_kw"
    assert params["args"] == [DB, 9, key, "md.audit.entry", "verify_chain", [], {}]


def test_login_failure_raises_login_failed(odoo):
    with pytest.raises(LoginFailed) as error:
        connect(odoo, "admin", "wrong")
    assert "admin" in error.value.message and error.value.odoo_name is None


def test_calls_before_login_are_refused(odoo):
    client = MeddevClient(URL, DB, session=odoo.session())
    with pytest.raises(MeddevError, match="Not logged in"):
        client.call("res.partner", "search", [])
    assert not odoo.bodies


def test_version_needs_no_login(odoo):
    client = MeddevClient(URL, DB, session=odoo.session())
    assert client.version()["server_version"] == "18.0"


def test_the_group_separator_travels_intact_in_the_json_body(odoo):
    client = connect(odoo)
    odoo.answer("md.udi", "parse", PARSED)
    raw = f"0108717648200274{GS}10LOT-7{GS}21SN-9"
    client.parse_udi(raw)
    body = odoo.bodies[-1]
    assert json.loads(body)["params"]["args"][5] == [raw]
    assert b"\\u001d" in body, "ASCII 29 escaped as JSON requires, never substituted or dropped"
    assert b"<GS>" not in body
    assert odoo.calls[-1] == ("md.udi", "parse", [raw], {})


def test_non_ascii_text_is_sent_as_utf8(odoo):
    client = connect(odoo)
    odoo.answer("stock.lot", "create", 5)
    client.call("stock.lot", "create", {"name": "批号-1"})
    assert "批号-1".encode() in odoo.bodies[-1]


def test_reads_are_retried_after_connection_errors(odoo):
    client = connect(odoo, retries=2)
    odoo.answer("md.udi", "parse", PARSED)
    odoo.fail_next(requests.ConnectionError("refused"), requests.Timeout("slow"))
    assert client.parse_udi("(01)08717648200274(10)LOT-7").lot == "LOT-7"
    assert len(odoo.bodies) == 1 + 3  # the login, then two failures and the answer


def test_verify_chain_is_retried(odoo):
    client = connect(odoo, retries=1)
    odoo.answer("md.audit.entry", "verify_chain", {"ok": True, "checked": 3, "first_broken_id": False})
    odoo.fail_next(requests.ConnectionError("reset"))
    assert client.verify_chain().ok


def test_reads_give_up_after_the_configured_retries(odoo):
    client = connect(odoo, retries=1)
    odoo.fail_next(*[requests.ConnectionError("down")] * 2)
    with pytest.raises(TransportError, match="down"):
        client.verify_chain()
    assert len(odoo.bodies) == 1 + 2


@pytest.mark.parametrize(
    "write",
    [
        lambda c: c.scan("stock.picking", 1, "0108717648200274"),
        lambda c: c.scan_batch("stock.picking", 1, ["0108717648200274"]),
        lambda c: c.sign("md.lot.hold", [1], "released", "pw", "ok"),
        lambda c: c.place_hold([1], "seal failure"),
        lambda c: c.release_holds([1], "outside scope"),
        lambda c: c.ingest_readings(
            [{"logger": "LG", "measured_at": "2026-11-03T14:05:00", "temperature": 4}]
        ),
        lambda c: c.call("res.partner", "search", []),
        lambda c: c.release_batch([1], "pw", "ok"),
        lambda c: c.reject_batch([1], "pw", "ko"),
        lambda c: c.create_ncr(NcrRequest(product_id=1, quantity=1, description="x")),
        lambda c: c.create_capa(CapaRequest(title="t", problem_statement="p")),
        lambda c: c.create_complaint(ComplaintRequest(title="t", description="d")),
        lambda c: c.create_recall([1]),
        lambda c: c.compute_recall_scope(1),
        lambda c: c.start_recall(1),
        lambda c: c.record_notification([1], "phone", "Dr. Li"),
        lambda c: c.record_acknowledgement([1], "Dr. Li"),
    ],
    ids=[
        "scan",
        "scan_batch",
        "sign",
        "place_hold",
        "release_holds",
        "ingest_readings",
        "call",
        "release_batch",
        "reject_batch",
        "create_ncr",
        "create_capa",
        "create_complaint",
        "create_recall",
        "compute_recall_scope",
        "start_recall",
        "record_notification",
        "record_acknowledgement",
    ],
)
def test_writes_and_scans_are_never_retried(odoo, write):
    client = connect(odoo, retries=5)
    odoo.fail_next(requests.Timeout("read timed out"))
    with pytest.raises(TransportError, match="not retried"):
        write(client)
    assert len(odoo.bodies) == 1 + 1


@pytest.mark.parametrize(
    ("model", "method", "answer", "read"),
    [
        ("md.quality.dhr", "search_read", [], lambda c: c.dhrs(lot_ids=[1])),
        ("stock.lot", "read", [{"id": 1, "md_release_state": "released"}], lambda c: c.release_state(1)),
        ("md.recall", "md_status", [], lambda c: c.recall_status(1)),
        ("md.recall.customer", "search_read", [], lambda c: c.recall_customers(1)),
        ("md.registration", "read", [], lambda c: c.registrations([])),
    ],
    ids=["dhrs", "release_state", "recall_status", "recall_customers", "registrations"],
)
def test_new_reads_are_retried(odoo, model, method, answer, read):
    client = connect(odoo, retries=1)
    odoo.answer(model, method, answer)
    odoo.fail_next(requests.Timeout("read timed out"))
    read(client)
    assert len(odoo.bodies) == 1 + 2


def test_a_batch_with_its_idempotency_key_is_retried(odoo):
    # The server applies a keyed batch once however often it is sent (md.scan.batch.key).
    client = connect(odoo, retries=2)
    answer = {"status": "added", "count": 1, "quantity": 1.0, "message": "1 scan added", "replayed": True}
    odoo.answer("md.scan", "scan_batch", answer)
    odoo.fail_next(requests.Timeout("read timed out"))
    result = client.scan_batch("stock.picking", 1, ["0108717648200274"], idempotency_key="hh-7:0001")
    assert result.replayed
    assert odoo.calls[-1] == (
        "md.scan",
        "scan_batch",
        ["stock.picking", 1, ["0108717648200274"], "hh-7:0001"],
        {},
    )
    assert len(odoo.bodies) == 1 + 2


def test_backoff_doubles_between_attempts(odoo):
    waits = []
    client = MeddevClient(URL, DB, session=odoo.session(), retries=3, backoff=0.25)
    client.transport._sleep = waits.append
    odoo.fail_next(*[requests.ConnectionError("down")] * 3)
    assert client.version()["server_version"] == "18.0"
    assert waits == [0.25, 0.5, 1.0]


def test_timeout_is_passed_to_requests():
    seen = {}

    class Recorder(FakeOdoo):
        def send(self, request, **kwargs):
            seen["timeout"] = kwargs.get("timeout")
            return super().send(request, **kwargs)

    client = MeddevClient(URL, DB, session=Recorder().session(), timeout=(3, 45))
    client.version()
    assert seen["timeout"] == (3, 45)


def test_a_proxy_error_page_is_a_transport_error():
    class Proxy(FakeOdoo):
        def send(self, request, **kwargs):
            response = requests.Response()
            response.status_code, response._content = 502, b"<html>Bad Gateway</html>"
            return response

    client = MeddevClient(URL, DB, session=Proxy().session(), retries=1, backoff=0)
    with pytest.raises(TransportError, match="HTTP 502"):
        client.version()
