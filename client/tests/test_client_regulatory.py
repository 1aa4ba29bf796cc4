"""Recalls, registrations and licences: the RPC each typed call sends and how it reads the
recorded answer."""

import datetime

import pytest
from meddev_client import MeddevClient, RecallRequest
from meddev_client.testing import FakeOdoo

STATUS = {
    "id": 4,
    "reference": "RCL/2026/0004",
    "state": "open",
    "is_mock": False,
    "classification": {"fda_class": "1", "nmpa_level": False, "eu_fsca": False},
    "deadlines": {
        "decision_date": "2026-03-02",
        "notification": "2026-03-05",
        "fda_806": False,
        "nmpa_report": False,
        "notification_overdue": False,
        "fda_806_overdue": False,
    },
    "effectiveness": 50.0,
    "customers": [
        {
            "partner_id": 14,
            "lot_id": 7,
            "quantity": 4.0,
            "notified": True,
            "acknowledged": False,
            "returned": 2.0,
            "destroyed": 0.0,
        }
    ],
    "units": {
        "total": 10.0,
        "in_stock": 6.0,
        "held": 6.0,
        "at_customers": 4.0,
        "returned": 2.0,
        "destroyed": 0.0,
    },
    "markets": ["US"],
    "regulatory": {
        "fda_806_required": True,
        "hhe_id": 3,
        "initiated_date": "2026-03-02",
        "completed_date": False,
    },
    "reports": {"fda_806_submitted": False, "status_report_overdue": False},
    "quantities": {"total": 10.0, "delivered": 4.0, "in_field": 2.0},
    "consignees": [
        {
            "partner_id": 14,
            "lot_id": 7,
            "quantity": 4.0,
            "notified": True,
            "acknowledged": False,
            "returned": 2.0,
            "destroyed": 0.0,
            "corrected": 0.0,
            "in_field": 2.0,
            "notification_method": "phone",
            "acknowledged_by": False,
            "exception": False,
            "settled": False,
        }
    ],
    "can_close": False,
    "closure_blockers": ["Hospital: neither notified and acknowledged nor excepted"],
}


@pytest.fixture
def odoo():
    return FakeOdoo()


@pytest.fixture
def client(odoo):
    return MeddevClient.connect("http://odoo.test", "meddev", "admin", "admin", session=odoo.session())


def test_create_recall_from_lots(odoo, client):
    odoo.answer("md.recall", "md_create_from_lots", 4)
    request = RecallRequest(source="complaint", fda_class="1", decision_date=datetime.date(2026, 3, 2))
    assert client.create_recall([7, 8], request) == 4
    assert odoo.calls[-1] == (
        "md.recall",
        "md_create_from_lots",
        [[7, 8], {"source": "complaint", "fda_class": "1", "decision_date": "2026-03-02"}],
        {},
    )
    client.create_recall(7)
    assert odoo.calls[-1][2] == [[7], {}]


def test_recall_request_refuses_an_unknown_class():
    with pytest.raises(ValueError, match="fda_class"):
        RecallRequest(fda_class="IV")


def test_compute_scope_and_start(odoo, client):
    odoo.answer("md.recall", "md_compute_scope", {"lots": [7], "stock": [], "customers": []})
    odoo.answer("md.recall", "action_start", True)
    assert client.compute_recall_scope(4).lots == [7]
    assert odoo.calls[-1] == ("md.recall", "md_compute_scope", [[4]], {})
    assert client.start_recall(4) is None
    assert odoo.calls[-1] == ("md.recall", "action_start", [[4]], {})


def test_recall_status(odoo, client):
    odoo.answer("md.recall", "md_status", [STATUS])
    [status] = client.recall_status(4)
    assert odoo.calls[-1] == ("md.recall", "md_status", [[4]], {})
    assert (status.state, status.effectiveness, status.can_close) == ("open", 50.0, False)
    assert (status.classification.fda_class, status.classification.nmpa_level) == ("1", None)
    assert status.deadlines.notification == datetime.date(2026, 3, 5) and status.deadlines.fda_806 is None
    assert (status.units.held, status.quantities.in_field, status.regulatory.hhe_id) == (6.0, 2.0, 3)
    [consignee] = status.consignees
    assert (consignee.notification_method, consignee.acknowledged_by, consignee.in_field) == (
        "phone",
        None,
        2.0,
    )
    assert status.customers[0].returned == 2.0
    assert status.closure_blockers == ["Hospital: neither notified and acknowledged nor excepted"]


def test_recall_customers(odoo, client):
    odoo.answer(
        "md.recall.customer",
        "search_read",
        [
            {
                "id": 21,
                "recall_id": [4, "RCL/2026/0004"],
                "partner_id": [14, "Hospital"],
                "lot_id": [7, "L-7"],
                "quantity": 4.0,
                "notified_at": "2026-03-03 02:00:00",
                "notification_method": "phone",
                "notification_contact": "Dr. Li",
                "ack_date": False,
                "ack_contact": False,
                "ack_qty_on_hand": 0.0,
                "returned_qty": 0.0,
                "destroyed_qty": 0.0,
                "corrected_qty": 0.0,
                "settled": False,
            }
        ],
    )
    [line] = client.recall_customers(4, partner_id=14)
    _model, _method, [domain], _kwargs = odoo.calls[-1]
    assert [tuple(term) for term in domain] == [("recall_id", "=", 4), ("partner_id", "=", 14)]
    assert (line.id, line.recall_id, line.partner_id, line.lot_id, line.ack_date) == (21, 4, 14, 7, None)
    assert line.notified_at == datetime.datetime(2026, 3, 3, 2, tzinfo=datetime.UTC)


