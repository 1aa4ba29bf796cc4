"""Batch release, nonconformances, CAPA and complaints: the RPC each typed call sends and how it
reads the recorded answer."""

import datetime

import pytest
from meddev_client import (
    CapaRequest,
    ComplaintRequest,
    MeddevClient,
    NcrRequest,
)
from meddev_client.testing import FakeOdoo
from pydantic import ValidationError

UTC = datetime.UTC

DHR = {
    "id": 12,
    "name": "DHR/2026/0012",
    "state": "pending",
    "lot_id": [7, "SN-7"],
    "product_id": [42, "Pump"],
    "production_id": [5, "WH/MO/00005"],
    "qty_produced": 1.0,
    "decision_by_id": False,
    "decision_on": False,
    "decision_reason": False,
    "release_blockers": "Active hold (Hold): seal check\nManufacturing order WH/MO/00006 is not done.",
}


@pytest.fixture
def odoo():
    return FakeOdoo()


@pytest.fixture
def client(odoo):
    return MeddevClient.connect("http://odoo.test", "meddev", "admin", "admin", session=odoo.session())


def test_dhrs_read_state_and_blockers(odoo, client):
    odoo.answer("md.quality.dhr", "search_read", [DHR])
    [dhr] = client.dhrs(lot_ids=[7], state="pending")
    model, method, [domain], kwargs = odoo.calls[-1]
    assert (model, method) == ("md.quality.dhr", "search_read")
    assert [tuple(term) for term in domain] == [("lot_id", "in", [7]), ("state", "=", "pending")]
    assert "release_blockers" in kwargs["fields"]
    assert (dhr.lot_id, dhr.product_id, dhr.production_id, dhr.decision_by_id) == (7, 42, 5, None)
    assert dhr.release_blockers == [
        "Active hold (Hold): seal check",
        "Manufacturing order WH/MO/00006 is not done.",
    ]
    assert not dhr.releasable


def test_a_decided_dhr(odoo, client):
    decided = dict(
        DHR,
        state="released",
        decision_by_id=[46, "QA Wang"],
        decision_on="2026-12-04 04:51:31",
        decision_reason="Complete",
        release_blockers=False,
    )
    odoo.answer("md.quality.dhr", "read", [decided])
    dhr = client.dhr(12)
    assert odoo.calls[-1][2][0] == [12]
    assert (dhr.state, dhr.decision_by_id, dhr.release_blockers) == ("released", 46, [])
    assert dhr.decision_on == datetime.datetime(2026, 12, 4, 4, 51, 31, tzinfo=UTC)
    assert not dhr.releasable


@pytest.mark.parametrize(("call", "meaning"), [("release_batch", "released"), ("reject_batch", "rejected")])
def test_release_and_reject_sign_with_their_meaning(odoo, client, call, meaning):
    odoo.answer("md.quality.dhr", "md_sign", [301])
    assert getattr(client, call)(12, "pw", "Reviewed") == [301]
    assert odoo.calls[-1] == ("md.quality.dhr", "md_sign", [[12], meaning, "pw", "Reviewed"], {})


def test_release_state(odoo, client):
    odoo.answer("stock.lot", "read", [{"id": 7, "md_release_state": "pending"}])
    assert client.release_state(7) == {7: "pending"}
    assert odoo.calls[-1] == ("stock.lot", "read", [[7], ["md_release_state"]], {})


NCR = {
    "id": 5,
    "name": "NCR/2026/0005",
    "state": "open",
    "source": "production",
    "severity": "major",
    "product_id": [42, "Catheter"],
    "lot_ids": [7],
    "quantity": 50.0,
    "description": "Burst pressure low",
    "origin": "MES WO-1182",
    "cause": False,
    "active_hold_count": 0,
    "detected_by_id": [9, "Inspector"],
    "date_detected": "2026-03-02 08:15:00",
    "closed_by_id": False,
    "date_closed": False,
}


def test_create_ncr_sends_the_validated_values_and_reads_the_record(odoo, client):
    odoo.answer("md.quality.ncr", "create", 5)
    odoo.answer("md.quality.ncr", "read", [NCR])
    ncr = client.create_ncr(
        NcrRequest(
            product_id=42, lot_ids=[7], quantity=50, description="Burst pressure low", origin="MES WO-1182"
        )
    )
    create, read = odoo.calls[-2:]
    assert create[:2] == ("md.quality.ncr", "create")
    assert create[2] == [
        {
            "product_id": 42,
            "quantity": 50.0,
            "description": "Burst pressure low",
            "source": "production",
            "severity": "major",
            "lot_ids": [[6, 0, [7]]],
            "origin": "MES WO-1182",
        }
    ]
    assert read[2][0] == [5]
    assert (ncr.name, ncr.state, ncr.product_id, ncr.lot_ids, ncr.cause) == (
        "NCR/2026/0005",
        "open",
        42,
        [7],
        None,
    )
    assert ncr.date_detected == datetime.datetime(2026, 3, 2, 8, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    "values",
    [
        {"severity": "fatal"},
        {"source": "customer"},
        {"quantity": 0},
        {"description": ""},
        {"lot": 7},
    ],
    ids=["severity", "source", "quantity", "description", "unknown field"],
)
def test_ncr_request_is_refused_before_sending(values):
    with pytest.raises(ValidationError):
        NcrRequest(**{"product_id": 42, "quantity": 1, "description": "x", **values})


