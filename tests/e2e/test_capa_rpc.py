"""CAPA and change control over XML-RPC (ISO 13485 8.5.2, 7.3.9; 21 CFR 11.50):
every group meets the same rules as in the web client; transitions go through
methods and e-signatures, never through writing the state."""

import uuid
import xmlrpc.client

import pytest

GROUPS = {
    "e2e_capa_user": ["md_base.group_md_user"],
    "e2e_capa_inspector": ["md_base.group_md_quality_inspector"],
    "e2e_capa_reviewer": ["md_base.group_md_quality_inspector"],
    "e2e_capa_manager": ["md_base.group_md_quality_manager"],
    "e2e_capa_regulatory": ["md_base.group_md_regulatory"],
}


def password(login):
    return login + "-Pw1!"


@pytest.fixture(scope="module")
def users(admin, login_as):
    sessions = {login: login_as(login, groups) for login, groups in GROUPS.items()}
    # Activities notify their assignee by mail: the assigning user needs a sender address.
    for login, session in sessions.items():
        admin("res.users", "write", [session.uid], {"email": f"{login}@example.com"})
    return sessions


@pytest.fixture(scope="module")
def product(admin):
    return admin(
        "product.product", "create", {"name": f"E2E catheter {uuid.uuid4().hex[:6]}", "is_storable": True}
    )


def read(rpc, model, record_id, fields):
    return rpc(model, "read", [record_id], fields)[0]


def new_capa(rpc, product):
    return rpc(
        "md.quality.capa",
        "create",
        {
            "title": "E2E: leaking connector",
            "product_id": product,
            "problem_statement": "Connector leaks at 2 bar.",
            "severity": "5",
            "occurrence": "2",
            "effectiveness_days": 0,
        },
    )


def test_capa_per_group(users, product):
    user, inspector = users["e2e_capa_user"], users["e2e_capa_inspector"]
    manager, regulatory = users["e2e_capa_manager"], users["e2e_capa_regulatory"]
    for reader in (user, regulatory):
        with pytest.raises(xmlrpc.client.Fault, match="not allowed to create"):
            new_capa(reader, product)

    capa = new_capa(inspector, product)
    values = read(user, "md.quality.capa", capa, ["state", "rpn", "risk_level", "name"])
    assert (values["state"], values["rpn"], values["risk_level"]) == ("draft", 10, "medium")
    assert values["name"].startswith("CAPA/")
    with pytest.raises(xmlrpc.client.Fault, match="not allowed to modify"):
        user("md.quality.capa", "write", [capa], {"title": "Changed"})
    with pytest.raises(xmlrpc.client.Fault, match="change only through the workflow"):
        inspector("md.quality.capa", "write", [capa], {"state": "closed"})

    inspector("md.quality.capa", "action_start_investigation", [capa])
    with pytest.raises(xmlrpc.client.Fault, match="root cause"):
        inspector("md.quality.capa", "action_implement", [capa])
    inspector(
        "md.quality.capa",
        "write",
        [capa],
        {
            "why_ids": [(0, 0, {"why": "Why did it leak?", "answer": "Cracked luer from the moulder"})],
            "cause_ids": [
                (0, 0, {"category": "material", "name": "Brittle polycarbonate", "is_root_cause": True})
            ],
            "action_ids": [
                (0, 0, {"name": "Moulder adds annealing step", "user_id": user.uid, "date_due": "2030-01-31"})
            ],
        },
    )
    inspector("md.quality.capa", "action_implement", [capa])
    action_id = read(inspector, "md.quality.capa", capa, ["action_ids"])["action_ids"][0]
    activities = user(
        "mail.activity",
        "search_read",
        [("res_model", "=", "md.quality.capa.action"), ("res_id", "=", action_id)],
        fields=["user_id"],
    )
    assert [activity["user_id"][0] for activity in activities] == [user.uid]

    # The owner (a plain user) records the evidence and completes the action.
    with pytest.raises(xmlrpc.client.Fault, match="evidence"):
        user("md.quality.capa.action", "action_done", [action_id])
    user(
        "md.quality.capa.action", "write", [action_id], {"evidence_note": "Annealing validated, report R-12"}
    )
    user("md.quality.capa.action", "action_done", [action_id])
    assert read(user, "md.quality.capa", capa, ["state"])["state"] == "effectiveness"

    with pytest.raises(xmlrpc.client.Fault, match="no effectiveness result"):
        manager("md.quality.capa", "md_sign", [capa], "closed", password("e2e_capa_manager"), "Close")
    inspector("md.quality.capa", "write", [capa], {"effectiveness_note": "No leaks in 3 months"})
    inspector("md.quality.capa", "action_effective", [capa])
    with pytest.raises(xmlrpc.client.Fault, match="not allowed to sign"):
        inspector("md.quality.capa", "md_sign", [capa], "closed", password("e2e_capa_inspector"), "Close")
    with pytest.raises(xmlrpc.client.Fault, match="signed electronically"):
        manager("md.quality.capa", "action_close", [capa])
    manager("md.quality.capa", "md_sign", [capa], "closed", password("e2e_capa_manager"), "Effective, closed")
    assert read(user, "md.quality.capa", capa, ["state"])["state"] == "closed"
    with pytest.raises(xmlrpc.client.Fault, match="is closed"):
        manager("md.quality.capa", "write", [capa], {"title": "Rewritten"})
    overdue = inspector("md.quality.capa", "search_count", [("is_overdue", "=", True), ("id", "=", capa)])
    assert overdue == 0