def test_record_notification_and_acknowledgement(odoo, client):
    odoo.answer("md.recall.customer", "md_record_notification", True)
    odoo.answer("md.recall.customer", "md_record_acknowledgement", True)
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    client.record_notification(
        [21],
        "phone",
        "Dr. Li",
        notified_at=datetime.datetime(2026, 3, 3, 10, tzinfo=beijing),
        reference="C-17",
    )
    assert odoo.calls[-1] == (
        "md.recall.customer",
        "md_record_notification",
        [[21], "phone"],
        {"contact": "Dr. Li", "notified_at": "2026-03-03 02:00:00", "reference": "C-17"},
    )
    client.record_acknowledgement(21, "Dr. Li", qty_on_hand=4)
    # positional: a keyword "method" would clash with execute_kw's
    assert odoo.calls[-1][2:] == ([[21], "Dr. Li", False, False, 4], {})
    client.record_acknowledgement(21, "Dr. Li", ack_date=datetime.date(2026, 3, 4), method="email")
    assert odoo.calls[-1][2] == [[21], "Dr. Li", "2026-03-04", "email", False]


REGISTRATION = {
    "id": 9,
    "registration_type": "nmpa_registration",
    "number": "国械注准20263010001",
    "state": "valid",
    "country_id": [48, "China"],
    "country_group_id": False,
    "covered_country_ids": [48],
    "holder_id": [1, "MedDev"],
    "notified_body_id": False,
    "product_tmpl_ids": [30],
    "categ_ids": [],
    "approved_on": "2026-01-05 03:00:00",
    "issue_date": "2026-01-01",
    "expiry_date": "2030-12-31",
    "withdrawn_on": False,
}


def test_find_registrations_of_a_product_in_a_country(odoo, client):
    odoo.answer(
        "product.product", "read", [{"id": 42, "product_tmpl_id": [30, "Pump"], "categ_id": [5, "Pumps"]}]
    )
    odoo.answer("res.country", "search_read", [{"id": 48}])
    odoo.answer("md.registration", "search_read", [REGISTRATION, dict(REGISTRATION, id=8, approved_on=False)])
    found = client.find_registrations(42, "cn")
    _model, _method, [domain], kwargs = odoo.calls[-1]
    assert [tuple(term) if isinstance(term, list) else term for term in domain] == [
        ("covered_country_ids", "=", 48),
        "|",
        ("product_tmpl_ids", "=", 30),
        ("categ_ids", "parent_of", 5),
    ]
    assert kwargs["order"] == "expiry_date desc, id desc"
    assert [r.id for r in found] == [9, 8]
    assert odoo.calls[-2][2] == [[["code", "=", "CN"]]]
    assert client.market_registration(42, 48).number == "国械注准20263010001"
    assert client.market_registration(42, 48, datetime.date(2031, 1, 1)) is None, "expired by then"


@pytest.mark.parametrize(
    ("changes", "in_force"),
    [
        ({}, True),
        ({"approved_on": False}, False),
        ({"withdrawn_on": "2026-02-01 00:00:00"}, False),
        ({"issue_date": "2026-07-01"}, False),
        ({"expiry_date": "2026-06-14"}, False),
        ({"expiry_date": "2026-06-15"}, True),
    ],
)
def test_registration_in_force(odoo, client, changes, in_force):
    odoo.answer("md.registration", "read", [dict(REGISTRATION, **changes)])
    [registration] = client.registrations(9)
    assert registration.in_force(datetime.date(2026, 6, 15)) is in_force


def test_unknown_country_code(odoo, client):
    odoo.answer(
        "product.product", "read", [{"id": 42, "product_tmpl_id": [30, "Pump"], "categ_id": [5, "Pumps"]}]
    )
    odoo.answer("res.country", "search_read", [])
    with pytest.raises(ValueError, match="Unknown country code 'XX'"):
        client.find_registrations(42, "XX")


def test_partner_licences(odoo, client):
    odoo.answer("res.partner", "read", [{"id": 15, "commercial_partner_id": [14, "Hospital"]}])
    licence = {
        "id": 3,
        "partner_id": [14, "Hospital"],
        "licence_type_id": [2, "医疗机构执业许可证"],
        "number": "PDY-1",
        "issuer": False,
        "state": "valid",
        "covers_class_i": False,
        "covers_class_ii": True,
        "covers_class_iii": True,
        "categ_ids": [],
        "issue_date": False,
        "expiry_date": "2020-01-01",
        "withdrawn_on": False,
    }
    odoo.answer("md.partner.licence", "search_read", [licence, dict(licence, id=4, expiry_date=False)])
    licences = client.partner_licences(15)
    _model, _method, [domain], _kwargs = odoo.calls[-1]
    assert [tuple(term) for term in domain] == [("partner_id", "=", 14)]
    assert [(lic.id, lic.licence_type_id, lic.licence_type, lic.issuer) for lic in licences] == [
        (3, 2, "医疗机构执业许可证", None),
        (4, 2, "医疗机构执业许可证", None),
    ]
    assert [lic.id for lic in client.partner_licences(15, in_force_only=True)] == [4]
