"""Audit trail through the typed client (21 CFR 11.10(e), EU GMP Annex 11 §9).

Nobody, administrators included, creates, changes or deletes audit entries over
RPC; ``verify_chain`` keeps its contract; parallel writers in several server
threads lose no entry and leave a chain that verifies.
"""

import threading
import uuid

import pytest
from meddev_client import AccessRefused, ChainVerification, MeddevClient, MeddevError, RuleRefused

GROUPS = {
    "audit_md_user": ["md_base.group_md_user"],
    "audit_inspector": ["md_base.group_md_quality_inspector"],
    "audit_approver": ["md_base.group_md_release_approver"],
    "audit_quality_manager": ["md_base.group_md_quality_manager"],
    "audit_regulatory": ["md_base.group_md_regulatory"],
}
VERIFIERS = ("audit_quality_manager", "audit_regulatory", "admin")


@pytest.fixture(scope="module")
def sessions(admin_client, client_as):
    return {"admin": admin_client, **{login: client_as(login, groups) for login, groups in GROUPS.items()}}


@pytest.fixture(scope="module")
def product_id(admin_client):
    return admin_client.call(
        "product.product",
        "create",
        {"name": f"Audit RPC Stent {uuid.uuid4().hex[:6]}", "is_storable": True, "tracking": "serial"},
    )


def audited_lot(admin_client, product_id):
    return admin_client.call(
        "stock.lot", "create", {"name": f"AUD-RPC-{uuid.uuid4().hex[:8]}", "product_id": product_id}
    )


@pytest.fixture(scope="module")
def entry(admin_client, product_id):
    lot_id = audited_lot(admin_client, product_id)
    entry_ids = admin_client.call(
        "md.audit.entry", "search", [("res_model", "=", "stock.lot"), ("res_id", "=", lot_id)]
    )
    assert entry_ids, "creating an audited lot over RPC records entries"
    return admin_client.call("md.audit.entry", "read", entry_ids[:1], ["new_value", "entry_hash"])[0]


@pytest.mark.parametrize("login", ["admin", *GROUPS])
def test_nobody_changes_audit_entries(sessions, admin_client, entry, login):
    client = sessions[login]
    with pytest.raises(MeddevError):
        client.call("md.audit.entry", "write", [entry["id"]], {"new_value": "forged"})
    with pytest.raises(MeddevError):
        client.call("md.audit.entry", "unlink", [entry["id"]])
    with pytest.raises(MeddevError):
        client.call("md.audit.entry", "create", {"res_model": "stock.lot", "res_id": 1, "operation": "write"})
    with pytest.raises(MeddevError):
        client.call("md.audit.entry", "copy", [entry["id"]])
    assert admin_client.read("md.audit.entry", entry["id"], ["new_value", "entry_hash"])[0] == entry


@pytest.mark.parametrize("login", ["admin", *GROUPS])
def test_medical_device_users_read_entries(sessions, entry, login):
    fields = [
        "res_model",
        "res_id",
        "field_name",
        "old_value",
        "new_value",
        "user_id",
        "timestamp",
        "reason",
        "entry_hash",
        "prev_hash",
    ]
    record = sessions[login].call("md.audit.entry", "read", [entry["id"]], fields)[0]
    assert set(fields) <= set(record)


@pytest.mark.parametrize("login", VERIFIERS)
def test_verify_chain_contract(sessions, admin_client, product_id, login):
    """Incremental: ``checked`` counts the entries written after the newest checkpoint."""
    audited_lot(admin_client, product_id)
    result = sessions[login].verify_chain()
    assert result == ChainVerification(
        ok=True, checked=result.checked, first_broken_id=None, from_position=result.from_position
    )
    assert isinstance(result.checked, int) and result.checked > 0
    assert isinstance(result.from_position, int) and result.from_position >= 0


@pytest.mark.parametrize("login", ["audit_md_user", "audit_inspector", "audit_approver"])
def test_verify_chain_denied_to_other_groups(sessions, login):
    with pytest.raises(AccessRefused):
        sessions[login].verify_chain()


def test_audit_rules_read_only_outside_quality_management(sessions):
    rule_ids = sessions["admin"].call("md.audit.rule", "search", [("model_name", "=", "stock.lot")])
    with pytest.raises(MeddevError):
        sessions["audit_regulatory"].call("md.audit.rule", "write", rule_ids, {"active": False})
    with pytest.raises(MeddevError):
        sessions["audit_md_user"].call("md.audit.rule", "read", rule_ids, ["model_name"])


def change_rule_signed(client, rule_id, vals, reason, password="admin"):
    """A Security Manager's signed change of an audit rule (the Change Audit Rule dialog)."""
    wizard = client.call(
        "md.audit.rule.change", "create", {"rule_id": rule_id, "reason": reason, "password": password, **vals}
    )
    return client.call("md.audit.rule.change", "action_apply", [wizard])