def test_capa_author_cannot_close(users, product):
    manager = users["e2e_capa_manager"]
    capa = new_capa(manager, product)
    with pytest.raises(xmlrpc.client.Fault, match="segregation of duties"):
        manager("md.quality.capa", "md_sign", [capa], "closed", password("e2e_capa_manager"), "Own")


def test_change_control_per_group(users, product):
    user, inspector, reviewer = (
        users["e2e_capa_user"],
        users["e2e_capa_inspector"],
        users["e2e_capa_reviewer"],
    )
    manager, regulatory = users["e2e_capa_manager"], users["e2e_capa_regulatory"]
    template = read(inspector, "product.product", product, ["product_tmpl_id"])["product_tmpl_id"][0]
    values = {
        "title": "E2E: new pouch supplier",
        "change_type": "material",
        "description": "Second source for the sterile barrier pouch.",
        "reason": "Supply continuity.",
        "product_tmpl_ids": [(6, 0, [template])],
        "impact_summary": "Equivalent material; packaging validation repeated.",
        "stock_decision": "use_up",
        "regulatory_filing_required": True,
        "regulatory_filing_note": "Notified body notification of a substantial change.",
    }
    with pytest.raises(xmlrpc.client.Fault, match="not allowed to create"):
        user("md.quality.change", "create", values)
    change = inspector("md.quality.change", "create", values)
    assert read(user, "md.quality.change", change, ["name"])["name"].startswith("CC/")
    inspector("md.quality.change", "action_submit", [change])
    inspector("md.quality.change", "action_request_approval", [change])
    with pytest.raises(xmlrpc.client.Fault, match="segregation of duties"):
        inspector("md.quality.change", "md_sign", [change], "reviewed", password("e2e_capa_inspector"), "Own")
    with pytest.raises(xmlrpc.client.Fault, match="not allowed to sign"):
        user("md.quality.change", "md_sign", [change], "reviewed", password("e2e_capa_user"), "R")
    with pytest.raises(xmlrpc.client.Fault, match="quality managers"):
        inspector("md.quality.change", "action_approve", [change])
    reviewer("md.quality.change", "md_sign", [change], "reviewed", password("e2e_capa_reviewer"), "Reviewed")
    manager("md.quality.change", "md_sign", [change], "approved", password("e2e_capa_manager"), "Approved")
    assert read(user, "md.quality.change", change, ["state"])["state"] == "approval"
    regulatory(
        "md.quality.change",
        "md_sign",
        [change],
        "regulatory_approved",
        password("e2e_capa_regulatory"),
        "Filed",
    )
    assert read(user, "md.quality.change", change, ["state"])["state"] == "implementation"
    with pytest.raises(xmlrpc.client.Fault, match="can be changed only while it is Request"):
        inspector("md.quality.change", "write", [change], {"description": "Another supplier"})
    with pytest.raises(xmlrpc.client.Fault, match="quality managers"):
        inspector("md.quality.change", "action_make_effective", [change])
    manager("md.quality.change", "action_make_effective", [change])
    assert read(user, "md.quality.change", change, ["state"])["state"] == "effective"
