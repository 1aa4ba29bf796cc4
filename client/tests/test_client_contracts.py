"""Each typed call: the RPC it sends and how it reads the recorded answer (False -> None)."""

import datetime

import pytest
from meddev_client import (
    BatchResult,
    ChainVerification,
    IngestResult,
    MeddevClient,
    ParsedUdi,
    Reading,
    RecallScope,
    ScanProgress,
    ScanResult,
)
from meddev_client.testing import FakeOdoo

DATE = datetime.date
UTC = datetime.UTC


@pytest.fixture
def odoo():
    return FakeOdoo()


@pytest.fixture
def client(odoo):
    return MeddevClient.connect("http://odoo.test", "meddev", "admin", "admin", session=odoo.session())


def test_parse_udi(odoo, client):
    # recorded from md.udi.parse("(01)08717648200274(17)270100(10)LOT-7")
    odoo.answer(
        "md.udi",
        "parse",
        {
            "issuer": "gs1",
            "di": "08717648200274",
            "lot": "LOT-7",
            "serial": False,
            "expiry": "2027-01-31",
            "production_date": False,
            "quantity": False,
            "product_id": False,
            "packaging_id": False,
            "pi_only": False,
            "extra": {},
        },
    )
    udi = client.parse_udi("(01)08717648200274(17)270100(10)LOT-7")
    assert isinstance(udi, ParsedUdi)
    assert (udi.issuer, udi.di, udi.lot, udi.expiry) == ("gs1", "08717648200274", "LOT-7", DATE(2027, 1, 31))
    assert udi.serial is None and udi.production_date is None and udi.quantity is None
    assert udi.product_id is None and udi.packaging_id is None and udi.pi_only is False


def test_parse_udi_pi_only_with_dates_and_quantity(odoo, client):
    odoo.answer(
        "md.udi",
        "parse",
        {
            "issuer": "gs1",
            "di": False,
            "lot": "L1",
            "serial": False,
            "expiry": "2026-12-31",
            "production_date": "2025-06-01",
            "quantity": 25,
            "product_id": False,
            "packaging_id": False,
            "pi_only": True,
            "extra": {"dates": {"15": "2026-11-30"}},
        },
    )
    udi = client.parse_udi("(11)250601(17)261231(10)L1(30)25")
    assert udi.di is None and udi.pi_only
    assert (udi.production_date, udi.quantity) == (DATE(2025, 6, 1), 25)
    assert udi.extra == {"dates": {"15": "2026-11-30"}}


def test_scan(odoo, client):
    odoo.answer(
        "md.scan",
        "scan",
        {
            "status": "added",
            "message": "Catheter RPC-L1 (expiry 2027-01-31): 1.0 added.",
            "product_id": 42,
            "lot_id": 7,
            "lot_name": "RPC-L1",
            "quantity": 1.0,
            "expiry": "2027-01-31",
            "line_model": "stock.move.line",
            "line_id": 311,
        },
    )
    result = client.scan("stock.picking", 17, "0108717648200274\x1d10RPC-L1")
    assert odoo.calls[-1] == ("md.scan", "scan", ["stock.picking", 17, "0108717648200274\x1d10RPC-L1"], {})
    assert isinstance(result, ScanResult) and not result.pending
    assert (result.lot_id, result.lot_name, result.expiry) == (7, "RPC-L1", DATE(2027, 1, 31))
    assert (result.line_model, result.line_id, result.quantity) == ("stock.move.line", 311, 1.0)


def test_scan_pending_has_no_lot(odoo, client):
    odoo.answer(
        "md.scan",
        "scan",
        {
            "status": "pending",
            "message": "Catheter: now scan its lot or serial number.",
            "product_id": 42,
            "lot_id": False,
            "lot_name": False,
            "quantity": 0.0,
            "expiry": False,
            "line_model": False,
            "line_id": False,
        },
    )
    result = client.scan("stock.picking", 17, "0108717648200274")
    assert result.pending
    assert result.lot_id is None and result.lot_name is None and result.expiry is None
    assert result.line_model is None and result.line_id is None


def test_scan_batch(odoo, client):
    odoo.answer(
        "md.scan",
        "scan_batch",
        {
            "status": "added",
            "count": 2,
            "quantity": 2.0,
            "message": "2 scans added to WH/IN/00017 (quantity 2.0).",
        },
    )
    raws = ["0108717648200274\x1d21SN-1", "0108717648200274\x1d21SN-2"]
    result = client.scan_batch("stock.picking", 17, raws)
    assert odoo.calls[-1] == ("md.scan", "scan_batch", ["stock.picking", 17, raws], {})
    assert result == BatchResult(status="added", count=2, quantity=2.0, message=result.message)