def test_create_capa(odoo, client):
    odoo.answer("md.quality.capa", "create", 7)
    odoo.answer(
        "md.quality.capa",
        "read",
        [
            {
                "id": 7,
                "name": "CAPA/2026/0007",
                "title": "Leaking connector",
                "state": "draft",
                "capa_type": "corrective",
                "source": "complaint",
                "source_reference": "CMP/2026/0003",
                "product_id": [42, "Catheter"],
                "severity": "5",
                "occurrence": "2",
                "rpn": 10,
                "risk_level": "medium",
                "user_id": [2, "Admin"],
                "date_opened": "2026-03-02",
                "date_due": "2026-06-30",
                "date_closed": False,
                "effectiveness_result": False,
                "is_overdue": False,
            }
        ],
    )
    capa = client.create_capa(
        CapaRequest(
            title="Leaking connector",
            problem_statement="Leaks at 2 bar.",
            source="complaint",
            source_reference="CMP/2026/0003",
            product_id=42,
            severity=5,
            occurrence=2,
            date_due=datetime.date(2026, 6, 30),
        )
    )
    vals = odoo.calls[-2][2][0]
    assert (vals["severity"], vals["occurrence"], vals["date_due"]) == ("5", "2", "2026-06-30")
    assert "effectiveness_days" not in vals, "unset fields keep the server's defaults"
    assert (capa.rpn, capa.risk_level, capa.date_due, capa.date_closed) == (
        10,
        "medium",
        datetime.date(2026, 6, 30),
        None,
    )


@pytest.mark.parametrize(
    "values", [{"severity": 6}, {"capa_type": "improvement"}, {"effectiveness_days": -1}]
)
def test_capa_request_is_refused_before_sending(values):
    with pytest.raises(ValidationError):
        CapaRequest(title="t", problem_statement="p", **values)


def test_create_complaint_sends_the_awareness_in_utc(odoo, client):
    odoo.answer("md.quality.complaint", "create", 3)
    odoo.answer(
        "md.quality.complaint",
        "read",
        [
            {
                "id": 3,
                "name": "CMP/2026/0003",
                "title": "Pump stopped",
                "state": "new",
                "channel": "distributor",
                "partner_id": [14, "Hospital"],
                "product_id": [42, "Pump"],
                "lot_id": False,
                "awareness_date": "2026-03-02 09:00:00",
                "fda_reportable": False,
                "eu_reportable": True,
                "nmpa_reportable": False,
                "fda_deadline": False,
                "eu_deadline": "2026-03-12 09:00:00",
                "nmpa_deadline": False,
                "nmpa_group_individual_deadline": False,
                "nmpa_group_followup_deadline": False,
                "next_deadline": "2026-03-12 09:00:00",
                "report_overdue": False,
                "ncr_id": False,
                "capa_id": False,
            }
        ],
    )
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    complaint = client.create_complaint(
        ComplaintRequest(
            title="Pump stopped",
            description="Stopped without alarm.",
            channel="distributor",
            partner_id=14,
            product_id=42,
            awareness_date=datetime.datetime(2026, 3, 2, 17, 0, tzinfo=beijing),
            event_date=datetime.date(2026, 3, 1),
            death=True,
            eu_reportable=True,
        )
    )
    vals = odoo.calls[-2][2][0]
    assert (vals["awareness_date"], vals["event_date"]) == ("2026-03-02 09:00:00", "2026-03-01")
    assert (vals["death"], vals["eu_reportable"], vals["channel"]) == (True, True, "distributor")
    assert "lot_id" not in vals and "udi_raw" not in vals
    assert complaint.eu_deadline == datetime.datetime(2026, 3, 12, 9, tzinfo=UTC)
    assert (complaint.fda_deadline, complaint.lot_id, complaint.ncr_id) == (None, None, None)


def test_complaint_request_refuses_an_unknown_channel():
    with pytest.raises(ValidationError):
        ComplaintRequest(title="t", description="d", channel="twitter")
