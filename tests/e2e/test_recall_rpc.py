"""Recalls over XML-RPC (21 CFR 7/806, 医疗器械召回管理办法): the contract md_quality and
integrators use: create from lot ids, compute the scope, read the status; access per group;
the trial-run rules enforced on the server whatever the path: notification by any means and
acknowledgement by a named person before closure, effectiveness measured in the field, the
health hazard evaluation (21 CFR 7.41) before starting an FDA-classified recall.
"""

import datetime
import uuid
import xmlrpc.client

import pytest
from conftest import xmlid_to_res_id

REGULATORY = ["md_base.group_md_regulatory"]
QUALITY_MANAGER = ["md_base.group_md_quality_manager"]
MD_USER = ["md_base.group_md_user"]
# Fault codes of Odoo's /xmlrpc/2 (odoo/addons/base/controllers/rpc.py)
RPC_USER_ERROR = 2
RPC_ACCESS_ERROR = 4
HHE_FACTORS = {
    "injuries_occurred": "None reported.",
    "contributing_conditions": "Continuous infusion.",
    "populations_at_risk": "Neonates.",
    "seriousness": "serious",
    "likelihood": "reasonable",
    "consequences": "Under-infusion.",
    "proposed_class": "1",
}


def password(login):
    return login + "-Pw1!"


def _done_picking(admin, type_code, source, dest, product_id, lot_id, qty, partner_id=False):
    type_id = admin("stock.picking.type", "search", [("code", "=", type_code)], limit=1)[0]
    move = {
        "name": "Recall RPC",
        "product_id": product_id,
        "product_uom_qty": qty,
        "location_id": source,
        "location_dest_id": dest,
    }
    picking_id = admin(
        "stock.picking",
        "create",
        {
            "picking_type_id": type_id,
            "location_id": source,
            "location_dest_id": dest,
            "partner_id": partner_id,
            "move_ids": [(0, 0, move)],
        },
    )
    admin("stock.picking", "action_confirm", [picking_id])
    move_ids = admin("stock.move", "search", [("picking_id", "=", picking_id)])
    admin("stock.move.line", "unlink", admin("stock.move.line", "search", [("move_id", "in", move_ids)]))
    admin(
        "stock.move.line",
        "create",
        {
            "move_id": move_ids[0],
            "picking_id": picking_id,
            "product_id": product_id,
            "lot_id": lot_id,
            "quantity": qty,
            "location_id": source,
            "location_dest_id": dest,
        },
    )
    admin("stock.move", "write", move_ids, {"picked": True})
    admin("stock.picking", "button_validate", [picking_id])
    assert admin("stock.picking", "read", [picking_id], ["state"])[0]["state"] == "done"
    return picking_id


@pytest.fixture
def delivered_lot(admin):
    """10 units of a lot received, 4 of them delivered to a hospital."""
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin(
        "product.product", "create", {"name": f"Catheter {tag}", "is_storable": True, "tracking": "lot"}
    )
    lot_id = admin("stock.lot", "create", {"name": f"RCL-RPC-{tag}", "product_id": product_id})
    partner_id = admin(
        "res.partner", "create", {"name": f"Hospital {tag}", "email": f"qa-{tag.lower()}@example.com"}
    )
    stock_id = admin(
        "stock.picking.type", "search_read", [("code", "=", "outgoing")], ["default_location_src_id"]
    )[0]["default_location_src_id"][0]
    suppliers = xmlid_to_res_id(admin, "stock.stock_location_suppliers")
    customers = xmlid_to_res_id(admin, "stock.stock_location_customers")
    _done_picking(admin, "incoming", suppliers, stock_id, product_id, lot_id, 10)
    delivery_id = _done_picking(admin, "outgoing", stock_id, customers, product_id, lot_id, 4, partner_id)
    return {"lot_id": lot_id, "partner_id": partner_id, "delivery_id": delivery_id, "stock_id": stock_id}