def test_scan_progress(odoo, client):
    odoo.answer(
        "md.scan",
        "progress",
        {
            "expected_label": "Scanned / To Receive",
            "lines": [
                {
                    "key": "move-5",
                    "product_id": 42,
                    "product": "Catheter",
                    "uom": "Units",
                    "scanned": 2.0,
                    "expected": 50.0,
                    "lots": [
                        {
                            "key": "move-5-lot-7",
                            "lot_id": 7,
                            "name": "RPC-L1",
                            "expiry": "2027-01-31",
                            "production_date": False,
                            "scanned": 2.0,
                        }
                    ],
                }
            ],
        },
    )
    progress = client.scan_progress("stock.picking", 17)
    assert isinstance(progress, ScanProgress) and progress.expected_label == "Scanned / To Receive"
    [line] = progress.lines
    assert (line.product, line.scanned, line.expected) == ("Catheter", 2.0, 50.0)
    [lot] = line.lots
    assert (lot.name, lot.expiry, lot.production_date) == ("RPC-L1", DATE(2027, 1, 31), None)


def test_scan_progress_of_a_count(odoo, client):
    odoo.answer("md.scan", "progress", {"expected_label": "", "lines": []})
    assert client.scan_progress("stock.location", 8).lines == []


@pytest.mark.parametrize("direction", ["up", "down"])
def test_trace(odoo, client, direction):
    odoo.answer("stock.lot", "md_trace", [{"lot_id": 9, "product_id": 43, "level": 1}])
    [row] = client.trace([7], direction)
    assert odoo.calls[-1] == ("stock.lot", "md_trace", [[7], direction], {})
    assert (row.lot_id, row.product_id, row.level) == (9, 43, 1)


def test_trace_refuses_an_unknown_direction_before_sending(odoo, client):
    with pytest.raises(ValueError, match="'up' or 'down'"):
        client.trace([7], "downstream")
    assert not odoo.calls


def test_recall_scope(odoo, client):
    odoo.answer(
        "stock.lot",
        "md_recall_scope",
        {
            "lots": [7, 9],
            "stock": [{"lot_id": 9, "location_id": 8, "quantity": 3.0}],
            "customers": [
                {
                    "partner_id": 14,
                    "lot_id": 9,
                    "quantity": 2.0,
                    "picking_ids": [21],
                    "date": "2026-03-02 08:15:00",
                },
                {"partner_id": 15, "lot_id": 9, "quantity": 0.0, "picking_ids": [], "date": None},
            ],
        },
    )
    scope = client.recall_scope(7)
    assert odoo.calls[-1] == ("stock.lot", "md_recall_scope", [[7]], {})
    assert isinstance(scope, RecallScope) and scope.lots == [7, 9]
    assert (scope.stock[0].location_id, scope.stock[0].quantity) == (8, 3.0)
    first, second = scope.customers
    assert first.date == datetime.datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
    assert first.picking_ids == [21] and second.date is None


def test_lot_status(odoo, client):
    odoo.answer("stock.lot", "read", [{"id": 7, "md_status": "on_hold"}, {"id": 8, "md_status": "released"}])
    assert client.lot_status([7, 8]) == {7: "on_hold", 8: "released"}
    assert odoo.calls[-1] == ("stock.lot", "read", [[7, 8], ["md_status"]], {})


def test_place_hold_creates_one_hold_per_lot(odoo, client):
    odoo.answer("md.lot.hold", "create", [31, 32])
    assert client.place_hold([7, 8], "Recall RC-1: seal failure") == [31, 32]
    vals = [
        {"lot_id": 7, "hold_type": "hold", "reason": "Recall RC-1: seal failure"},
        {"lot_id": 8, "hold_type": "hold", "reason": "Recall RC-1: seal failure"},
    ]
    assert odoo.calls[-1] == ("md.lot.hold", "create", [vals], {})


def test_holds_and_release(odoo, client):
    odoo.answer(
        "md.lot.hold",
        "search_read",
        [
            {
                "id": 31,
                "lot_id": [7, "RPC-LOT-1"],
                "hold_type": "hold",
                "reason": "Recall RC-1",
                "state": "active",
                "placed_by_id": [2, "Administrator"],
                "placed_at": "2026-03-02 08:15:00",
                "released_by_id": False,
                "released_at": False,
                "release_reason": False,
            }
        ],
    )
    [hold] = client.holds([7])
    assert (hold.id, hold.lot_id, hold.placed_by_id, hold.state) == (31, 7, 2, "active")
    assert hold.released_by_id is None and hold.released_at is None and hold.release_reason is None
    assert odoo.calls[-1][3]["fields"][0] == "lot_id"
    assert odoo.calls[-1][2] == [[("lot_id", "in", [7]), ("state", "=", "active")]] or odoo.calls[-1][2] == [
        [["lot_id", "in", [7]], ["state", "=", "active"]]
    ]

    odoo.answer("md.lot.hold.wizard", "create", 4)
    odoo.answer("md.lot.hold.wizard", "action_confirm", {"type": "ir.actions.act_window_close"})
    client.release_holds([31], "Lot outside recall scope")
    create, confirm = odoo.calls[-2:]
    assert create[2] == [
        {"mode": "release", "hold_ids": [[6, 0, [31]]], "reason": "Lot outside recall scope"}
    ]
    assert confirm[:3] == ("md.lot.hold.wizard", "action_confirm", [[4]])


