"""Lot holds through the typed client: the same rules as in the web client (ISO 13485 7.5.8, 8.3).

A quality manager places a hold, a plain Medical Devices user cannot, and validating a
delivery of held stock is refused with a message naming the lot and the hold reason.
"""

import uuid

import pytest
from conftest import xmlid_to_res_id
from meddev_client import AccessRefused, RuleRefused

QUALITY_MANAGER = ["md_base.group_md_quality_manager", "stock.group_stock_user"]
MD_USER = ["md_base.group_md_user", "stock.group_stock_user"]


@pytest.fixture
def held_stock(admin_client):
    """A lot-tracked product with 10 units of one lot in the main warehouse stock."""
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin_client.call(
        "product.product", "create", {"name": f"Stent {tag}", "is_storable": True, "tracking": "lot"}
    )
    lot_id = admin_client.call("stock.lot", "create", {"name": f"RPC-LOT-{tag}", "product_id": product_id})
    out_type = admin_client.call(
        "stock.picking.type", "search_read", [("code", "=", "outgoing")], ["default_location_src_id"]
    )[0]
    stock_id = out_type["default_location_src_id"][0]
    in_type_id = admin_client.call("stock.picking.type", "search", [("code", "=", "incoming")], limit=1)[0]
    suppliers = xmlid_to_res_id(admin_client.call, "stock.stock_location_suppliers")
    receipt_id = admin_client.call(
        "stock.picking",
        "create",
        {
            "picking_type_id": in_type_id,
            "location_id": suppliers,
            "location_dest_id": stock_id,
            "move_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Stent",
                        "product_id": product_id,
                        "product_uom_qty": 10,
                        "location_id": suppliers,
                        "location_dest_id": stock_id,
                        "move_line_ids": [
                            (
                                0,
                                0,
                                {
                                    "product_id": product_id,
                                    "lot_id": lot_id,
                                    "quantity": 10,
                                    "location_id": suppliers,
                                    "location_dest_id": stock_id,
                                },
                            )
                        ],
                    },
                )
            ],
        },
    )
    admin_client.call("stock.picking", "action_confirm", [receipt_id])
    admin_client.call("stock.picking", "button_validate", [receipt_id])
    assert admin_client.call("stock.picking", "read", [receipt_id], ["state"])[0]["state"] == "done"
    return {
        "product_id": product_id,
        "lot_id": lot_id,
        "lot_name": f"RPC-LOT-{tag}",
        "picking_type_id": out_type["id"],
        "stock_id": stock_id,
    }


def lot_status(client, lot_id):
    return client.lot_status(lot_id)[lot_id]


def test_quality_manager_places_and_releases_a_hold(admin_client, client_as, held_stock):
    manager = client_as("rpc_hold_manager", QUALITY_MANAGER)
    [hold_id] = manager.place_hold(held_stock["lot_id"], "Recall RC-1: seal failure")
    assert lot_status(admin_client, held_stock["lot_id"]) == "on_hold"
    [hold] = manager.holds(held_stock["lot_id"])
    assert (hold.id, hold.hold_type, hold.state, hold.placed_by_id) == (
        hold_id,
        "hold",
        "active",
        manager.uid,
    )
    manager.release_holds([hold_id], "Lot outside recall scope")
    [hold] = manager.holds(held_stock["lot_id"], active_only=False)
    assert hold.state == "released"
    assert hold.release_reason == "Lot outside recall scope"
    assert hold.released_by_id == manager.uid and hold.released_at is not None
    assert lot_status(admin_client, held_stock["lot_id"]) == "released"


def test_md_user_cannot_place_a_hold(admin_client, client_as, held_stock):
    user = client_as("rpc_hold_user", MD_USER)
    with pytest.raises(AccessRefused, match="not allowed"):
        user.place_hold(held_stock["lot_id"], "Not allowed")
    assert lot_status(admin_client, held_stock["lot_id"]) == "released"


def test_delivery_of_held_stock_is_refused(admin_client, client_as, held_stock):
    customers = xmlid_to_res_id(admin_client.call, "stock.stock_location_customers")
    picking_id = admin_client.call(
        "stock.picking",
        "create",
        {
            "picking_type_id": held_stock["picking_type_id"],
            "location_id": held_stock["stock_id"],
            "location_dest_id": customers,
            "move_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Stent",
                        "product_id": held_stock["product_id"],
                        "product_uom_qty": 4,
                        "location_id": held_stock["stock_id"],
                        "location_dest_id": customers,
                    },
                )
            ],
        },
    )
    admin_client.call("stock.picking", "action_confirm", [picking_id])
    admin_client.call("stock.picking", "action_assign", [picking_id])
    [picking] = admin_client.read("stock.picking", picking_id, ["move_ids"])
    admin_client.call(
        "stock.move", "write", picking["move_ids"], {"picked": True}
    )  # picked before the recall

    manager = client_as("rpc_hold_manager", QUALITY_MANAGER)
    manager.place_hold(held_stock["lot_id"], "Recall RC-2: wrong sterilisation cycle")

    with pytest.raises(RuleRefused) as error:  # a UserError, not a server error with a traceback
        admin_client.call("stock.picking", "button_validate", [picking_id])
    message = error.value.message
    assert "Delivery to a customer is not allowed" in message
    assert held_stock["lot_name"] in message
    assert "Recall RC-2: wrong sterilisation cycle" in message
    assert admin_client.read("stock.picking", picking_id, ["state"])[0]["state"] == "assigned"
