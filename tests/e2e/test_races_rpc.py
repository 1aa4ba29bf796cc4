"""Two users doing the same thing at the same instant, through the typed client.

Each race starts its calls together (a barrier), each call in its own session and server
thread. Whatever the interleaving, exactly one call wins, the other is refused with the
ordinary message of the rule it met (never a server error), and nothing is recorded twice:
one release decision per batch (ISO 13485 8.2.6; 21 CFR 11.70), one line and one serial
number per scanned unit (21 CFR 830.50: a serial identifies one unit), one executed
disposition and one closure per NCR (ISO 13485 8.3), and an audit trail whose chain verifies
while written concurrently (21 CFR 11.10(e)). The losing request waits for the winner's row
lock and is replayed by Odoo after the serialization failure (addons/md_base/row_lock.py,
md.lot.claim); the test run fails on any ERROR line in the server log.
"""

import datetime
import random
import threading
import uuid

import pytest
from meddev_client import MeddevClient, RuleRefused

GS = "\x1d"
PASSWORD_SUFFIX = "-Pw1!"
OPERATOR = ["mrp.group_mrp_user", "stock.group_stock_user"]
APPROVER = ["md_base.group_md_release_approver"]
SCANNER = ["md_base.group_md_user", "stock.group_stock_user"]
MANAGER = ["md_base.group_md_quality_manager", "stock.group_stock_user"]
EXPIRY = (datetime.date.today() + datetime.timedelta(days=400)).strftime("%y%m%d")


def race(*calls):
    """Run ``calls`` at the same instant, one thread each; return each result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            outcomes[index] = call()
        except Exception as exc:  # the outcome under test, whatever it is
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def one_winner(outcomes, refusal):
    """Exactly one call succeeded; the other was refused with a message matching ``refusal``."""
    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(refused) == 1, outcomes
    assert isinstance(refused[0], RuleRefused), repr(refused[0])
    assert refused[0].message and any(text in refused[0].message for text in refusal), refused[0].message
    return next(outcome for outcome in outcomes if not isinstance(outcome, Exception))


def gtin14(first13):
    """GS1 mod-10 check digit (GenSpecs 7.9.1) appended to 13 digits."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(first13)))
    return first13 + str((10 - total % 10) % 10)


def session(server, client_as, login, groups):
    """A new, separate session of ``login`` (two handhelds of one user are two sessions)."""
    client_as(login, groups)
    return MeddevClient.connect(server["url"], server["db"], login, login + PASSWORD_SUFFIX, timeout=120)


def password(client):
    return client.login_name + PASSWORD_SUFFIX


# -- batch release --------------------------------------------------------------------------


@pytest.fixture
def dhr_id(admin_client, client_as):
    """The DHR of a serial made by a done manufacturing order, waiting for its release."""
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin_client.call(
        "product.product",
        "create",
        {"name": f"Race Pump {tag}", "is_storable": True, "tracking": "serial", "md_is_device": True},
    )
    operator = client_as("rpc_race_operator", OPERATOR)
    production_id = operator.call("mrp.production", "create", {"product_id": product_id, "product_qty": 1})
    operator.call("mrp.production", "action_confirm", [production_id])
    lot_id = operator.call("stock.lot", "create", {"name": f"RACE-SN-{tag}", "product_id": product_id})
    operator.call(
        "mrp.production", "write", [production_id], {"lot_producing_id": lot_id, "qty_producing": 1}
    )
    operator.call("mrp.production", "button_mark_done", [production_id])
    [dhr] = admin_client.dhrs(production_id=production_id)
    return dhr.id


@pytest.fixture
def approvers(server, client_as):
    return [session(server, client_as, f"rpc_race_approver{n}", APPROVER) for n in (1, 2)]


def decision_signatures(admin_client, dhr_id):
    return admin_client.call(
        "md.signature",
        "search_read",
        [("res_model", "=", "md.quality.dhr"), ("res_id", "=", dhr_id), ("voided", "=", False)],
        ["meaning"],
    )


def test_two_approvers_release_the_same_batch(admin_client, approvers, dhr_id):
    outcomes = race(
        *(
            lambda approver=approver: approver.release_batch(
                dhr_id, password(approver), "Batch record reviewed"
            )
            for approver in approvers
        )
    )
    one_winner(outcomes, ["released", "decided"])
    assert admin_client.dhr(dhr_id).state == "released"
    assert [s["meaning"] for s in decision_signatures(admin_client, dhr_id)] == ["released"]


