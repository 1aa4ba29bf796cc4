"""Inspections over XML-RPC: the same rules as in the web client (ISO 13485 7.4.3, 8.2.6).

A validated receipt creates the incoming inspection and quarantines the lot; a plain
Medical Devices user reads it but can neither enter results nor sign; an inspector
records values and signs "verified", which passes the inspection and releases the lot;
only a quality manager configures inspection plans.
"""

import uuid
import xmlrpc.client

import pytest
from conftest import xmlid_to_res_id

MD_USER = ["md_base.group_md_user", "stock.group_stock_user"]
INSPECTOR = ["md_base.group_md_quality_inspector", "stock.group_stock_user"]
MANAGER = ["md_base.group_md_quality_manager", "stock.group_stock_user"]


def password(login):
    return login + "-Pw1!"


@pytest.fixture
def received_lot(admin):
    """A lot-tracked product with a receipt plan (fixed sample of 2, Ac 0) and a done receipt of one lot."""
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin(
        "product.product", "create", {"name": f"Cannula {tag}", "is_storable": True, "tracking": "lot"}
    )
    template_id = admin("product.product", "read", [product_id], ["product_tmpl_id"])[0]["product_tmpl_id"][0]
    admin(
        "md.quality.inspection.plan",
        "create",
        {
            "name": f"IQC {tag}",
            "trigger": "receipt",
            "product_tmpl_id": template_id,
            "sampling_method": "fixed",
            "fixed_sample_size": 2,
            "fixed_accept_number": 0,
            "item_ids": [
                (
                    0,
                    0,
                    {"name": "Length", "test_type": "measurement", "lower_limit": 9.5, "upper_limit": 10.5},
                ),
                (0, 0, {"name": "Bevel intact", "test_type": "check"}),
            ],
        },
    )
    in_type = admin(
        "stock.picking.type", "search_read", [("code", "=", "incoming")], ["default_location_dest_id"]
    )[0]
    stock_id = in_type["default_location_dest_id"][0]
    suppliers = xmlid_to_res_id(admin, "stock.stock_location_suppliers")
    lot_id = admin("stock.lot", "create", {"name": f"RPC-IQC-{tag}", "product_id": product_id})
    line = {"product_id": product_id, "lot_id": lot_id, "quantity": 40, "location_id": suppliers}
    line["location_dest_id"] = stock_id
    move = {"name": "Cannula", "product_id": product_id, "product_uom_qty": 40, "location_id": suppliers}
    move.update(location_dest_id=stock_id, move_line_ids=[(0, 0, line)])
    receipt_id = admin(
        "stock.picking",
        "create",
        {
            "picking_type_id": in_type["id"],
            "location_id": suppliers,
            "location_dest_id": stock_id,
            "move_ids": [(0, 0, move)],
        },
    )
    admin("stock.picking", "action_confirm", [receipt_id])
    admin("stock.picking", "button_validate", [receipt_id])
    inspection_ids = admin("md.quality.inspection", "search", [("picking_id", "=", receipt_id)])
    return {"lot_id": lot_id, "inspection_id": inspection_ids[0] if inspection_ids else None, "tag": tag}


def lot_status(admin, lot_id):
    return admin("stock.lot", "read", [lot_id], ["md_status"])[0]["md_status"]


def test_receipt_creates_the_inspection_and_quarantines(admin, received_lot):
    inspection = admin(
        "md.quality.inspection",
        "read",
        [received_lot["inspection_id"]],
        ["trigger", "lot_id", "quantity", "sample_size", "accept_number", "state"],
    )[0]
    assert (inspection["trigger"], inspection["lot_id"][0], inspection["quantity"]) == (
        "receipt",
        received_lot["lot_id"],
        40,
    )
    assert (inspection["sample_size"], inspection["accept_number"], inspection["state"]) == (2, 0, "draft")
    assert lot_status(admin, received_lot["lot_id"]) == "quarantine"


