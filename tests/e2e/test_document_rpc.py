"""Controlled documents and training over XML-RPC (ISO 13485 4.2.4, 6.2;
21 CFR 11.50): the lifecycle is driven by methods and e-signatures, never
by writing the state, and the rules hold for every caller."""

import base64
import hashlib
import uuid
import xmlrpc.client

import pytest

CONTENT = b"%PDF-1.4 e2e controlled content"
GROUPS = {
    "e2e_doc_author": ["md_base.group_md_quality_manager"],
    "e2e_doc_reviewer": ["md_base.group_md_quality_inspector"],
    "e2e_doc_approver": ["md_base.group_md_quality_manager"],
    "e2e_doc_trainee": ["md_base.group_md_user"],
    "e2e_doc_user": ["md_base.group_md_user"],
}


def password(login):
    return login + "-Pw1!"


@pytest.fixture(scope="module")
def users(login_as):
    return {login: login_as(login, groups) for login, groups in GROUPS.items()}


@pytest.fixture
def document(admin, users):
    group_id = admin("res.groups", "create", {"name": f"E2E training {uuid.uuid4().hex[:6]}"})
    admin("res.groups", "write", [group_id], {"users": [(4, users["e2e_doc_trainee"].uid)]})
    return users["e2e_doc_author"](
        "md.document",
        "create",
        {
            "number": f"SOP-E2E-{uuid.uuid4().hex[:8]}",
            "name": "E2E procedure",
            "document_type": "sop",
            "training_group_ids": [(6, 0, [group_id])],
        },
    )


def new_revision(rpc, document_id, code):
    return rpc(
        "md.document.revision",
        "create",
        {
            "document_id": document_id,
            "name": code,
            "change_description": "E2E issue",
            "file": base64.b64encode(CONTENT).decode(),
            "file_name": "e2e.pdf",
        },
    )


def read(rpc, model, record_id, fields):
    return rpc(model, "read", [record_id], fields)[0]


def approve(users, revision_id):
    author = users["e2e_doc_author"]
    author("md.document.revision", "action_submit", [revision_id])
    for login, meaning in (("e2e_doc_reviewer", "reviewed"), ("e2e_doc_approver", "approved")):
        users[login]("md.document.revision", "md_sign", [revision_id], meaning, password(login), "E2E")


def test_lifecycle_and_training(users, document):
    author, trainee = users["e2e_doc_author"], users["e2e_doc_trainee"]
    first = new_revision(author, document, "A")
    values = read(author, "md.document.revision", first, ["checksum", "state"])
    assert values == {"id": first, "checksum": hashlib.sha256(CONTENT).hexdigest(), "state": "draft"}
    with pytest.raises(xmlrpc.client.Fault, match="change only through the workflow"):
        author("md.document.revision", "write", [first], {"state": "effective"})
    approve(users, first)
    assert read(author, "md.document.revision", first, ["state"])["state"] == "effective"
    assert (
        read(author, "md.document", document, ["effective_revision_id"])["effective_revision_id"][0] == first
    )

    records = trainee("md.training.record", "search_read", [("revision_id", "=", first)], fields=["user_id"])
    assert [record["user_id"][0] for record in records] == [trainee.uid]
    with pytest.raises(xmlrpc.client.Fault, match="Only the trainee"):
        author(
            "md.training.record", "md_sign", [records[0]["id"]], "trained", password("e2e_doc_author"), "X"
        )
    trainee(
        "md.training.record", "md_sign", [records[0]["id"]], "trained", password("e2e_doc_trainee"), "Read"
    )
    assert read(trainee, "md.training.record", records[0]["id"], ["state"])["state"] == "trained"

    second = new_revision(author, document, "B")
    approve(users, second)
    assert read(author, "md.document.revision", first, ["state"])["state"] == "superseded"
    with pytest.raises(xmlrpc.client.Fault, match="is closed"):
        author("md.document.revision", "write", [first], {"review_date": "2030-01-01"})


def test_rules_for_every_caller(users, document):
    author, user = users["e2e_doc_author"], users["e2e_doc_user"]
    revision = new_revision(author, document, "A")
    with pytest.raises(xmlrpc.client.Fault, match="Only revisions in review"):
        users["e2e_doc_reviewer"](
            "md.document.revision", "md_sign", [revision], "reviewed", password("e2e_doc_reviewer"), "R"
        )
    author("md.document.revision", "action_submit", [revision])
    with pytest.raises(xmlrpc.client.Fault, match="needs the electronic signatures"):
        author("md.document.revision", "action_approve", [revision])
    with pytest.raises(xmlrpc.client.Fault, match="segregation of duties"):
        author("md.document.revision", "md_sign", [revision], "approved", password("e2e_doc_author"), "Self")
    with pytest.raises(xmlrpc.client.Fault, match="can be changed only while it is Draft"):
        author("md.document.revision", "write", [revision], {"change_description": "Edited"})
    with pytest.raises(xmlrpc.client.Fault):
        user("md.document.revision", "write", [revision], {"review_date": "2030-01-01"})
    with pytest.raises(xmlrpc.client.Fault):
        user(
            "md.training.record",
            "create",
            {"revision_id": revision, "user_id": user.uid, "due_date": "2030-01-01"},
        )