def test_create_compute_scope_and_status(login_as, delivered_lot):
    rpc = login_as("md_rcl_rpc_regulatory", REGULATORY)
    reviewer = login_as("md_rcl_rpc_regulatory2", REGULATORY)
    today = datetime.date.today().isoformat()
    recall_id = rpc(
        "md.recall",
        "md_create_from_lots",
        [delivered_lot["lot_id"]],
        {
            "source": "complaint",
            "nmpa_level": "2",
            "fda_class": "1",
            "name": "RPC recall",
            "initiated_date": today,
        },
    )
    assert isinstance(recall_id, int)
    scope = rpc("md.recall", "md_compute_scope", [recall_id])
    assert scope["lots"] == [delivered_lot["lot_id"]]
    assert scope["stock"] == [
        {"lot_id": delivered_lot["lot_id"], "location_id": delivered_lot["stock_id"], "quantity": 6.0}
    ]
    [customer] = scope["customers"]
    assert customer["partner_id"] == delivered_lot["partner_id"]
    assert customer["quantity"] == 4.0
    assert customer["picking_ids"] == [delivered_lot["delivery_id"]]

    [status] = rpc("md.recall", "md_status", [recall_id])
    assert status["id"] == recall_id
    assert status["state"] == "draft"
    assert status["classification"] == {"fda_class": "1", "nmpa_level": "2", "eu_fsca": False}
    assert status["deadlines"]["notification"] and status["deadlines"]["fda_806"]
    assert status["units"]["total"] == 10.0
    assert status["effectiveness"] == 0.0
    assert status["customers"][0]["partner_id"] == delivered_lot["partner_id"]
    assert {"CN", "US"} <= set(status["markets"]), "the markets of the regimes that apply"

    # 21 CFR 7.41: an FDA-classified recall starts on an approved health hazard evaluation
    with pytest.raises(xmlrpc.client.Fault, match=r"7\.41") as fault:
        rpc("md.recall", "action_start", [recall_id])
    assert fault.value.faultCode == RPC_USER_ERROR
    hhe_id = rpc("md.recall.hhe", "create", dict(HHE_FACTORS, recall_id=recall_id))
    with pytest.raises(xmlrpc.client.Fault, match="author"):
        rpc("md.recall.hhe", "md_sign", [hhe_id], "approved", password("md_rcl_rpc_regulatory"), "Reviewed")
    reviewer("md.recall.hhe", "md_sign", [hhe_id], "approved", password("md_rcl_rpc_regulatory2"), "Reviewed")

    # started: the lot in our stock is held, but effectiveness counts the field only (0 of 4)
    rpc("md.recall", "action_start", [recall_id])
    [status] = rpc("md.recall", "md_status", [recall_id])
    assert status["state"] == "open"
    assert status["effectiveness"] == 0.0
    assert status["units"]["held"] == 6.0
    assert status["can_close"] is False
    lot = rpc("stock.lot", "read", [delivered_lot["lot_id"]], ["md_status"])[0]
    assert lot["md_status"] == "on_hold"


def test_closure_needs_notification_and_acknowledgement(login_as, delivered_lot):
    rpc = login_as("md_rcl_rpc_regulatory", REGULATORY)
    recall_id = rpc("md.recall", "md_create_from_lots", [delivered_lot["lot_id"]], {"name": "RPC closure"})
    rpc("md.recall", "md_compute_scope", [recall_id])
    rpc("md.recall", "action_start", [recall_id])
    line_ids = rpc("md.recall.customer", "search", [("recall_id", "=", recall_id)])
    rpc("md.recall.customer", "write", line_ids, {"destroyed_qty": 4.0})
    with pytest.raises(xmlrpc.client.Fault, match="neither notified and acknowledged") as fault:
        rpc("md.recall", "md_sign", [recall_id], "closed", password("md_rcl_rpc_regulatory"), "Done")
    assert fault.value.faultCode == RPC_USER_ERROR
    # the state, the notification and the acknowledgement are not written by hand
    with pytest.raises(xmlrpc.client.Fault, match="change only through the workflow"):
        rpc("md.recall", "write", [recall_id], {"state": "closed"})
    with pytest.raises(xmlrpc.client.Fault, match="change only through the workflow"):
        rpc("md.recall.customer", "write", line_ids, {"ack_date": "2026-01-01", "ack_contact": "x"})
    with pytest.raises(xmlrpc.client.Fault, match="Record the notification first"):
        rpc("md.recall.customer", "md_record_acknowledgement", line_ids, "Dr. Li")
    rpc("md.recall.customer", "md_record_notification", line_ids, "phone", contact="Dr. Li, by telephone")
    with pytest.raises(xmlrpc.client.Fault, match="who acknowledged"):
        rpc("md.recall.customer", "md_record_acknowledgement", line_ids, "")
    # positional: contact, ack_date (False: today), method, qty_on_hand
    rpc("md.recall.customer", "md_record_acknowledgement", line_ids, "Dr. Li", False, "phone", 4.0)
    [status] = rpc("md.recall", "md_status", [recall_id])
    assert status["consignees"][0]["notification_method"] == "phone"
    assert status["consignees"][0]["acknowledged_by"] == "Dr. Li"
    assert status["effectiveness"] == 100.0
    assert status["can_close"] is True, status["closure_blockers"]
    rpc("md.recall", "md_sign", [recall_id], "closed", password("md_rcl_rpc_regulatory"), "Done")
    [status] = rpc("md.recall", "md_status", [recall_id])
    assert status["state"] == "closed"
    lot = rpc("stock.lot", "read", [delivered_lot["lot_id"]], ["md_status"])[0]
    assert lot["md_status"] == "on_hold", "closing releases no hold: our stock is dispositioned separately"


