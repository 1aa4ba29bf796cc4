"""Electronic signatures over XML-RPC (21 CFR 11.70, 11.200, 11.300).

Signable records expose ``md_sign(ids, meaning, password, reason)``; the
signatures are ``md.signature`` records that nobody, administrators included,
can create, change, copy or delete through RPC.
"""

import uuid
import xmlrpc.client

import pytest
from conftest import Rpc

GROUPS = {
    "e2e_sig_user": ["md_base.group_md_user"],
    "e2e_sig_inspector": ["md_base.group_md_quality_inspector"],
    "e2e_sig_approver": ["md_base.group_md_release_approver"],
    "e2e_sig_manager": ["md_base.group_md_quality_manager"],
    "e2e_sig_regulatory": ["md_base.group_md_regulatory"],
    "e2e_sig_security": ["md_base.group_md_security_manager"],
}


def xmlid_to_id(admin, xmlid):
    module, name = xmlid.split(".")
    return admin("ir.model.data", "check_object_reference", module, name)[1]


def password(login):
    return login + "-Pw1!"


@pytest.fixture(scope="module")
def session_as(server, admin):
    sessions = {}

    def make(login):
        if login not in sessions:
            if not admin("res.users", "search", [("login", "=", login)]):
                group_ids = [xmlid_to_id(admin, group) for group in GROUPS[login]]
                admin(
                    "res.users",
                    "create",
                    {
                        "name": login,
                        "login": login,
                        "password": password(login),
                        "groups_id": [(6, 0, group_ids)],
                    },
                )
            sessions[login] = Rpc(server["url"], server["db"], login, password(login))
        return sessions[login]

    return make


@pytest.fixture(scope="module")
def release_rule(admin):
    """The (md.lot.hold, released) rule: quality managers, not the hold's author."""
    model_id = admin("ir.model", "search", [("model", "=", "md.lot.hold")])[0]
    meaning_id = xmlid_to_id(admin, "md_base.md_signature_meaning_released")
    vals = {
        "group_ids": [(6, 0, [xmlid_to_id(admin, "md_base.group_md_quality_manager")])],
        "author_may_sign": False,
        "required": False,
    }
    rule_ids = admin(
        "md.signature.rule", "search", [("model_id", "=", model_id), ("meaning_id", "=", meaning_id)]
    )
    if rule_ids:
        admin("md.signature.rule", "write", rule_ids, vals)
    else:
        admin("md.signature.rule", "create", dict(vals, model_id=model_id, meaning_id=meaning_id))


def new_hold(admin):
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin(
        "product.product", "create", {"name": f"Valve {tag}", "is_storable": True, "tracking": "lot"}
    )
    lot_id = admin("stock.lot", "create", {"name": f"SIG-{tag}", "product_id": product_id})
    return admin("md.lot.hold", "create", {"lot_id": lot_id, "hold_type": "hold", "reason": "Pending retest"})


def test_md_sign_over_xmlrpc_releases_the_hold(admin, session_as, release_rule):
    hold_id = new_hold(admin)
    signer = session_as("e2e_sig_manager")
    with pytest.raises(xmlrpc.client.Fault, match="Wrong login or password"):
        signer("md.lot.hold", "md_sign", [hold_id], "released", "not-the-password", "Retested")
    signature_ids = signer(
        "md.lot.hold", "md_sign", [hold_id], "released", password("e2e_sig_manager"), "Retested"
    )
    [signature] = signer(
        "md.signature",
        "read",
        signature_ids,
        ["res_model", "res_id", "signer_id", "meaning", "reason", "signed_at", "content_hash"],
    )
    assert (signature["res_model"], signature["res_id"]) == ("md.lot.hold", hold_id)
    assert signature["signer_id"][0] == signer.uid
    assert (signature["meaning"], signature["reason"]) == ("released", "Retested")
    assert signature["signed_at"] and len(signature["content_hash"]) == 64
    [hold] = admin("md.lot.hold", "read", [hold_id], ["state", "released_by_id"])
    assert hold["state"] == "released" and hold["released_by_id"][0] == signer.uid
    assert admin("md.lot.hold", "md_verify_signatures", [hold_id]) == [
        {"signature_id": signature["id"], "valid": True}
    ]
    # the failed attempt was logged for the security managers
    failures = admin("md.signature.failure", "search_read", [("user_id", "=", signer.uid)], ["cause"])
    assert [f["cause"] for f in failures][:1] == ["password"]


def test_author_and_unauthorised_groups_cannot_sign(admin, session_as, release_rule):
    hold_id = new_hold(admin)
    # the administrator placed the hold: segregation of duties
    with pytest.raises(xmlrpc.client.Fault, match="segregation of duties"):
        admin("md.lot.hold", "md_sign", [hold_id], "released", "admin", "Own hold")
    inspector = session_as("e2e_sig_inspector")
    with pytest.raises(xmlrpc.client.Fault, match="not allowed to sign"):
        inspector(
            "md.lot.hold", "md_sign", [hold_id], "released", password("e2e_sig_inspector"), "No authority"
        )


@pytest.fixture(scope="module")
def signed_hold(admin, session_as, release_rule):
    """A hold released with a signature: (hold id, [signature id])."""
    hold_id = new_hold(admin)
    signature_ids = session_as("e2e_sig_manager")(
        "md.lot.hold", "md_sign", [hold_id], "released", password("e2e_sig_manager"), "Released"
    )
    return hold_id, signature_ids


@pytest.mark.parametrize("login", [*GROUPS, "admin"])
def test_nobody_creates_changes_copies_or_deletes_signatures(admin, session_as, signed_hold, login):
    rpc = admin if login == "admin" else session_as(login)
    hold_id, signature_ids = signed_hold
    [original] = admin("md.signature", "read", signature_ids, ["res_id", "reason", "meaning"])
    # every Medical Devices user reads the signatures of the records they can read
    assert rpc("md.signature", "read", signature_ids, ["res_id"])[0]["res_id"] == hold_id
    forged = {
        "res_model": "md.lot.hold",
        "res_id": hold_id,
        "signer_id": rpc.uid,
        "signer_name": "Forger",
        "meaning_id": xmlid_to_id(admin, "md_base.md_signature_meaning_approved"),
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
        with pytest.raises(xmlrpc.client.Fault):
            rpc("md.signature", method, *args)
    [after] = admin("md.signature", "read", signature_ids, ["res_id", "reason", "meaning"])
    assert after == original
    assert admin("md.signature", "search_count", [("reason", "=", "forged")]) == 0
