"""meddev_client (client/) against the running server: the typed client an integrator uses.

JSON-RPC carries the GS1 group separator (ASCII 29) as is; refusals come back as typed exceptions;
trace and recall scope read a lot created through the client's ``call`` escape hatch.
"""

import random
import threading
import uuid
from datetime import date

import pytest
from meddev_client import LoginFailed, MeddevClient, RuleRefused

GS = "\x1d"


def gtin14():
    digits = "0" + "".join(random.choice("0123456789") for _ in range(12))
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return digits + str((10 - total % 10) % 10)


@pytest.fixture(scope="module")
def client(server):
    return MeddevClient.connect(server["url"], server["db"], "admin", "admin", timeout=60)


@pytest.fixture(scope="module")
def lot(client):
    """A lot-tracked device with a UDI-DI and 10 units of one lot received into stock."""
    tag = uuid.uuid4().hex[:8].upper()
    di = gtin14()
    product_id = client.call(
        "product.product",
        "create",
        {"name": f"Client Stent {tag}", "is_storable": True, "tracking": "lot", "md_udi_di": di},
    )
    lot_id = client.call("stock.lot", "create", {"name": f"CLI-{tag}", "product_id": product_id})
    in_type = client.search_read(
        "stock.picking.type", [("code", "=", "incoming")], ["default_location_dest_id"], limit=1
    )[0]
    stock_id = in_type["default_location_dest_id"][0]
    [suppliers] = client.call("stock.location", "search", [("usage", "=", "supplier")], limit=1)
    line = {"product_id": product_id, "lot_id": lot_id, "quantity": 10}
    move = {
        "name": "Stent",
        "product_id": product_id,
        "product_uom_qty": 10,
        "location_id": suppliers,
        "location_dest_id": stock_id,
        "move_line_ids": [(0, 0, dict(line, location_id=suppliers, location_dest_id=stock_id))],
    }
    picking_id = client.call(
        "stock.picking",
        "create",
        {
            "picking_type_id": in_type["id"],
            "location_id": suppliers,
            "location_dest_id": stock_id,
            "move_ids": [(0, 0, move)],
        },
    )
    client.call("stock.picking", "action_confirm", [picking_id])
    client.call("stock.picking", "button_validate", [picking_id])
    return {"id": lot_id, "name": f"CLI-{tag}", "product_id": product_id, "di": di, "stock_id": stock_id}


def test_login_failure(server):
    with pytest.raises(LoginFailed):
        MeddevClient.connect(server["url"], server["db"], "admin", "not-the-password")


def test_parse_a_gs1_udi_with_the_group_separator(client, lot):
    udi = client.parse_udi(f"01{lot['di']}17270100" + f"10{lot['name']}{GS}21SN-9{GS}3025")
    assert (udi.issuer, udi.di, udi.lot, udi.serial) == ("gs1", lot["di"], lot["name"], "SN-9")
    assert (udi.expiry, udi.production_date, udi.quantity) == (date(2027, 1, 31), None, 25)
    assert (udi.product_id, udi.packaging_id, udi.pi_only) == (lot["product_id"], None, False)


def test_a_bad_udi_is_rule_refused(client):
    with pytest.raises(RuleRefused) as error:
        client.parse_udi("0100614141123453")
    assert "GTIN 00614141123453 in AI (01): check digit should be 2" in error.value.message
    assert error.value.odoo_name == "odoo.exceptions.UserError"


def test_verify_chain(client, lot):
    """Incremental: the entries written since the newest checkpoint, then nothing new."""
    client.call("stock.lot", "write", [lot["id"]], {"ref": f"VERIFY-{uuid.uuid4().hex[:6]}"})
    check = client.verify_chain()
    assert check.ok and check.checked > 0 and check.first_broken_id is None
    again = client.verify_chain()
    assert (again.ok, again.checked, again.from_position) == (True, 0, check.from_position + check.checked)


