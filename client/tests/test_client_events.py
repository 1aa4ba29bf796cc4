"""verify_event: the receiver's check of a delivered event (no server)."""

import datetime
import hashlib
import hmac
import json

import pytest
from meddev_client import BadEvent, Event, verify_event
from meddev_client.events import sign_body

SECRET = "s3cret"
# md.event._md_body: sorted keys, UTF-8
BODY = json.dumps(
    {
        "company_id": 1,
        "data": {"hold_id": 31, "lot": "批号-7", "lot_id": 7, "reason": "Recall RC-1"},
        "id": "0b5c3e53-4c2f-4a55-9c1e-8e3f0c6a9d11",
        "model": "md.lot.hold",
        "occurred_at": "2026-03-02 08:15:00",
        "res_id": 31,
        "type": "lot.hold.placed",
    },
    ensure_ascii=False,
    sort_keys=True,
).encode()
SIGNATURE = sign_body(BODY, SECRET)


def test_a_signed_event_is_verified_and_typed():
    event = verify_event(BODY, SIGNATURE, SECRET)
    assert isinstance(event, Event)
    assert (event.type, event.model, event.res_id, event.company_id) == (
        "lot.hold.placed",
        "md.lot.hold",
        31,
        1,
    )
    assert event.occurred_at == datetime.datetime(2026, 3, 2, 8, 15, tzinfo=datetime.UTC)
    assert event.data["lot"] == "批号-7"
    assert verify_event(BODY, SIGNATURE, SECRET.encode()) == event


def test_the_signature_is_the_hex_hmac_sha256_of_the_body():
    # what md.event._md_deliver sends: "sha256=" + hmac.new(secret, body, sha256).hexdigest()
    assert "sha256=" + hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest() == SIGNATURE


@pytest.mark.parametrize(
    ("body", "signature", "secret"),
    [
        (BODY, SIGNATURE, "wrong-secret"),
        (BODY.replace(b"RC-1", b"RC-2"), SIGNATURE, SECRET),
        (BODY, None, SECRET),
        (BODY, "", SECRET),
        (BODY, SIGNATURE.removeprefix("sha256="), SECRET),
    ],
    ids=["other secret", "altered body", "no header", "empty header", "no prefix"],
)
def test_a_forged_or_altered_event_is_refused(body, signature, secret):
    with pytest.raises(BadEvent, match="signature"):
        verify_event(body, signature, secret)


def test_a_signed_body_that_is_no_event_is_refused():
    body = b'{"hello": "world"}'
    with pytest.raises(BadEvent, match="not a MedDev event"):
        verify_event(body, sign_body(body, SECRET), SECRET)
