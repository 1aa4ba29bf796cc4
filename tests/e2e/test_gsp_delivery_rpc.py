"""Cold chain and delivery rules over XML-RPC and JSON-RPC (China GSP, NMPA announcement 2023
No. 153): a receipt of cold-chain devices is refused without a conforming transport record
(Art. 63, 67), a cold-chain delivery leaves with a pre-cooled container and a logger (Art. 95,
97), the customer's licence is checked when the delivery is validated (Art. 81-82), and no lot
is reserved for or shipped to a customer with less shelf life left than its minimum (Art. 76)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from conftest import xmlid_to_res_id
from test_gsp_operations_rpc import approve_market_access, refused
from test_storage_gsp_rpc import json_rpc

CLERK = ["stock.group_stock_user", "md_base.group_md_user"]


def odoo_time(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture
def cold_chain(admin):
    """The company requires cold-chain records for the test (its setting comes back after), a
    refrigerated vehicle with its logger, and a 2-8 °C device."""
    tag = uuid.uuid4().hex[:8].upper()
    company_id = admin("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    before = admin("res.company", "read", [company_id], ["md_cold_chain_required", "country_id"])[0]
    admin("res.company", "write", [company_id], {"md_cold_chain_required": True})
    transit = admin(
        "stock.location",
        "create",
        {
            "name": f"Vehicle {tag}",
            "usage": "transit",
            "location_id": xmlid_to_res_id(admin, "stock.stock_location_locations"),
        },
    )
    vehicle = admin(
        "md.env.place",
        "create",
        {
            "name": f"Vehicle {tag}",
            "kind": "vehicle",
            "location_id": transit,
            "temp_min": 2,
            "temp_max": 8,
            "max_interval": 15,
        },
    )
    serial = f"TL-{tag}"
    logger_id = admin(
        "md.env.logger",
        "create",
        {"serial": serial, "place_id": vehicle, "tz": "UTC", "calibration_due": "2099-12-31"},
    )
    product_id = admin(
        "product.product",
        "create",
        {
            "name": f"Cold reagent {tag}",
            "is_storable": True,
            "md_is_device": True,
            "md_storage_temp_controlled": True,
            "md_storage_temp_min": 2,
            "md_storage_temp_max": 8,
        },
    )
    supplier_id = admin("res.partner", "create", {"name": f"Cold supplier {tag}", "is_company": True})
    yield {
        "tag": tag,
        "serial": serial,
        "logger_id": logger_id,
        "product_id": product_id,
        "supplier_id": supplier_id,
        "country_id": before["country_id"][0],
    }
    admin("res.company", "write", [company_id], {"md_cold_chain_required": before["md_cold_chain_required"]})


def picking(session, admin, code, product_id, partner_id, quantity=1, pick=True):
    picking_type = admin(
        "stock.picking.type",
        "search_read",
        [("code", "=", code)],
        ["default_location_src_id", "default_location_dest_id"],
        limit=1,
    )[0]
    if code == "incoming":
        source = xmlid_to_res_id(admin, "stock.stock_location_suppliers")
        destination = picking_type["default_location_dest_id"][0]
    else:
        source = picking_type["default_location_src_id"][0]
        destination = xmlid_to_res_id(admin, "stock.stock_location_customers")
    locations = {"location_id": source, "location_dest_id": destination}
    picking_id = session(
        "stock.picking",
        "create",
        {
            "picking_type_id": picking_type["id"],
            "partner_id": partner_id,
            **locations,
            "move_ids": [
                (0, 0, {"name": "cold", "product_id": product_id, "product_uom_qty": quantity, **locations})
            ],
        },
    )
    session("stock.picking", "action_confirm", [picking_id])
    session("stock.picking", "action_assign", [picking_id])
    if pick:
        move_ids = session("stock.move", "search", [("picking_id", "=", picking_id)])
        session("stock.move", "write", move_ids, {"quantity": quantity, "picked": True})
    return picking_id


def transport(session, cold_chain, picking_id, departure, precooled=True):
    return session(
        "md.env.transport",
        "create",
        {
            "picking_id": picking_id,
            "transport_mode": "refrigerated_vehicle",
            "container_ref": "沪A·12345",
            "logger_id": cold_chain["logger_id"],
            "departure": odoo_time(departure),
            "container_precooled": precooled,
        },
    )


def ingest(session, cold_chain, start, temperatures):
    rows = [
        {
            "logger": cold_chain["serial"],
            "measured_at": (start + timedelta(minutes=5 * index)).isoformat(),
            "temperature": value,
        }
        for index, value in enumerate(temperatures)
    ]
    result = json_rpc(session, "md.env.reading", "md_ingest", [rows])["result"]
    assert result["stored"] == len(rows), result


def arrive(session, transport_id, arrival, temperature):
    session(
        "md.env.transport",
        "write",
        [transport_id],
        {"arrival": odoo_time(arrival), "arrival_temperature": temperature},
    )
    session("md.env.transport", "action_arrive", [transport_id])
    return session("md.env.transport", "read", [transport_id], ["result", "result_summary"])[0]


def test_a_cold_chain_receipt_needs_a_conforming_transport_record(admin, login_as, cold_chain):
    clerk = login_as("rpc_cold_clerk", CLERK)
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)

    receipt_id = picking(clerk, admin, "incoming", cold_chain["product_id"], cold_chain["supplier_id"])
    refused(clerk, "stock.picking", "button_validate", [receipt_id], match="冷链运输记录")
    refused(clerk, "stock.picking", "write", [receipt_id], {"state": "done"}, match="冷链运输记录")
    # An excursion in transit (12 °C in a 2-8 °C record): the goods are refused (拒收).
    start = now - timedelta(hours=4)
    transport_id = transport(clerk, cold_chain, receipt_id, start)
    clerk("md.env.transport", "action_depart", [transport_id])
    ingest(clerk, cold_chain, start + timedelta(minutes=5), [5.0, 5.5, 12.0, 6.0, 5.0, 4.5])
    assert arrive(clerk, transport_id, start + timedelta(minutes=35), 5.0)["result"] == "excursion"
    refused(clerk, "md.env.transport", "write", [transport_id], {"result": "conform"})
    refused(clerk, "stock.picking", "button_validate", [receipt_id], match="拒收")

    # Another delivery of the goods, kept between 2 and 8 °C all the way: received.
    receipt_id = picking(clerk, admin, "incoming", cold_chain["product_id"], cold_chain["supplier_id"])
    start = now - timedelta(hours=2)
    transport_id = transport(clerk, cold_chain, receipt_id, start)
    clerk("md.env.transport", "action_depart", [transport_id])
    ingest(clerk, cold_chain, start + timedelta(minutes=5), [5.0, 5.5, 6.0, 6.0, 5.0, 4.5])
    assert arrive(clerk, transport_id, start + timedelta(minutes=35), 5.2)["result"] == "conform"
    clerk("stock.picking", "button_validate", [receipt_id])
    assert clerk("stock.picking", "read", [receipt_id], ["state"])[0]["state"] == "done"


def test_a_cold_chain_delivery_leaves_with_a_precooled_container(admin, login_as, cold_chain):
    clerk = login_as("rpc_cold_clerk", CLERK)
    approve_market_access(admin, login_as, cold_chain, cold_chain["country_id"])
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    receipt_id = picking(clerk, admin, "incoming", cold_chain["product_id"], cold_chain["supplier_id"])
    transport_id = transport(clerk, cold_chain, receipt_id, now - timedelta(hours=6))
    clerk("md.env.transport", "action_depart", [transport_id])
    ingest(clerk, cold_chain, now - timedelta(hours=6) + timedelta(minutes=5), [5.0, 5.0, 5.0])
    arrive(clerk, transport_id, now - timedelta(hours=6) + timedelta(minutes=15), 5.0)
    clerk("stock.picking", "button_validate", [receipt_id])

    hospital_id = admin(
        "res.partner",
        "create",
        {
            "name": f"Cold hospital {cold_chain['tag']}",
            "is_company": True,
            "country_id": cold_chain["country_id"],
        },
    )
    delivery_id = picking(clerk, admin, "outgoing", cold_chain["product_id"], hospital_id)
    refused(clerk, "stock.picking", "button_validate", [delivery_id], match="冷链运输记录")
    transport_id = transport(clerk, cold_chain, delivery_id, now, precooled=False)
    refused(clerk, "md.env.transport", "action_depart", [transport_id], match="pre-cooled")
    clerk("md.env.transport", "write", [transport_id], {"container_precooled": True})
    clerk("md.env.transport", "action_depart", [transport_id])
    clerk("stock.picking", "button_validate", [delivery_id])
    assert clerk("stock.picking", "read", [delivery_id], ["state"])[0]["state"] == "done"


@pytest.fixture
def chinese_hospital(admin):
    tag = uuid.uuid4().hex[:8].upper()
    china = admin("res.country", "search", [("code", "=", "CN")])[0]
    return {
        "tag": tag,
        "id": admin(
            "res.partner", "create", {"name": f"Hospital {tag}", "is_company": True, "country_id": china}
        ),
        "country_id": china,
    }


def stocked_device(admin, tag, expiry_days):
    """A lot-tracked device with one lot in stock expiring in ``expiry_days``."""
    product_id = admin(
        "product.product",
        "create",
        {"name": f"Strip {tag}", "is_storable": True, "md_is_device": True, "tracking": "lot"},
    )
    expiry = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=expiry_days)
    lot_id = admin(
        "stock.lot",
        "create",
        {"name": f"S-{tag}", "product_id": product_id, "expiration_date": odoo_time(expiry)},
    )
    stock_id = xmlid_to_res_id(admin, "stock.stock_location_stock")
    quant_id = admin(
        "stock.quant",
        "create",
        {"product_id": product_id, "lot_id": lot_id, "location_id": stock_id, "inventory_quantity": 5},
    )
    response = json_rpc(admin, "stock.quant", "action_apply_inventory", [[quant_id]])  # returns None
    assert "error" not in response, response
    supplier_id = admin("res.partner", "create", {"name": f"Strip supplier {tag}", "is_company": True})
    return {"tag": tag, "product_id": product_id, "lot_id": lot_id, "supplier_id": supplier_id}


def test_the_customers_licence_is_checked_when_the_delivery_is_validated(admin, login_as, chinese_hospital):
    clerk = login_as("rpc_cold_clerk", CLERK)
    device = stocked_device(admin, chinese_hospital["tag"], 400)
    approve_market_access(admin, login_as, device, chinese_hospital["country_id"])
    delivery_id = picking(clerk, admin, "outgoing", device["product_id"], chinese_hospital["id"])
    refused(clerk, "stock.picking", "button_validate", [delivery_id], match="has no licence covering")
    refused(
        clerk, "stock.picking", "write", [delivery_id], {"state": "done"}, match="has no licence covering"
    )
    hospital_type = xmlid_to_res_id(admin, "md_regulatory.licence_type_cn_healthcare")
    admin(
        "md.partner.licence",
        "create",
        {
            "partner_id": chinese_hospital["id"],
            "licence_type_id": hospital_type,
            "number": f"医疗机构执业许可证-{chinese_hospital['tag']}",
        },
    )
    clerk("stock.picking", "button_validate", [delivery_id])
    assert clerk("stock.picking", "read", [delivery_id], ["state"])[0]["state"] == "done"


def test_no_lot_under_the_customers_minimum_shelf_life_is_reserved_or_shipped(admin, login_as):
    clerk = login_as("rpc_cold_clerk", CLERK)
    tag = uuid.uuid4().hex[:8].upper()
    device = stocked_device(admin, tag, 30)
    hospital_id = admin(
        "res.partner", "create", {"name": f"Demanding hospital {tag}", "md_min_shelf_life_days": 90}
    )
    delivery_id = picking(clerk, admin, "outgoing", device["product_id"], hospital_id, pick=False)
    lines = clerk("stock.move.line", "search_read", [("picking_id", "=", delivery_id)], ["lot_id"])
    assert not [line for line in lines if line["lot_id"]], "30 days left is under the 90 asked"
    [move] = clerk("stock.move", "search_read", [("picking_id", "=", delivery_id)], ["location_id"])
    customers = xmlid_to_res_id(admin, "stock.stock_location_customers")
    refused(
        clerk,
        "stock.move.line",
        "create",
        {
            "move_id": move["id"],
            "picking_id": delivery_id,
            "product_id": device["product_id"],
            "lot_id": device["lot_id"],
            "quantity": 1,
            "location_id": move["location_id"][0],
            "location_dest_id": customers,
        },
        match="under the minimum of 90 days",
    )
