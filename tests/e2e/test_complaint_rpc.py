"""Complaints through the typed client, per group (ISO 13485 8.2.2; 21 CFR 803, EU MDR Art. 87, NMPA).

A plain Medical Devices user records a complaint and its reportability flags (as a hospital
system or a CRM would); only quality management or regulatory affairs sign the reportability
decision; nobody moves the state by writing it; the deadline is computed on the server from the
awareness date.
"""

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from meddev_client import AccessRefused, ComplaintRequest, RuleRefused

MD_USER = ["md_base.group_md_user"]
INSPECTOR = ["md_base.group_md_quality_inspector"]
REGULATORY = ["md_base.group_md_regulatory"]
AWARE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def password(login):
    return login + "-Pw1!"


@pytest.fixture
def complaint(client_as, admin_client):
    """A complaint recorded by a plain user about a device, EU reportable (death)."""
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin_client.call("product.product", "create", {"name": f"Pump {tag}", "tracking": "lot"})
    intake = client_as("rpc_cmp_intake", MD_USER)
    return intake.create_complaint(
        ComplaintRequest(
            title=f"Pump stopped {tag}",
            description="Pump stopped without alarm during infusion.",
            product_id=product_id,
            # the hospital's local time (UTC+8): sent to the server in UTC
            awareness_date=datetime(2026, 3, 2, 17, 0, tzinfo=timezone(timedelta(hours=8))),
            death=True,
            eu_reportable=True,
            decision_rationale="Death possibly related to the device: serious incident (MDR Art. 2(65)).",
        )
    ).id


def test_user_records_and_deadline_is_computed(client_as, complaint):
    intake = client_as("rpc_cmp_intake", MD_USER)
    values = intake.complaint(complaint)
    assert values.name.startswith("CMP/")
    assert (values.state, values.channel, values.awareness_date) == ("new", "phone", AWARE)
    assert values.eu_deadline == datetime(2026, 3, 12, 9, 0, tzinfo=UTC)  # Art. 87(5): 10 days for a death
    assert values.fda_deadline is None
    assert values.next_deadline == values.eu_deadline


def test_intake_is_validated_before_sending():
    with pytest.raises(ValueError, match="channel"):
        ComplaintRequest(title="Pump stopped", description="No alarm.", channel="fax")
    with pytest.raises(ValueError, match="title"):
        ComplaintRequest(title="", description="No alarm.")
    with pytest.raises(ValueError, match="deaths"):
        ComplaintRequest(title="Pump stopped", description="No alarm.", deaths=True)


def test_state_cannot_be_written(client_as, complaint):
    intake = client_as("rpc_cmp_intake", MD_USER)
    regulatory = client_as("rpc_cmp_regulatory", REGULATORY)
    with pytest.raises(AccessRefused, match="not allowed to modify"):
        intake.call("md.quality.complaint", "write", [complaint], {"title": "Edited at intake"})
    with pytest.raises(RuleRefused, match="change only through the workflow"):
        regulatory.call("md.quality.complaint", "write", [complaint], {"state": "closed"})
    assert intake.complaint(complaint).state == "new"


def test_user_and_inspector_cannot_sign_or_delete(client_as, complaint):
    for login, groups in (("rpc_cmp_intake", MD_USER), ("rpc_cmp_inspector", INSPECTOR)):
        client = client_as(login, groups)
        with pytest.raises(AccessRefused):
            client.sign("md.quality.complaint", complaint, "approved", password(login), "Assessed")
        with pytest.raises(AccessRefused):
            client.call("md.quality.complaint", "unlink", [complaint])
        assert client.complaint(complaint).state == "new"


def test_regulatory_signs_the_decision(client_as, complaint):
    regulatory = client_as("rpc_cmp_regulatory", REGULATORY)
    with pytest.raises(RuleRefused, match="Wrong login or password"):
        regulatory.sign("md.quality.complaint", complaint, "approved", "not-the-password", "Assessed")
    regulatory.sign("md.quality.complaint", complaint, "approved", password("rpc_cmp_regulatory"), "Assessed")
    assert regulatory.complaint(complaint).state == "decided"
    # Closing needs the EU report filed first.
    with pytest.raises(RuleRefused, match="EU"):
        regulatory.sign("md.quality.complaint", complaint, "closed", password("rpc_cmp_regulatory"), "Done")


def test_inspector_opens_a_nonconformance(client_as, complaint):
    inspector = client_as("rpc_cmp_inspector", INSPECTOR)
    inspector.call("md.quality.complaint", "action_create_ncr", [complaint])
    ncr_id = inspector.complaint(complaint).ncr_id
    assert ncr_id
    assert inspector.ncr(ncr_id).source == "complaint"


def test_nmpa_group_event_and_event_abroad_deadlines(client_as, admin_client):
    """NMPA Order No. 1: a group event 12 hours, its individual reports 24 hours and the holder's
    report 7 days (Chapter III Section 3); an event abroad 30 days (Art. 27). FDA 803.53(b): 5 work
    days on a written request."""
    product_id = admin_client.call(
        "product.product", "create", {"name": f"Pump {uuid.uuid4().hex[:6]}", "tracking": "lot"}
    )
    intake = client_as("rpc_cmp_intake", MD_USER)
    values = ComplaintRequest(
        title="Cluster of occlusions",
        description="Three patients under-infused the same day.",
        product_id=product_id,
        awareness_date=AWARE,
        nmpa_reportable=True,
        serious_injury=True,
        group_event=True,
    )
    group = intake.create_complaint(values)
    assert (
        group.nmpa_deadline,
        group.nmpa_group_individual_deadline,
        group.nmpa_group_followup_deadline,
    ) == (AWARE + timedelta(hours=12), AWARE + timedelta(days=1), AWARE + timedelta(days=7))
    abroad = intake.create_complaint(values.model_copy(update={"event_abroad": True}))
    assert abroad.nmpa_deadline == AWARE + timedelta(days=30)
    fda = intake.create_complaint(
        values.model_copy(
            update={
                "group_event": False,
                "nmpa_reportable": False,
                "fda_reportable": True,
                "fda_written_request": True,
            }
        )
    )
    assert fda.fda_deadline == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
