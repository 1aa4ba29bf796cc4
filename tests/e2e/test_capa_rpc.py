"""CAPA and change control through the typed client (ISO 13485 8.5.2, 7.3.9; 21 CFR 11.50):
every group meets the same rules as in the web client; transitions go through
methods and e-signatures, never through writing the state."""

import uuid

import pytest
from meddev_client import AccessRefused, CapaRequest, RuleRefused

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
def users(admin_client, client_as):
    sessions = {login: client_as(login, groups) for login, groups in GROUPS.items()}
    # Activities notify their assignee by mail: the assigning user needs a sender address.
    for login, session in sessions.items():
        admin_client.call("res.users", "write", [session.uid], {"email": f"{login}@example.com"})
    return sessions


@pytest.fixture(scope="module")
def product(admin_client):
    return admin_client.call(
        "product.product", "create", {"name": f"E2E catheter {uuid.uuid4().hex[:6]}", "is_storable": True}
    )


def read(client, model, record_id, fields):
    return client.read(model, record_id, fields)[0]


def new_capa(client, product):
    return client.create_capa(
        CapaRequest(
            title="E2E: leaking connector",
            product_id=product,
            problem_statement="Connector leaks at 2 bar.",
            severity=5,
            occurrence=2,
            effectiveness_days=0,
        )
    ).id


def test_capa_per_group(users, product):
    user, inspector = users["e2e_capa_user"], users["e2e_capa_inspector"]
    manager, regulatory = users["e2e_capa_manager"], users["e2e_capa_regulatory"]
    for reader in (user, regulatory):
        with pytest.raises(AccessRefused, match="not allowed to create"):
            new_capa(reader, product)

    capa = new_capa(inspector, product)
    values = user.capa(capa)
    assert (values.state, values.rpn, values.risk_level) == ("draft", 10, "medium")
    assert values.name.startswith("CAPA/")
    assert (values.severity, values.occurrence, values.product_id) == ("5", "2", product)
    with pytest.raises(AccessRefused, match="not allowed to modify"):
        user.call("md.quality.capa", "write", [capa], {"title": "Changed"})
    with pytest.raises(RuleRefused, match="change only through the workflow"):
        inspector.call("md.quality.capa", "write", [capa], {"state": "closed"})

    inspector.call("md.quality.capa", "action_start_investigation", [capa])
    with pytest.raises(RuleRefused, match="root cause"):
        inspector.call("md.quality.capa", "action_implement", [capa])
    inspector.call(
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
    inspector.call("md.quality.capa", "action_implement", [capa])
    action_id = read(inspector, "md.quality.capa", capa, ["action_ids"])["action_ids"][0]
    activities = user.call(
        "mail.activity",
        "search_read",
        [("res_model", "=", "md.quality.capa.action"), ("res_id", "=", action_id)],
        fields=["user_id"],
    )
    assert [activity["user_id"][0] for activity in activities] == [user.uid]

    # The owner (a plain user) records the evidence and completes the action.
    with pytest.raises(RuleRefused, match="evidence"):
        user.call("md.quality.capa.action", "action_done", [action_id])
    user.call(
        "md.quality.capa.action", "write", [action_id], {"evidence_note": "Annealing validated, report R-12"}
    )
    user.call("md.quality.capa.action", "action_done", [action_id])
    assert user.capa(capa).state == "effectiveness"

    with pytest.raises(RuleRefused, match="no effectiveness result"):
        manager.sign("md.quality.capa", capa, "closed", password("e2e_capa_manager"), "Close")
    inspector.call("md.quality.capa", "write", [capa], {"effectiveness_note": "No leaks in 3 months"})
    inspector.call("md.quality.capa", "action_effective", [capa])
    with pytest.raises(AccessRefused, match="not allowed to sign"):
        inspector.sign("md.quality.capa", capa, "closed", password("e2e_capa_inspector"), "Close")
    with pytest.raises(RuleRefused, match="signed electronically"):
        manager.call("md.quality.capa", "action_close", [capa])
    manager.sign("md.quality.capa", capa, "closed", password("e2e_capa_manager"), "Effective, closed")
    assert user.capa(capa).state == "closed"
    with pytest.raises(RuleRefused, match="is closed"):
        manager.call("md.quality.capa", "write", [capa], {"title": "Rewritten"})
    overdue = inspector.call(
        "md.quality.capa", "search_count", [("is_overdue", "=", True), ("id", "=", capa)]
    )
    assert overdue == 0


def test_capa_author_cannot_close(users, product):
    manager = users["e2e_capa_manager"]
    capa = new_capa(manager, product)
    with pytest.raises(RuleRefused, match="segregation of duties"):
        manager.sign("md.quality.capa", capa, "closed", password("e2e_capa_manager"), "Own")


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
    with pytest.raises(AccessRefused, match="not allowed to create"):
        user.call("md.quality.change", "create", values)
    change = inspector.call("md.quality.change", "create", values)
    assert read(user, "md.quality.change", change, ["name"])["name"].startswith("CC/")
    inspector.call("md.quality.change", "action_submit", [change])
    inspector.call("md.quality.change", "action_request_approval", [change])
    with pytest.raises(RuleRefused, match="segregation of duties"):
        inspector.sign("md.quality.change", change, "reviewed", password("e2e_capa_inspector"), "Own")
    with pytest.raises(AccessRefused, match="not allowed to sign"):
        user.sign("md.quality.change", change, "reviewed", password("e2e_capa_user"), "R")
    with pytest.raises(AccessRefused, match="quality managers"):
        inspector.call("md.quality.change", "action_approve", [change])
    reviewer.sign("md.quality.change", change, "reviewed", password("e2e_capa_reviewer"), "Reviewed")
    manager.sign("md.quality.change", change, "approved", password("e2e_capa_manager"), "Approved")
    assert read(user, "md.quality.change", change, ["state"])["state"] == "approval"
    regulatory.call(
        "md.quality.change",
        "md_sign",
        [change],
        "regulatory_approved",
        password("e2e_capa_regulatory"),
        "Filed",
    )
    assert read(user, "md.quality.change", change, ["state"])["state"] == "implementation"
    with pytest.raises(RuleRefused, match="can be changed only while it is Request"):
        inspector.call("md.quality.change", "write", [change], {"description": "Another supplier"})
    with pytest.raises(AccessRefused, match="quality managers"):
        inspector.call("md.quality.change", "action_make_effective", [change])
    manager.call("md.quality.change", "action_make_effective", [change])
    assert read(user, "md.quality.change", change, ["state"])["state"] == "effective"