def test_trace_and_recall_scope(client, lot):
    assert client.trace([lot["id"]], "down") == []
    assert client.trace([lot["id"]], "up") == []
    scope = client.recall_scope([lot["id"]])
    assert scope.lots == [lot["id"]]
    assert [(row.lot_id, row.location_id, row.quantity) for row in scope.stock] == [
        (lot["id"], lot["stock_id"], 10.0)
    ]
    assert scope.customers == []


def test_hold_and_release(client, lot):
    [hold_id] = client.place_hold([lot["id"]], "Client e2e: seal check")
    assert client.lot_status([lot["id"]]) == {lot["id"]: "on_hold"}
    [hold] = client.holds([lot["id"]])
    assert (hold.id, hold.lot_id, hold.state, hold.reason) == (
        hold_id,
        lot["id"],
        "active",
        "Client e2e: seal check",
    )
    client.release_holds([hold_id], "Seal check passed")
    assert client.lot_status([lot["id"]]) == {lot["id"]: "released"}
    assert client.holds([lot["id"]]) == []


def gauze_receipt(client, quantity=4):
    """An untracked device with a UDI-DI and a confirmed receipt of ``quantity`` units of it."""
    tag = uuid.uuid4().hex[:8].upper()
    di = gtin14()
    product_id = client.call(
        "product.product", "create", {"name": f"Client Gauze {tag}", "is_storable": True, "md_udi_di": di}
    )
    in_type = client.search_read(
        "stock.picking.type", [("code", "=", "incoming")], ["default_location_dest_id"], limit=1
    )[0]
    [suppliers] = client.call("stock.location", "search", [("usage", "=", "supplier")], limit=1)
    locations = {"location_id": suppliers, "location_dest_id": in_type["default_location_dest_id"][0]}
    picking_id = client.call(
        "stock.picking",
        "create",
        {
            "picking_type_id": in_type["id"],
            **locations,
            "move_ids": [
                (0, 0, {"name": "Gauze", "product_id": product_id, "product_uom_qty": quantity, **locations})
            ],
        },
    )
    client.call("stock.picking", "action_confirm", [picking_id])
    return di, picking_id


def test_a_keyed_scan_batch_sent_twice_is_applied_once(client):
    # A handheld resends its batch after a timeout: the server applies it once (md.scan.batch.key).
    di, picking_id = gauze_receipt(client)
    key = f"handheld-7:{uuid.uuid4().hex}"
    first = client.scan_batch("stock.picking", picking_id, [f"01{di}", f"01{di}"], idempotency_key=key)
    again = client.scan_batch("stock.picking", picking_id, [f"01{di}", f"01{di}"], idempotency_key=key)
    assert (first.replayed, again.replayed, again.quantity) == (False, True, 2.0)
    progress = client.scan_progress("stock.picking", picking_id)
    assert [(line.scanned, line.expected) for line in progress.lines] == [(2.0, 4.0)]
    with pytest.raises(RuleRefused, match="already used for another batch"):
        client.scan_batch("stock.picking", picking_id, [f"01{di}"], idempotency_key=key)


def test_the_same_keyed_batch_sent_at_once_twice_is_applied_once(server, client):
    # Two sessions race with one key: the second waits on the key's unique index, fails to
    # serialize when the first commits, and Odoo's retry of it replays the first result.
    di, picking_id = gauze_receipt(client, quantity=200)
    key = f"handheld-8:{uuid.uuid4().hex}"
    sessions = [
        MeddevClient.connect(server["url"], server["db"], "admin", "admin", timeout=60) for _ in range(2)
    ]
    start = threading.Barrier(2)
    results, errors = [], []

    def send(session):
        start.wait()
        try:
            results.append(
                session.scan_batch("stock.picking", picking_id, [f"01{di}"] * 150, idempotency_key=key)
            )
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=send, args=(session,)) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(result.replayed for result in results) == [False, True]
    progress = client.scan_progress("stock.picking", picking_id)
    assert [(line.scanned, line.expected) for line in progress.lines] == [(150.0, 200.0)]
