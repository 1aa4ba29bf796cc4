"""Complaints over XML-RPC, per group (ISO 13485 8.2.2; 21 CFR 803, EU MDR Art. 87, NMPA).

A plain Medical Devices user records a complaint and its reportability flags; only
quality management or regulatory affairs sign the reportability decision; nobody moves
the state by writing it; the deadline is computed on the server from the awareness date.
"""

import uuid
import xmlrpc.client

import pytest

MD_USER = ["md_base.group_md_user"]
INSPECTOR = ["md_base.group_md_quality_inspector"]
REGULATORY = ["md_base.group_md_regulatory"]
# Fault codes of Odoo's /xmlrpc/2 (odoo/addons/base/controllers/rpc.py)
RPC_USER_ERROR = 2
RPC_ACCESS_ERROR = 4


def password(login):
    return login + "-Pw1!"


@pytest.fixture
def complaint(login_as, admin):
    """A complaint recorded by a plain user about a device, EU reportable (death)."""
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin("product.product", "create", {"name": f"Pump {tag}", "tracking": "lot"})
    intake = login_as("rpc_cmp_intake", MD_USER)
    complaint_id = intake(
        "md.quality.complaint",
        "create",
        {
            "title": f"Pump stopped {tag}",
            "description": "Pump stopped without alarm during infusion.",
            "product_id": product_id,
            "awareness_date": "2026-03-02 09:00:00",
            "death": True,
            "eu_reportable": True,
            "decision_rationale": "Death possibly related to the device: serious incident (MDR Art. 2(65)).",
        },
    )
    return complaint_id


def read(rpc, complaint_id, fields):
    return rpc("md.quality.complaint", "read", [complaint_id], fields)[0]


def test_user_records_and_deadline_is_computed(login_as, complaint):
    intake = login_as("rpc_cmp_intake", MD_USER)
    values = read(intake, complaint, ["name", "state", "eu_deadline", "fda_deadline"])
    assert values["name"].startswith("CMP/")
    assert values["state"] == "new"
    assert values["eu_deadline"] == "2026-03-12 09:00:00"  # Art. 87(5): 10 days for a death
    assert values["fda_deadline"] is False


def test_state_cannot_be_written(login_as, complaint):
    intake = login_as("rpc_cmp_intake", MD_USER)
    regulatory = login_as("rpc_cmp_regulatory", REGULATORY)
    with pytest.raises(xmlrpc.client.Fault, match="not allowed to modify"):
        intake("md.quality.complaint", "write", [complaint], {"title": "Edited at intake"})
    with pytest.raises(xmlrpc.client.Fault, match="change only through the workflow") as error:
        regulatory("md.quality.complaint", "write", [complaint], {"state": "closed"})
    assert error.value.faultCode == RPC_USER_ERROR
    assert read(intake, complaint, ["state"])["state"] == "new"


def test_user_and_inspector_cannot_sign_or_delete(login_as, complaint):
    for login, groups in (("rpc_cmp_intake", MD_USER), ("rpc_cmp_inspector", INSPECTOR)):
        rpc = login_as(login, groups)
        with pytest.raises(xmlrpc.client.Fault) as error:
            rpc("md.quality.complaint", "md_sign", [complaint], "approved", password(login), "Assessed")
        assert error.value.faultCode == RPC_ACCESS_ERROR
        with pytest.raises(xmlrpc.client.Fault) as error:
            rpc("md.quality.complaint", "unlink", [complaint])
        assert error.value.faultCode == RPC_ACCESS_ERROR
        assert read(rpc, complaint, ["state"])["state"] == "new"


def test_regulatory_signs_the_decision(login_as, complaint):
    regulatory = login_as("rpc_cmp_regulatory", REGULATORY)
    with pytest.raises(xmlrpc.client.Fault, match="Wrong login or password"):
        regulatory("md.quality.complaint", "md_sign", [complaint], "approved", "not-the-password", "Assessed")
    regulatory(
        "md.quality.complaint", "md_sign", [complaint], "approved", password("rpc_cmp_regulatory"), "Assessed"
    )
    assert read(regulatory, complaint, ["state"])["state"] == "decided"
    # Closing needs the EU report filed first.
    with pytest.raises(xmlrpc.client.Fault, match="EU"):
        regulatory(
            "md.quality.complaint", "md_sign", [complaint], "closed", password("rpc_cmp_regulatory"), "Done"
        )


def test_inspector_opens_a_nonconformance(login_as, complaint):
    inspector = login_as("rpc_cmp_inspector", INSPECTOR)
    inspector("md.quality.complaint", "action_create_ncr", [complaint])
    ncr = read(inspector, complaint, ["ncr_id"])["ncr_id"]
    assert ncr
    assert inspector("md.quality.ncr", "read", [ncr[0]], ["source"])[0]["source"] == "complaint"


def test_nmpa_group_event_and_event_abroad_deadlines(login_as, admin):
    """NMPA Order No. 1: a group event 12 hours, its individual reports 24 hours and the holder's
    report 7 days (Chapter III Section 3); an event abroad 30 days (Art. 27). FDA 803.53(b): 5 work
    days on a written request."""
    product_id = admin(
        "product.product", "create", {"name": f"Pump {uuid.uuid4().hex[:6]}", "tracking": "lot"}
    )
    intake = login_as("rpc_cmp_intake", MD_USER)
    values = {
        "title": "Cluster of occlusions",
        "description": "Three patients under-infused the same day.",
        "product_id": product_id,
        "awareness_date": "2026-03-02 09:00:00",
        "nmpa_reportable": True,
        "serious_injury": True,
        "group_event": True,
    }
    group_id = intake("md.quality.complaint", "create", values)
    fields = ["nmpa_deadline", "nmpa_group_individual_deadline", "nmpa_group_followup_deadline"]
    assert read(intake, group_id, fields) == {
        "id": group_id,
        "nmpa_deadline": "2026-03-02 21:00:00",
        "nmpa_group_individual_deadline": "2026-03-03 09:00:00",
        "nmpa_group_followup_deadline": "2026-03-09 09:00:00",
    }
    abroad_id = intake("md.quality.complaint", "create", dict(values, event_abroad=True))
    assert read(intake, abroad_id, ["nmpa_deadline"])["nmpa_deadline"] == "2026-04-01 09:00:00"
    fda_id = intake(
        "md.quality.complaint",
        "create",
        dict(values, group_event=False, nmpa_reportable=False, fda_reportable=True, fda_written_request=True),
    )
    assert read(intake, fda_id, ["fda_deadline"])["fda_deadline"] == "2026-03-09 09:00:00"