def test_plain_user_reads_but_cannot_enter_results_or_sign(admin, login_as, received_lot):
    user = login_as("e2e_q1_user", MD_USER)
    inspection_id = received_lot["inspection_id"]
    lines = user(
        "md.quality.inspection.line", "search_read", [("inspection_id", "=", inspection_id)], ["name"]
    )
    assert [line["name"] for line in lines] == ["Length", "Bevel intact"]
    with pytest.raises(xmlrpc.client.Fault, match="You are not allowed to modify"):
        user("md.quality.inspection.line", "write", [lines[1]["id"]], {"check_result": "pass"})
    with pytest.raises(xmlrpc.client.Fault, match="You are not allowed to create"):
        user("md.quality.inspection.plan", "create", {"name": "Mine", "product_categ_id": 1})
    with pytest.raises(xmlrpc.client.Fault):
        user(
            "md.quality.inspection",
            "md_sign",
            [inspection_id],
            "verified",
            password("e2e_q1_user"),
            "Verified",
        )
    assert admin("md.quality.inspection", "read", [inspection_id], ["state"])[0]["state"] == "draft"


def test_inspector_enters_results_and_signs_to_pass(admin, login_as, received_lot):
    inspector = login_as("e2e_q1_inspector", INSPECTOR)
    inspection_id = received_lot["inspection_id"]
    lines = inspector(
        "md.quality.inspection.line",
        "search_read",
        [("inspection_id", "=", inspection_id)],
        ["name", "test_type"],
    )
    by_name = {line["name"]: line["id"] for line in lines}
    with pytest.raises(xmlrpc.client.Fault, match="lacks results"):
        inspector(
            "md.quality.inspection",
            "md_sign",
            [inspection_id],
            "verified",
            password("e2e_q1_inspector"),
            "OK",
        )
    inspector("md.quality.inspection.line", "md_record_values", [by_name["Length"]], [10.1, 9.9])
    inspector("md.quality.inspection.line", "write", [by_name["Bevel intact"]], {"check_result": "pass"})
    with pytest.raises(xmlrpc.client.Fault, match="change only through the workflow"):
        inspector("md.quality.inspection", "write", [inspection_id], {"state": "passed"})
    inspector(
        "md.quality.inspection", "md_sign", [inspection_id], "verified", password("e2e_q1_inspector"), "OK"
    )
    inspection = admin("md.quality.inspection", "read", [inspection_id], ["state", "defect_count"])[0]
    assert (inspection["state"], inspection["defect_count"]) == ("passed", 0)
    assert lot_status(admin, received_lot["lot_id"]) == "released"
    with pytest.raises(xmlrpc.client.Fault, match="You are not allowed to create"):
        inspector("md.quality.inspection.plan", "create", {"name": "Mine", "product_categ_id": 1})


def test_out_of_limits_fails_and_keeps_the_quarantine(admin, login_as, received_lot):
    inspector = login_as("e2e_q1_inspector", INSPECTOR)
    inspection_id = received_lot["inspection_id"]
    lines = inspector(
        "md.quality.inspection.line", "search_read", [("inspection_id", "=", inspection_id)], ["name"]
    )
    by_name = {line["name"]: line["id"] for line in lines}
    inspector("md.quality.inspection.line", "md_record_values", [by_name["Length"]], [10.1, 11.0])
    inspector("md.quality.inspection.line", "write", [by_name["Bevel intact"]], {"check_result": "pass"})
    inspector(
        "md.quality.inspection", "md_sign", [inspection_id], "verified", password("e2e_q1_inspector"), "Done"
    )
    assert admin("md.quality.inspection", "read", [inspection_id], ["state"])[0]["state"] == "failed"
    assert lot_status(admin, received_lot["lot_id"]) != "released"


def test_manager_configures_plans(login_as):
    manager = login_as("e2e_q1_manager", MANAGER)
    categ_id = manager("product.category", "search", [], limit=1)[0]
    plan_id = manager(
        "md.quality.inspection.plan",
        "create",
        {
            "name": "IQC by manager",
            "trigger": "receipt",
            "product_categ_id": categ_id,
            "sampling_method": "full",
        },
    )
    with pytest.raises(xmlrpc.client.Fault, match="needs the operation"):
        manager("md.quality.inspection.plan", "write", [plan_id], {"trigger": "operation"})
    manager("md.quality.inspection.plan", "write", [plan_id], {"active": False})