def test_sign_and_signatures(odoo, client):
    odoo.answer("md.lot.hold", "md_sign", [223])
    assert client.sign("md.lot.hold", [31], "released", "pw", "Outside scope") == [223]
    assert odoo.calls[-1] == ("md.lot.hold", "md_sign", [[31], "released", "pw", "Outside scope"], {})
    odoo.answer(
        "md.signature",
        "search_read",
        [
            {
                "id": 223,
                "res_model": "md.lot.hold",
                "res_id": 31,
                "signer_id": [46, "QA Wang"],
                "signer_name": "QA Wang",
                "meaning": "released",
                "meaning_name": "Released",
                "reason": "Outside scope",
                "signed_at": "2026-12-04 04:51:31",
                "content_hash": "5dc2a9cdec224ba288cf4839adaab683e3a175a28b1ae83da409027e461f00c9",
                "voided": False,
            }
        ],
    )
    [signature] = client.signatures("md.lot.hold", 31)
    assert (signature.signer_id, signature.meaning, signature.res_id) == (46, "released", 31)
    assert signature.signed_at == datetime.datetime(2026, 12, 4, 4, 51, 31, tzinfo=UTC)
    _model, _method, [domain], kwargs = odoo.calls[-1]
    assert [tuple(term) for term in domain] == [("res_model", "=", "md.lot.hold"), ("res_id", "=", 31)]
    assert {"signer_id", "signed_at", "content_hash"} <= set(kwargs["fields"])


def test_sign_with_login(odoo, client):
    odoo.answer("md.capa", "md_sign", [224])
    client.sign("md.capa", 5, "approved", "pw", "ok", login="qa.zhang")
    assert odoo.calls[-1][3] == {"login": "qa.zhang"}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"ok": True, "checked": 4753, "first_broken_id": False}, ChainVerification(ok=True, checked=4753)),
        (
            {"ok": True, "checked": 12, "first_broken_id": False, "from_position": 4753},
            ChainVerification(ok=True, checked=12, from_position=4753),
        ),
        (
            {"ok": False, "checked": 12, "first_broken_id": 13},
            ChainVerification(ok=False, checked=12, first_broken_id=13),
        ),
    ],
)
def test_verify_chain(odoo, client, answer, expected):
    odoo.answer("md.audit.entry", "verify_chain", answer)
    assert client.verify_chain() == expected


def test_ingest_readings(odoo, client):
    odoo.answer("md.env.reading", "md_ingest", {"stored": 2, "errors": [], "excursion_ids": [5]})
    rows = [
        Reading(
            logger="LG-01",
            measured_at=datetime.datetime(
                2026, 11, 3, 14, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
            ),
            temperature=4.2,
            humidity=55,
        ),
        {"logger": "LG-01", "measured_at": "2026-11-03T14:10:00", "temperature": 9.1},
    ]
    result = client.ingest_readings(rows)
    assert isinstance(result, IngestResult) and result.ok and result.excursion_ids == [5]
    assert odoo.calls[-1][2] == [
        [
            {
                "logger": "LG-01",
                "measured_at": "2026-11-03T14:05:00+08:00",
                "temperature": 4.2,
                "humidity": 55.0,
            },
            {"logger": "LG-01", "measured_at": "2026-11-03T14:10:00", "temperature": 9.1},
        ]
    ]


def test_ingest_readings_refused_rows_are_a_result_not_an_exception(odoo, client):
    odoo.answer(
        "md.env.reading",
        "md_ingest",
        {"stored": 0, "errors": [{"row": 2, "message": "Unknown data logger LG-99."}], "excursion_ids": []},
    )
    result = client.ingest_readings(
        [{"logger": "LG-99", "measured_at": "2026-11-03T14:05:00", "temperature": 4}]
    )
    assert not result.ok and result.stored == 0
    assert (result.errors[0].row, result.errors[0].message) == (2, "Unknown data logger LG-99.")


def test_call_passes_args_and_kwargs(odoo, client):
    odoo.answer("stock.lot", "search_read", [{"id": 7, "name": "L-1"}])
    assert client.call("stock.lot", "search_read", [("name", "=", "L-1")], fields=["name"], limit=1) == [
        {"id": 7, "name": "L-1"}
    ]
    assert odoo.calls[-1] == (
        "stock.lot",
        "search_read",
        [[["name", "=", "L-1"]]],
        {"fields": ["name"], "limit": 1},
    )


def test_call_of_a_method_returning_none(odoo, client):
    odoo.answer("md.capa", "action_close", None)
    assert client.call("md.capa", "action_close", [5]) is None