def test_release_and_rejection_at_once(admin_client, approvers, dhr_id):
    releaser, rejecter = approvers
    outcomes = race(
        lambda: releaser.release_batch(dhr_id, password(releaser), "Record complete"),
        lambda: rejecter.reject_batch(dhr_id, password(rejecter), "Seal strength low"),
    )
    one_winner(outcomes, ["released", "rejected", "decided"])
    signatures = decision_signatures(admin_client, dhr_id)
    assert len(signatures) == 1
    assert admin_client.dhr(dhr_id).state == signatures[0]["meaning"]


# -- scanning ---------------------------------------------------------------------------------


@pytest.fixture
def serial_device(admin_client):
    di = gtin14("07" + "".join(random.choices("0123456789", k=11)))
    product_id = admin_client.call(
        "product.product",
        "create",
        {
            "name": f"Race Monitor {di}",
            "is_storable": True,
            "tracking": "serial",
            "use_expiration_date": True,
            "md_udi_di": di,
        },
    )
    return {"di": di, "product_id": product_id}


def new_receipt(admin_client, product_id, quantity):
    in_type = admin_client.call("stock.picking.type", "search", [("code", "=", "incoming")], limit=1)[0]
    partner_id = admin_client.call("res.partner", "create", {"name": "Race Supplier"})
    picking_id = admin_client.call(
        "stock.picking",
        "create",
        {
            "picking_type_id": in_type,
            "partner_id": partner_id,
            "move_ids": [(0, 0, {"name": "monitor", "product_id": product_id, "product_uom_qty": quantity})],
        },
    )
    admin_client.call("stock.picking", "action_confirm", [picking_id])
    return picking_id


def udi(device, serial):
    return f"01{device['di']}21{serial}{GS}17{EXPIRY}"


def lots_named(admin_client, product_id, names):
    return admin_client.call(
        "stock.lot", "search_read", [("product_id", "=", product_id), ("name", "in", names)], ["name"]
    )


def test_two_scanners_scan_the_same_serial_into_one_receipt(server, admin_client, client_as, serial_device):
    picking_id = new_receipt(admin_client, serial_device["product_id"], 5)
    handhelds = [session(server, client_as, "rpc_race_scanner", SCANNER) for _ in range(2)]
    raw = udi(serial_device, "RACE-SN-1")
    outcomes = race(*(lambda h=handheld: h.scan("stock.picking", picking_id, raw) for handheld in handhelds))
    assert one_winner(outcomes, ["already scanned"]).status == "added"
    lines = admin_client.call(
        "stock.move.line", "search_read", [("picking_id", "=", picking_id), ("picked", "=", True)], ["lot_id"]
    )
    assert len(lines) == 1
    assert len(lots_named(admin_client, serial_device["product_id"], ["RACE-SN-1"])) == 1


def test_parallel_uploads_of_the_same_new_serials(server, admin_client, client_as, serial_device):
    """Two gateways upload the same 50 serial numbers into two receipts: each serial is created once."""
    receipts = [new_receipt(admin_client, serial_device["product_id"], 50) for _ in range(2)]
    serials = [f"RACE-UP-{n:03d}" for n in range(50)]
    raws = [udi(serial_device, serial) for serial in serials]
    gateways = [session(server, client_as, f"rpc_race_gateway{n}", SCANNER) for n in (1, 2)]
    outcomes = race(
        *(
            lambda gateway=gateway, picking_id=picking_id: gateway.scan_batch(
                "stock.picking", picking_id, raws, idempotency_key=str(uuid.uuid4())
            )
            for gateway, picking_id in zip(gateways, receipts, strict=True)
        )
    )
    one_winner(outcomes, ["already being received"])
    assert len(lots_named(admin_client, serial_device["product_id"], serials)) == len(serials)
    scanned = admin_client.call(
        "stock.move.line", "search_count", [("picking_id", "in", receipts), ("picked", "=", True)]
    )
    assert scanned == len(serials), "one receipt holds the serials, the other none"


# -- nonconformance ----------------------------------------------------------------------------


