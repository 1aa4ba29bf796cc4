"""Lot holds over XML-RPC: the same rules as in the web client (ISO 13485 7.5.8, 8.3).

A quality manager places a hold, a plain Medical Devices user cannot, and validating a
delivery of held stock is refused with a message naming the lot and the hold reason.
"""

import uuid
import xmlrpc.client

import pytest
from conftest import xmlid_to_res_id

QUALITY_MANAGER = ["md_base.group_md_quality_manager", "stock.group_stock_user"]
MD_USER = ["md_base.group_md_user", "stock.group_stock_user"]
# Fault codes of Odoo's /xmlrpc/2 (odoo/addons/base/controllers/rpc.py)
RPC_USER_ERROR = 2
RPC_ACCESS_ERROR = 4


@pytest.fixture
def held_stock(admin):
    """A lot-tracked product with 10 units of one lot in the main warehouse stock."""
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin(
        "product.product", "create", {"name": f"Stent {tag}", "is_storable": True, "tracking": "lot"}
    )
    lot_id = admin("stock.lot", "create", {"name": f"RPC-LOT-{tag}", "product_id": product_id})
    out_type = admin(
        "stock.picking.type", "search_read", [("code", "=", "outgoing")], ["default_location_src_id"]
    )[0]
    stock_id = out_type["default_location_src_id"][0]
    in_type_id = admin("stock.picking.type", "search", [("code", "=", "incoming")], limit=1)[0]
    suppliers = xmlid_to_res_id(admin, "stock.stock_location_suppliers")
    receipt_id = admin(
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
    admin("stock.picking", "action_confirm", [receipt_id])
    admin("stock.picking", "button_validate", [receipt_id])
    assert admin("stock.picking", "read", [receipt_id], ["state"])[0]["state"] == "done"
    return {
        "product_id": product_id,
        "lot_id": lot_id,
        "lot_name": f"RPC-LOT-{tag}",
        "picking_type_id": out_type["id"],
        "stock_id": stock_id,
    }


def place_hold(session, lot_id, reason):
    return session("md.lot.hold", "create", {"lot_id": lot_id, "hold_type": "hold", "reason": reason})


def lot_status(admin, lot_id):
    return admin("stock.lot", "read", [lot_id], ["md_status"])[0]["md_status"]


def test_quality_manager_places_and_releases_a_hold(admin, login_as, held_stock):
    manager = login_as("rpc_hold_manager", QUALITY_MANAGER)
    hold_id = place_hold(manager, held_stock["lot_id"], "Recall RC-1: seal failure")
    assert lot_status(admin, held_stock["lot_id"]) == "on_hold"
    wizard_id = manager(
        "md.lot.hold.wizard",
        "create",
        {"mode": "release", "hold_ids": [(6, 0, [hold_id])], "reason": "Lot outside recall scope"},
    )
    manager("md.lot.hold.wizard", "action_confirm", [wizard_id])
    hold = manager("md.lot.hold", "read", [hold_id], ["state", "release_reason"])[0]
    assert hold["state"] == "released"
    assert hold["release_reason"] == "Lot outside recall scope"
    assert lot_status(admin, held_stock["lot_id"]) == "released"


def test_md_user_cannot_place_a_hold(admin, login_as, held_stock):
    user = login_as("rpc_hold_user", MD_USER)
    with pytest.raises(xmlrpc.client.Fault) as error:
        place_hold(user, held_stock["lot_id"], "Not allowed")
    assert error.value.faultCode == RPC_ACCESS_ERROR
    assert "not allowed" in error.value.faultString
    assert lot_status(admin, held_stock["lot_id"]) == "released"


def test_delivery_of_held_stock_is_refused(admin, login_as, held_stock):
    customers = xmlid_to_res_id(admin, "stock.stock_location_customers")
    picking_id = admin(
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
    admin("stock.picking", "action_confirm", [picking_id])
    admin("stock.picking", "action_assign", [picking_id])
    move_ids = admin("stock.picking", "read", [picking_id], ["move_ids"])[0]["move_ids"]
    admin("stock.move", "write", move_ids, {"picked": True})  # picked before the recall arrives

    manager = login_as("rpc_hold_manager", QUALITY_MANAGER)
    place_hold(manager, held_stock["lot_id"], "Recall RC-2: wrong sterilisation cycle")

    with pytest.raises(xmlrpc.client.Fault) as error:
        admin("stock.picking", "button_validate", [picking_id])
    message = error.value.faultString
    assert "Delivery to a customer is not allowed" in message
    assert held_stock["lot_name"] in message
    assert "Recall RC-2: wrong sterilisation cycle" in message
    assert error.value.faultCode == RPC_USER_ERROR, "a UserError, not a server error with a traceback"
    assert admin("stock.picking", "read", [picking_id], ["state"])[0]["state"] == "assigned"
