"""The event outbox end to end: an integrator's receiver gets a new nonconformance as signed JSON
and checks it with the client's ``verify_event`` (HMAC-SHA256 of the raw body with the shared
secret).

The delivery job (md_base's cron) is run at once by the administrator; the endpoint is switched
off afterwards, so later tests emit nothing to it. (An NCR's payload has no null value: the
XML-RPC read of an event whose payload holds one fails on the server: a null cannot be
marshalled.)
"""

import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import xmlid_to_res_id
from meddev_client import BadEvent, NcrRequest, verify_event
from meddev_client.events import EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER

SECRET = "e2e-" + uuid.uuid4().hex


@pytest.fixture
def receiver():
    """A local HTTP endpoint storing what it receives and answering 204."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/meddev-events", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(admin_client, receiver):
    url, _received = receiver
    endpoint_id = admin_client.call(
        "md.event.endpoint",
        "create",
        {"name": "E2E receiver", "url": url, "secret": SECRET, "event_types": "ncr"},
    )
    yield endpoint_id
    admin_client.call("md.event.endpoint", "write", [endpoint_id], {"active": False})


def test_a_new_ncr_arrives_signed_and_verified(admin_client, receiver, endpoint):
    _url, received = receiver
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin_client.call(
        "product.product", "create", {"name": f"Event Stent {tag}", "is_storable": True, "tracking": "lot"}
    )
    lot_id = admin_client.call("stock.lot", "create", {"name": f"EVT-{tag}", "product_id": product_id})
    ncr = admin_client.create_ncr(
        NcrRequest(product_id=product_id, lot_ids=[lot_id], quantity=3, description="Event e2e: seal check")
    )
    cron_id = xmlid_to_res_id(admin_client.call, "md_base.ir_cron_md_event_delivery")
    admin_client.call("ir.cron", "method_direct_trigger", [cron_id])

    [(headers, body)] = received
    event = verify_event(body, headers[SIGNATURE_HEADER], SECRET)
    assert (event.type, event.model, event.res_id) == ("ncr.opened", "md.quality.ncr", ncr.id)
    assert (headers[EVENT_TYPE_HEADER], headers[EVENT_ID_HEADER]) == (event.type, event.id)
    assert event.data == {
        "ncr": ncr.name,
        "source": "production",
        "severity": "major",
        "product_id": product_id,
        "lot_ids": [lot_id],
        "lots": [f"EVT-{tag}"],
        "description": "Event e2e: seal check",
    }
    assert event.occurred_at.tzinfo is not None
    domain = [("event_uid", "=", event.id)]
    [delivered] = admin_client.search_read("md.event", domain, ["state", "last_status"])
    assert (delivered["state"], delivered["last_status"]) == ("sent", 204)
    with pytest.raises(BadEvent):
        verify_event(body, headers[SIGNATURE_HEADER], "another-secret")
    with pytest.raises(BadEvent):
        verify_event(body.replace(b"seal check", b"seal checked"), headers[SIGNATURE_HEADER], SECRET)