def test_overdue_filter_finds_a_late_notification(login_as, delivered_lot):
    rpc = login_as("md_rcl_rpc_regulatory", REGULATORY)
    recall_id = rpc(
        "md.recall",
        "md_create_from_lots",
        [delivered_lot["lot_id"]],
        {"name": "RPC overdue", "nmpa_level": "1", "decision_date": "2020-01-06"},
    )
    rpc("md.recall", "md_compute_scope", [recall_id])
    rpc("md.recall", "action_start", [recall_id])
    rpc(
        "md.recall",
        "write",
        [recall_id],
        {"nmpa_event_report_date": "2020-01-06", "nmpa_report_submitted_date": "2020-01-08"},
    )
    assert recall_id in rpc("md.recall", "search", [("is_overdue", "=", True)])
    [status] = rpc("md.recall", "md_status", [recall_id])
    assert status["deadlines"]["notification_overdue"] is True
    assert status["deadlines"]["fda_806_overdue"] is False


def test_access_per_group(login_as, delivered_lot):
    lot_ids = [delivered_lot["lot_id"]]
    manager = login_as("md_rcl_rpc_manager", QUALITY_MANAGER)
    recall_id = manager("md.recall", "md_create_from_lots", lot_ids, {"is_mock": True})
    assert manager("md.recall", "md_compute_scope", [recall_id])["lots"] == lot_ids

    user = login_as("md_rcl_rpc_user", MD_USER)
    [status] = user("md.recall", "md_status", [recall_id])
    assert status["is_mock"] is True
    with pytest.raises(xmlrpc.client.Fault) as fault:
        user("md.recall", "md_create_from_lots", lot_ids)
    assert fault.value.faultCode == RPC_ACCESS_ERROR
    with pytest.raises(xmlrpc.client.Fault) as fault:
        user("md.recall", "md_compute_scope", [recall_id])
    assert fault.value.faultCode == RPC_ACCESS_ERROR
    with pytest.raises(xmlrpc.client.Fault) as fault:
        user("md.recall", "write", [recall_id], {"name": "changed"})
    assert fault.value.faultCode == RPC_ACCESS_ERROR
    with pytest.raises(xmlrpc.client.Fault) as fault:
        user("md.recall.hhe", "create", dict(HHE_FACTORS, recall_id=recall_id))
    assert fault.value.faultCode == RPC_ACCESS_ERROR


def test_bad_input_is_a_clear_error(login_as):
    rpc = login_as("md_rcl_rpc_regulatory", REGULATORY)
    with pytest.raises(xmlrpc.client.Fault) as fault:
        rpc("md.recall", "md_create_from_lots", [987654321])
    assert fault.value.faultCode == RPC_USER_ERROR
    assert "Unknown lot ids: 987654321" in fault.value.faultString
    with pytest.raises(xmlrpc.client.Fault) as fault:
        rpc("md.recall", "md_create_from_lots", [])
    assert fault.value.faultCode == RPC_USER_ERROR
