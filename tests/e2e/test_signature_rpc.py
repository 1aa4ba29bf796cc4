"""Electronic signatures through the typed client (21 CFR 11.70, 11.200, 11.300).

Signable records expose ``md_sign(ids, meaning, password, reason)``; the
signatures are ``md.signature`` records that nobody, administrators included,
can create, change, copy or delete through RPC.
"""

import uuid

import pytest
from conftest import xmlid_to_res_id
from meddev_client import AccessRefused, MeddevError, RuleRefused

GROUPS = {
    "e2e_sig_user": ["md_base.group_md_user"],
    "e2e_sig_inspector": ["md_base.group_md_quality_inspector"],
    "e2e_sig_approver": ["md_base.group_md_release_approver"],
    "e2e_sig_manager": ["md_base.group_md_quality_manager"],
    "e2e_sig_regulatory": ["md_base.group_md_regulatory"],
    "e2e_sig_security": ["md_base.group_md_security_manager"],
}


def password(login):
    return login + "-Pw1!"


@pytest.fixture(scope="module")
def session_as(client_as):
    def make(login):
        return client_as(login, GROUPS[login])

    return make


def xmlid_to_id(client, xmlid):
    return xmlid_to_res_id(client.call, xmlid)


@pytest.fixture(scope="module")
def release_rule(admin_client):
    """The (md.lot.hold, released) rule: quality managers, not the hold's author."""
    [model_id] = admin_client.call("ir.model", "search", [("model", "=", "md.lot.hold")])
    meaning_id = xmlid_to_id(admin_client, "md_base.md_signature_meaning_released")
    vals = {
        "group_ids": [(6, 0, [xmlid_to_id(admin_client, "md_base.group_md_quality_manager")])],
        "author_may_sign": False,
        "required": False,
    }
    rule_ids = admin_client.call(
        "md.signature.rule", "search", [("model_id", "=", model_id), ("meaning_id", "=", meaning_id)]
    )
    if rule_ids:
        admin_client.call("md.signature.rule", "write", rule_ids, vals)
    else:
        admin_client.call("md.signature.rule", "create", dict(vals, model_id=model_id, meaning_id=meaning_id))


def new_hold(admin_client):
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin_client.call(
        "product.product", "create", {"name": f"Valve {tag}", "is_storable": True, "tracking": "lot"}
    )
    lot_id = admin_client.call("stock.lot", "create", {"name": f"SIG-{tag}", "product_id": product_id})
    [hold_id] = admin_client.place_hold(lot_id, "Pending retest")
    return hold_id


def test_md_sign_releases_the_hold(admin_client, session_as, release_rule):
    hold_id = new_hold(admin_client)
    signer = session_as("e2e_sig_manager")
    with pytest.raises(RuleRefused, match="Wrong login or password"):
        signer.sign("md.lot.hold", hold_id, "released", "not-the-password", "Retested")
    signature_ids = signer.sign("md.lot.hold", hold_id, "released", password("e2e_sig_manager"), "Retested")
    [signature] = signer.signatures("md.lot.hold", hold_id)
    assert signature.id == signature_ids[0]
    assert (signature.res_model, signature.res_id) == ("md.lot.hold", hold_id)
    assert signature.signer_id == signer.uid
    assert (signature.meaning, signature.reason, signature.voided) == ("released", "Retested", False)
    assert signature.signed_at and len(signature.content_hash) == 64
    [hold] = admin_client.holds(
        admin_client.read("md.lot.hold", hold_id, ["lot_id"])[0]["lot_id"][0], active_only=False
    )
    assert hold.state == "released" and hold.released_by_id == signer.uid
    assert admin_client.call("md.lot.hold", "md_verify_signatures", [hold_id]) == [
        {"signature_id": signature.id, "valid": True}
    ]
    # the failed attempt was logged for the security managers
    failures = admin_client.search_read("md.signature.failure", [("user_id", "=", signer.uid)], ["cause"])
    assert [f["cause"] for f in failures][:1] == ["password"]


def test_author_and_unauthorised_groups_cannot_sign(admin_client, session_as, release_rule):
    hold_id = new_hold(admin_client)
    # the administrator placed the hold: segregation of duties
    with pytest.raises(RuleRefused, match="segregation of duties"):
        admin_client.sign("md.lot.hold", hold_id, "released", "admin", "Own hold")
    inspector = session_as("e2e_sig_inspector")
    with pytest.raises(AccessRefused, match="not allowed to sign"):
        inspector.sign("md.lot.hold", hold_id, "released", password("e2e_sig_inspector"), "No authority")


@pytest.fixture(scope="module")
def signed_hold(admin_client, session_as, release_rule):
    """A hold released with a signature: (hold id, [signature id])."""
    hold_id = new_hold(admin_client)
    signature_ids = session_as("e2e_sig_manager").sign(
        "md.lot.hold", hold_id, "released", password("e2e_sig_manager"), "Released"
    )
    return hold_id, signature_ids


@pytest.mark.parametrize("login", [*GROUPS, "admin"])
def test_nobody_creates_changes_copies_or_deletes_signatures(admin_client, session_as, signed_hold, login):
    client = admin_client if login == "admin" else session_as(login)
    hold_id, signature_ids = signed_hold
    [original] = admin_client.read("md.signature", signature_ids, ["res_id", "reason", "meaning"])
    # every Medical Devices user reads the signatures of the records they can read
    assert [s.id for s in client.signatures("md.lot.hold", hold_id)] == signature_ids
    forged = {
        "res_model": "md.lot.hold",
        "res_id": hold_id,
        "signer_id": client.uid,
        "signer_name": "Forger",
        "meaning_id": xmlid_to_id(admin_client, "md_base.md_signature_meaning_approved"),
        "meaning": "approved",
        "meaning_name": "Approved",
        "reason": "forged",
        "signed_at": "2026-01-01 00:00:00",
        "content_hash": "0" * 64,
        "company_id": 1,
    }
    attempts = [
        ("create", [forged]),
        ("write", [signature_ids, {"reason": "edited"}]),
        ("write", [signature_ids, {"res_id": hold_id + 1}]),
        ("write", [signature_ids, {"voided": True}]),
        ("copy", [signature_ids[0], {"res_id": hold_id}]),
        ("unlink", [signature_ids]),
    ]
    for method, args in attempts:
        with pytest.raises(MeddevError):
            client.call("md.signature", method, *args)
    [after] = admin_client.read("md.signature", signature_ids, ["res_id", "reason", "meaning"])
    assert after == original
    assert admin_client.call("md.signature", "search_count", [("reason", "=", "forged")]) == 0
