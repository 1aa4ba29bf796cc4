"""Storage conditions and GSP deliveries over RPC: the rules an integrator meets are the web
client's (GSP, NMPA announcement 2023 No. 153, Art. 42, 49, 74, 87).

A data logger's live feed sends its readings over JSON-RPC in batches: a batch with a bad row
stores nothing and names the row; a good batch with readings out of limits opens an excursion
that holds the lot stored there. Readings and what the excursion found cannot be written; a
delivery of devices is not validated without its outbound check, by the picker or anyone.
"""

import json
import urllib.request
import uuid
import xmlrpc.client
from datetime import UTC, datetime, timedelta

import pytest
from conftest import xmlid_to_res_id

CLERK = ["stock.group_stock_user", "md_base.group_md_user"]
QUALITY_MANAGER = ["md_base.group_md_quality_manager", "stock.group_stock_user"]
RPC_USER_ERROR = 2  # Odoo's /xmlrpc/2 fault code for a UserError


def json_rpc(session, model, method, args):
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {
            "service": "object",
            "method": "execute_kw",
            "args": [session.db, session.uid, session.password, model, method, args],
        },
        "id": 1,
    }
    request = urllib.request.Request(
        f"{session.url}/jsonrpc", json.dumps(payload).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


@pytest.fixture
def cold_room(admin):
    """A monitored cold room (2-8 °C) with a logger, and one lot received into it an hour ago."""
    tag = uuid.uuid4().hex[:8].upper()
    stock_id = xmlid_to_res_id(admin, "stock.stock_location_stock")
    suppliers = xmlid_to_res_id(admin, "stock.stock_location_suppliers")
    room_id = admin("stock.location", "create", {"name": f"Cold {tag}", "location_id": stock_id})
    place_id = admin(
        "md.env.place",
        "create",
        {"name": f"Cold {tag}", "location_id": room_id, "temp_min": 2, "temp_max": 8, "max_interval": 10},
    )
    serial = f"RPC-{tag}"
    admin(
        "md.env.logger",
        "create",
        {"serial": serial, "place_id": place_id, "tz": "Asia/Shanghai", "calibration_due": "2099-12-31"},
    )
    product_id = admin(
        "product.product", "create", {"name": f"Reagent {tag}", "is_storable": True, "tracking": "lot"}
    )
    lot_id = admin("stock.lot", "create", {"name": f"R-{tag}", "product_id": product_id})
    in_type_id = admin("stock.picking.type", "search", [("code", "=", "incoming")], limit=1)[0]
    line = {"product_id": product_id, "location_id": suppliers, "location_dest_id": room_id}
    line_with_lot = {**line, "lot_id": lot_id, "quantity": 1}
    receipt_id = admin(
        "stock.picking",
        "create",
        {
            "picking_type_id": in_type_id,
            "location_id": suppliers,
            "location_dest_id": room_id,
            "move_ids": [
                (
                    0,
                    0,
                    {
                        **line,
                        "name": "receipt",
                        "product_uom_qty": 1,
                        "move_line_ids": [(0, 0, line_with_lot)],
                    },
                )
            ],
        },
    )
    admin("stock.picking", "action_confirm", [receipt_id])
    admin("stock.picking", "button_validate", [receipt_id])
    return {"serial": serial, "lot_id": lot_id, "place_id": place_id}


def readings(serial, temperatures, start):
    return [
        {"logger": serial, "measured_at": (start + timedelta(minutes=index)).isoformat() + "+00:00",
         "temperature": value}
        for index, value in enumerate(temperatures)
    ]  # fmt: skip


def test_live_feed_batches_are_all_or_nothing_and_excursions_hold_the_lot(admin, login_as, cold_room):
    clerk = login_as("rpc_env_clerk", CLERK)
    # One-minute readings from now on: after the lot arrived, within the server's clock tolerance.
    start = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    bad = [
        *readings(cold_room["serial"], [5.0, 5.1], start),
        {"logger": cold_room["serial"], "measured_at": "not a time", "temperature": 5.0},
    ]
    result = json_rpc(clerk, "md.env.reading", "md_ingest", [bad])["result"]
    assert result["stored"] == 0
    assert [error["row"] for error in result["errors"]] == [3]
    assert not admin("md.env.reading", "search_count", [("place_id", "=", cold_room["place_id"])])

    good = readings(cold_room["serial"], [5.0, 9.5, 9.8, 5.0], start)
    result = json_rpc(clerk, "md.env.reading", "md_ingest", [good])["result"]
    assert (result["stored"], len(result["excursion_ids"])) == (4, 1)
    excursion = admin("md.env.excursion", "read", result["excursion_ids"], ["lot_ids", "state", "value_max"])[
        0
    ]
    assert (excursion["lot_ids"], excursion["state"], excursion["value_max"]) == (
        [cold_room["lot_id"]],
        "open",
        9.8,
    )
    assert admin("stock.lot", "read", [cold_room["lot_id"]], ["md_status"])[0]["md_status"] == "on_hold"

    manager = login_as("rpc_env_manager", QUALITY_MANAGER)
    for vals in ({"state": "closed"}, {"lot_ids": [(5, 0, 0)]}, {"value_max": 8.0}):
        with pytest.raises(xmlrpc.client.Fault) as refused:
            manager("md.env.excursion", "write", result["excursion_ids"], vals)
        assert refused.value.faultCode == RPC_USER_ERROR
    reading_ids = admin("md.env.reading", "search", [("place_id", "=", cold_room["place_id"])])
    with pytest.raises(xmlrpc.client.Fault):
        admin("md.env.reading", "write", reading_ids, {"temperature": 5.0})
    with pytest.raises(xmlrpc.client.Fault):
        admin("md.env.reading", "unlink", reading_ids)
