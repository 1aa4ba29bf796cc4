"""The event outbox: events written in the transaction of their change, delivered as signed
JSON to a local HTTP receiver that fails and recovers, in order per record, retried with a
growing delay, dead-lettered after the endpoint's attempts: nothing lost, and a repeat always
carries the same event id."""

import hashlib
import hmac
import json
import threading
import xmlrpc.client
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

SECRET = "s3cret-for-tests"


class Receiver:
    """A local HTTP endpoint answering the statuses it is given, 200 once they run out."""

    def __init__(self):
        self.statuses, self.received = [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ids(self):
        return [json.loads(body)["id"] for _headers, body in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@tagged("post_install", "-at_install")
class TestEventOutbox(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = Receiver()
        cls.addClassCleanup(cls.receiver.close)
        cls.endpoint = cls.env["md.event.endpoint"].create(
            {"name": "MES", "url": cls.receiver.url, "secret": SECRET, "max_attempts": 3}
        )
        cls.partner_a, cls.partner_b = cls.env["res.partner"].create([{"name": "Lot A"}, {"name": "Lot B"}])

    def setUp(self):
        super().setUp()
        self.receiver.statuses.clear()
        self.receiver.received.clear()

    def emit(self, records, event_type="lot.hold.placed"):
        return self.env["md.event"]._md_emit(event_type, records, lambda record: {"name": record.name})

    def deliver(self):
        self.env["md.event"]._md_deliver_due()

    def make_due(self, events):
        events.write({"next_attempt_at": fields.Datetime.now() - timedelta(seconds=1)})

    def test_an_event_exists_only_if_its_change_was_committed(self):
        emitted = []
        with self.assertRaisesRegex(RuntimeError, "the change fails"), self.env.cr.savepoint():
            emitted.append(self.emit(self.partner_a).event_uid)
            raise RuntimeError("the change fails")
        self.assertFalse(self.env["md.event"].search([("event_uid", "in", emitted)]))
        event = self.emit(self.partner_a)
        self.assertEqual(
            (event.state, event.endpoint_id, event.res_id), ("pending", self.endpoint, self.partner_a.id)
        )

    def test_the_delivery_is_json_signed_with_the_endpoints_secret(self):
        event = self.emit(self.partner_a)
        self.deliver()
        self.assertEqual((event.state, event.attempts, event.last_status), ("sent", 1, 200))
        [(headers, body)] = self.receiver.received
        expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        self.assertEqual(headers["X-MedDev-Signature"], f"sha256={expected}")
        self.assertEqual(headers["X-MedDev-Event-Id"], event.event_uid)
        message = json.loads(body)
        self.assertEqual(
            (message["id"], message["type"], message["model"], message["data"]),
            (event.event_uid, "lot.hold.placed", "res.partner", {"name": "Lot A"}),
        )

    def test_empty_values_are_left_out_so_xmlrpc_can_read_the_log(self):
        """XML-RPC has no null: an event whose data has empty values reads over XML-RPC."""
        event = self.env["md.event"]._md_emit(
            "lot.hold.placed",
            self.partner_a,
            lambda record: {"name": record.name, "source": None, "lots": [{"id": 1, "expiry": None}, None]},
        )
        self.assertEqual(event.payload["data"], {"name": "Lot A", "lots": [{"id": 1}]})
        xmlrpc.client.dumps((event.read(["payload"])[0],), methodresponse=True, allow_none=False)

    def test_a_failing_receiver_gets_the_event_again_until_it_recovers(self):
        self.receiver.statuses[:] = [500, 503]
        event = self.emit(self.partner_a)
        self.deliver()
        self.assertEqual((event.state, event.attempts, event.last_status), ("pending", 1, 500))
        self.assertGreater(event.next_attempt_at, fields.Datetime.now() + timedelta(seconds=50))
        self.deliver()  # not due yet: nothing sent
        self.assertEqual(len(self.receiver.received), 1)
        self.make_due(event)
        self.deliver()
        self.assertGreater(event.next_attempt_at, fields.Datetime.now() + timedelta(seconds=110))  # doubled
        self.make_due(event)
        self.deliver()
        self.assertEqual((event.state, event.attempts), ("sent", 3))
        self.assertEqual(self.receiver.ids(), [event.event_uid] * 3)

    def test_the_events_of_a_record_go_in_order(self):
        self.receiver.statuses[:] = [500]
        first = self.emit(self.partner_a)
        second = self.emit(self.partner_a, "lot.hold.released")
        other = self.emit(self.partner_b)
        self.deliver()
        # The first of A failed: the second of A waits behind it; B's event is not held back.
        self.assertEqual(self.receiver.ids(), [first.event_uid, other.event_uid])
        self.assertEqual((second.state, second.attempts), ("pending", 0))
        self.make_due(first)
        self.deliver()
        self.assertEqual(self.receiver.ids()[2:], [first.event_uid, second.event_uid])
        self.assertEqual((first | second | other).mapped("state"), ["sent"] * 3)

    def test_a_dead_letter_holds_back_its_record_until_requeued(self):
        self.receiver.statuses[:] = [500, 500, 500]
        dead = self.emit(self.partner_a)
        later = self.emit(self.partner_a, "lot.hold.released")
        for _attempt in range(3):
            self.make_due(dead)
            self.deliver()
        self.assertEqual((dead.state, dead.attempts), ("dead", 3))
        self.assertEqual(later.state, "pending")
        self.assertEqual(self.receiver.ids(), [dead.event_uid] * 3)
        dead.action_requeue()
        self.deliver()
        self.assertEqual((dead.state, later.state), ("sent", "sent"))
        self.assertEqual(self.receiver.ids()[3:], [dead.event_uid, later.event_uid])

    def test_an_unreachable_receiver_is_a_failed_attempt(self):
        closed = Receiver()
        closed.close()
        self.endpoint.url = closed.url
        event = self.emit(self.partner_a)
        self.deliver()
        self.assertEqual((event.state, event.attempts, event.last_status), ("pending", 1, 0))
        self.assertTrue(event.last_response)

    def test_an_endpoint_takes_only_its_event_types(self):
        self.endpoint.event_types = "batch, recall.started"
        self.assertFalse(self.emit(self.partner_a, "lot.hold.placed"))
        self.assertTrue(self.emit(self.partner_a, "batch.released"))
        self.assertTrue(self.emit(self.partner_a, "recall.started"))
        self.assertTrue(self.emit(self.partner_a, "batch.rejected.concession"))
        self.assertFalse(self.emit(self.partner_a, "batches.released"), "a prefix matches whole parts")

    def test_the_log_is_read_only_and_hidden_from_plain_users(self):
        event = self.emit(self.partner_a)
        user = new_test_user(self.env, "md_outbox_user", groups="md_base.group_md_user")
        with self.assertRaises(AccessError):
            event.with_user(user).read(["payload"])
        security = new_test_user(self.env, "md_outbox_security", groups="md_base.group_md_security_manager")
        self.assertEqual(event.with_user(security).read(["event_type"])[0]["event_type"], "lot.hold.placed")
        with self.assertRaises(AccessError):
            event.with_user(security).write({"state": "sent"})
        with self.assertRaises(AccessError):
            self.endpoint.with_user(security).read(["secret"])