@pytest.fixture
def ncr_in_disposition(admin_client):
    """An NCR of 10 units of a lot in stock, decided: scrap all 10 (not executed yet)."""
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin_client.call(
        "product.product", "create", {"name": f"Race Catheter {tag}", "is_storable": True, "tracking": "lot"}
    )
    lot_id = admin_client.call("stock.lot", "create", {"name": f"RACE-NCR-{tag}", "product_id": product_id})
    stock_id = admin_client.call("stock.warehouse", "search_read", [], ["lot_stock_id"], limit=1)[0][
        "lot_stock_id"
    ][0]
    admin_client.call(
        "stock.quant",
        "create",
        {"product_id": product_id, "lot_id": lot_id, "location_id": stock_id, "inventory_quantity": 10},
    )
    quant_ids = admin_client.call("stock.quant", "search", [("lot_id", "=", lot_id)])
    admin_client.call("stock.quant", "action_apply_inventory", quant_ids)
    ncr_id = admin_client.call(
        "md.quality.ncr",
        "create",
        {
            "source": "production",
            "product_id": product_id,
            "lot_ids": [(6, 0, [lot_id])],
            "quantity": 10,
            "description": "Kinked shaft",
        },
    )
    admin_client.call("md.quality.ncr", "action_contain", [ncr_id])
    admin_client.call("md.quality.ncr", "write", [ncr_id], {"investigation": "Extruder speed drift"})
    admin_client.call("md.quality.ncr", "action_mrb_review", [ncr_id])
    scrap_id = admin_client.call(
        "md.quality.ncr.disposition",
        "create",
        {
            "ncr_id": ncr_id,
            "disposition_type": "scrap",
            "lot_id": lot_id,
            "location_id": stock_id,
            "quantity": 10,
        },
    )
    admin_client.call("md.quality.ncr", "action_decide_disposition", [ncr_id])
    return {"ncr_id": ncr_id, "scrap_id": scrap_id, "lot_id": lot_id}


@pytest.fixture
def managers(server, client_as):
    return [session(server, client_as, f"rpc_race_manager{n}", MANAGER) for n in (1, 2)]


def test_two_managers_execute_the_same_disposition(admin_client, managers, ncr_in_disposition):
    scrap_id = ncr_in_disposition["scrap_id"]
    outcomes = race(
        *(
            lambda m=manager: m.call("md.quality.ncr.disposition", "action_execute", [scrap_id])
            for manager in managers
        )
    )
    one_winner(outcomes, ["already executed"])
    [line] = admin_client.read("md.quality.ncr.disposition", scrap_id, ["state"])
    assert line["state"] == "done"
    lot_id = ncr_in_disposition["lot_id"]
    assert admin_client.call("stock.scrap", "search_count", [("lot_id", "=", lot_id)]) == 1


def test_two_managers_close_the_same_ncr(admin_client, managers, ncr_in_disposition):
    ncr_id = ncr_in_disposition["ncr_id"]
    managers[0].call("md.quality.ncr.disposition", "action_execute", [ncr_in_disposition["scrap_id"]])
    outcomes = race(
        *(
            lambda m=manager: m.sign(
                "md.quality.ncr", ncr_id, "closed", m.login_name + PASSWORD_SUFFIX, "Complete"
            )
            for manager in managers
        )
    )
    one_winner(outcomes, ["already closed"])
    assert admin_client.ncr(ncr_id).state == "closed"
    closures = admin_client.call(
        "md.signature",
        "search_count",
        [("res_model", "=", "md.quality.ncr"), ("res_id", "=", ncr_id), ("meaning", "=", "closed")],
    )
    assert closures == 1


# -- audit trail --------------------------------------------------------------------------------


def test_audit_writers_and_a_verifier_at_once(server, admin_client, client_as):
    """Four writers create and change audited lots while a quality manager verifies the chain."""
    product_id = admin_client.call(
        "product.product", "create", {"name": f"Race Stent {uuid.uuid4().hex[:6]}", "tracking": "serial"}
    )
    writers = [session(server, client_as, "rpc_race_writer", SCANNER)]
    writers += [
        MeddevClient.connect(
            server["url"], server["db"], "rpc_race_writer", "rpc_race_writer" + PASSWORD_SUFFIX
        )
        for _ in range(3)
    ]
    verifier = session(server, client_as, "rpc_race_verifier", ["md_base.group_md_quality_manager"])

    def write_lots(writer, index):
        for n in range(10):
            lot_id = writer.call(
                "stock.lot", "create", {"name": f"RACE-AUD-{index}-{n}", "product_id": product_id}
            )
            writer.call("stock.lot", "write", [lot_id], {"ref": f"changed {n}"})
        return True

    def verify_repeatedly():
        return [verifier.verify_chain().ok for _ in range(5)]

    outcomes = race(
        *(lambda w=writer, i=index: write_lots(w, i) for index, writer in enumerate(writers)),
        verify_repeatedly,
    )
    assert outcomes[:4] == [True] * 4, outcomes
    assert outcomes[4] == [True] * 5
    lot_ids = admin_client.call("stock.lot", "search", [("product_id", "=", product_id)])
    entries = admin_client.call(
        "md.audit.entry", "search_count", [("res_model", "=", "stock.lot"), ("res_id", "in", lot_ids)]
    )
    assert len(lot_ids) == 40 and entries >= 80, "every create and write of the 40 lots is recorded"
    assert admin_client.verify_chain().ok
