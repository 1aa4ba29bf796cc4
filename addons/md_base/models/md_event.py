"""The event outbox: what integrators hear about, written in the transaction of the change.

An adopting model calls ``self.env["md.event"]._md_emit(event_type, records, payload)`` where
the change happens (a hold placed, a batch released...). One outbox row per event and endpoint
is written in that same transaction, so an event exists exactly when its change was committed.
A job delivers them: an HTTP POST of JSON signed with the endpoint's secret (HMAC-SHA256), in
order per record and endpoint, retried with a growing delay, and set aside as a dead letter
after the endpoint's number of attempts; a dead letter holds back the later events of its record
until an administrator requeues it. Delivery is at least once: a receiver that answered but
whose answer was lost gets the event again with the same event id, which is how it tells a
repeat from a new event. The rows are the interface log (接口日志).
"""

import hashlib
import hmac
import json
import logging
import uuid
from datetime import timedelta

import requests

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

STATES = [("pending", "Pending"), ("sent", "Delivered"), ("dead", "Dead Letter")]
RESPONSE_KEPT = 2000  # characters of a receiver's answer kept in the log
MAX_DELAY = timedelta(hours=6)


class MdEvent(models.Model):
    _name = "md.event"
    _description = "Outgoing Event"
    _order = "id desc"

    event_uid = fields.Char("Event ID", required=True, readonly=True, index=True)
    event_type = fields.Char(required=True, readonly=True, index=True)
    endpoint_id = fields.Many2one(
        "md.event.endpoint", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    res_model = fields.Char("Model", required=True, readonly=True)
    res_id = fields.Integer("Record", required=True, readonly=True)
    payload = fields.Json(readonly=True)
    state = fields.Selection(STATES, required=True, default="pending", readonly=True, index=True)
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime("Next Attempt", readonly=True, index=True)
    last_attempt_at = fields.Datetime("Last Attempt", readonly=True)
    last_status = fields.Integer("Last HTTP Status", readonly=True)
    last_response = fields.Text(readonly=True)
    sent_at = fields.Datetime("Delivered On", readonly=True)

    # --- emitting ---------------------------------------------------------------------------

    @api.model
    def _md_emit(self, event_type, records, payload):
        """Write the event ``event_type`` of each record for every endpoint that takes it, in the
        caller's transaction. ``payload(record)`` gives each record's data (JSON-serialisable);
        its empty (None) values are left out, so that the interface log reads over XML-RPC, which
        has no null, as over JSON-RPC."""
        endpoints = self.env["md.event.endpoint"].sudo().search([])
        if not endpoints or not records:
            return self.browse()
        now = fields.Datetime.now()
        vals_list = []
        for record in records:
            company = record.company_id if "company_id" in record._fields else self.env.company
            takers = endpoints.filtered(
                lambda endpoint, company=company: endpoint._md_takes(event_type, company)
            )
            if not takers:
                continue
            event_uid, data = str(uuid.uuid4()), _without_nulls(payload(record))
            vals_list += [
                {
                    "event_uid": event_uid,
                    "event_type": event_type,
                    "endpoint_id": endpoint.id,
                    "company_id": company.id,
                    "res_model": record._name,
                    "res_id": record.id,
                    "payload": {"occurred_at": fields.Datetime.to_string(now), "data": data},
                    "next_attempt_at": now,
                }
                for endpoint in takers
            ]
        return self.sudo().create(vals_list)

    # --- delivering ---------------------------------------------------------------------------

    @api.model
    def _md_deliver_due(self, limit=200, auto_commit=False):
        """Deliver the events that are due, oldest first, each record's in order. The job commits
        after each delivery (``auto_commit``, as mail's queue does): a crash then loses no outcome,
        and at worst resends the one event in flight, with its id."""
        delivered = 0
        # A delivered event frees the next one of its record: look again until none is due
        # (every attempt either delivers an event or moves it out of the due ones).
        while delivered < limit and (events := self.sudo()._md_due(limit - delivered)):
            for event in events:
                event._md_deliver()
                if auto_commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
            delivered += len(events)
        return True

    def _md_due(self, limit):
        """Due pending events that no earlier undelivered event of the same record and endpoint
        holds back, locked so that two jobs never send the same event at once."""
        self.env["md.event"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT e.id FROM md_event e
                 WHERE e.state = 'pending' AND e.next_attempt_at <= %(now)s
                   AND NOT EXISTS (SELECT 1 FROM md_event earlier
                                    WHERE earlier.endpoint_id = e.endpoint_id
                                      AND earlier.res_model = e.res_model AND earlier.res_id = e.res_id
                                      AND earlier.id < e.id AND earlier.state != 'sent')
                 ORDER BY e.id
                 LIMIT %(limit)s
                 FOR UPDATE SKIP LOCKED
                """,
                now=fields.Datetime.now(),
                limit=limit,
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _md_body(self):
        self.ensure_one()
        return json.dumps(
            {
                "id": self.event_uid,
                "type": self.event_type,
                "model": self.res_model,
                "res_id": self.res_id,
                "company_id": self.company_id.id or None,
                "occurred_at": (self.payload or {}).get("occurred_at"),
                "data": (self.payload or {}).get("data"),
            },
            ensure_ascii=False,
            sort_keys=True,
        ).encode()

    def _md_deliver(self):
        """One attempt at delivering this event; the outcome is written on it."""
        self.ensure_one()
        endpoint = self.endpoint_id.sudo()
        body = self._md_body()
        signature = hmac.new(endpoint.secret.encode(), body, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-MedDev-Event": self.event_type,
            "X-MedDev-Event-Id": self.event_uid,
            "X-MedDev-Signature": f"sha256={signature}",
        }
        now = fields.Datetime.now()
        try:
            response = requests.post(endpoint.url, data=body, headers=headers, timeout=endpoint.timeout)
            status, text = response.status_code, response.text
        except requests.RequestException as error:
            status, text = 0, str(error)
        attempts = self.attempts + 1
        values = {
            "attempts": attempts,
            "last_attempt_at": now,
            "last_status": status,
            "last_response": text[:RESPONSE_KEPT],
        }
        if 200 <= status < 300:
            values.update(state="sent", sent_at=now, next_attempt_at=False)
        elif attempts >= endpoint.max_attempts:
            values.update(state="dead", next_attempt_at=False)
            _logger.warning(
                "Event %s to %s is a dead letter after %s attempts", self.event_uid, endpoint.name, attempts
            )
        else:
            values["next_attempt_at"] = now + min(timedelta(minutes=2 ** (attempts - 1)), MAX_DELAY)
        self.write(values)

    def action_requeue(self):
        """An administrator sends dead letters again, once the receiver is fixed."""
        if not self.env.user.has_group("base.group_system"):
            raise UserError(self.env._("Only an administrator requeues dead letters."))
        dead = self.filtered(lambda event: event.state == "dead")
        dead.sudo().write({"state": "pending", "attempts": 0, "next_attempt_at": fields.Datetime.now()})
        return True


def _without_nulls(value):
    """The JSON value without its None members (in objects and arrays, at any depth)."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value if item is not None]
    return value