def test_narrowing_the_audit_trail_needs_a_signed_change(admin_client, client_as):
    """21 CFR 11.10(e), EU GMP Annex 11 §9: what the trail records is narrowed only by a Security
    Manager's signature with a reason, and the change is itself in the trail."""
    rule_id = admin_client.call("md.audit.rule", "search", [("model_name", "=", "md.quality.capa")])[0]
    manager = client_as("md_e2e_audit_qm", ["md_base.group_md_quality_manager"])
    for client in (manager, admin_client):
        with pytest.raises(RuleRefused, match="only a Security Manager can"):
            client.call("md.audit.rule", "write", [rule_id], {"record_domain": "[('id', '=', 0)]"})
        with pytest.raises(RuleRefused, match="only a Security Manager can"):
            client.call("md.audit.rule", "write", [rule_id], {"active": False})
        with pytest.raises(AccessRefused, match="not allowed to delete"):
            client.call("md.audit.rule", "unlink", [rule_id])
    with pytest.raises(AccessRefused, match=r"not allowed to create .Change Audit Rule"):
        change_rule_signed(
            manager, rule_id, {"log_unlink": False}, "Too many entries", "md_e2e_audit_qm-Pw1!"
        )
    with pytest.raises(RuleRefused, match="Wrong login or password"):
        change_rule_signed(
            admin_client, rule_id, {"log_unlink": False}, "Too many entries", "not-the-password"
        )
    assert admin_client.call("md.audit.rule", "read", [rule_id], ["log_unlink"])[0]["log_unlink"]
    change_rule_signed(
        admin_client, rule_id, {"log_unlink": False}, "Deletions are refused by the lifecycle guard"
    )
    try:
        signatures = admin_client.call(
            "md.signature",
            "search_read",
            [("res_model", "=", "md.audit.rule"), ("res_id", "=", rule_id), ("voided", "=", False)],
            ["meaning", "reason"],
        )
        assert [(s["meaning"], s["reason"]) for s in signatures] == [
            ("approved", "Deletions are refused by the lifecycle guard")
        ]
        entries = admin_client.call(
            "md.audit.entry",
            "search_read",
            [
                ("res_model", "=", "md.audit.rule"),
                ("res_id", "=", rule_id),
                ("field_name", "=", "log_unlink"),
            ],
            ["old_value", "new_value", "reason"],
        )
        assert [(e["old_value"], e["new_value"], e["reason"]) for e in entries][-1:] == [
            ("True", "False", "Deletions are refused by the lifecycle guard")
        ]
    finally:
        admin_client.call(
            "md.audit.rule", "write", [rule_id], {"log_unlink": True}
        )  # widening: no signature needed


def test_reason_for_change_over_rpc(admin_client, product_id):
    rule_ids = admin_client.call("md.audit.rule", "search", [("model_name", "=", "stock.lot")])
    lot_id = admin_client.call(
        "stock.lot", "create", {"name": f"AUD-WHY-{uuid.uuid4().hex[:8]}", "product_id": product_id}
    )
    admin_client.call("md.audit.rule", "write", rule_ids, {"reason_required": True})
    try:
        with pytest.raises(RuleRefused, match="reason for change"):
            admin_client.call("stock.lot", "write", [lot_id], {"ref": "R1"})
        admin_client.call(
            "stock.lot",
            "write",
            [lot_id],
            {"ref": "R1"},
            context={"md_audit_reason": "Supplier CoA corrected"},
        )
    finally:
        change_rule_signed(admin_client, rule_ids[0], {"reason_required": False}, "End of the reason drill")
    entries = admin_client.call(
        "md.audit.entry",
        "search_read",
        [("res_model", "=", "stock.lot"), ("res_id", "=", lot_id), ("field_name", "=", "ref")],
        ["new_value", "reason"],
    )
    assert [(e["new_value"], e["reason"]) for e in entries] == [("R1", "Supplier CoA corrected")]


def test_parallel_writers_lose_no_entry(server, admin_client, product_id):
    """Several server threads commit audited changes at once: every entry is present and linked."""
    tag = uuid.uuid4().hex[:8].upper()
    writers, rounds = 6, 8
    errors = []

    def write_lots(number):
        try:
            client = MeddevClient.connect(server["url"], server["db"], "admin", "admin", timeout=120)
            for round_number in range(rounds):
                names = [f"PAR-{tag}-{number}-{round_number}-{index}" for index in range(3)]
                lot_ids = client.call(
                    "stock.lot", "create", [{"name": name, "product_id": product_id} for name in names]
                )
                client.call("stock.lot", "write", lot_ids, {"ref": f"R{round_number}"})
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=write_lots, args=(number,)) for number in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    lot_ids = admin_client.call("stock.lot", "search", [("name", "=like", f"PAR-{tag}-%")])
    assert len(lot_ids) == writers * rounds * 3
    entries = admin_client.call(
        "md.audit.entry",
        "search_read",
        [("res_model", "=", "stock.lot"), ("res_id", "in", lot_ids)],
        ["operation", "field_name", "chain_position"],
    )
    created = [e for e in entries if e["operation"] == "create" and e["field_name"] == "name"]
    changed = [e for e in entries if e["operation"] == "write" and e["field_name"] == "ref"]
    assert len(created) == len(changed) == len(lot_ids)
    assert all(e["chain_position"] for e in entries), "linked right after each commit"
    result = admin_client.verify_chain()
    assert result.ok, result
