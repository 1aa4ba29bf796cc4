"""Recalls through the typed client (21 CFR 7/806, 医疗器械召回管理办法): the contract md_quality and
integrators use: create from lot ids, compute the scope, read the status; access per group;
the trial-run rules enforced on the server whatever the path: notification by any means and
acknowledgement by a named person before closure, effectiveness measured in the field, the
health hazard evaluation (21 CFR 7.41) before starting an FDA-classified recall.
"""

import datetime
import uuid

import pytest
from conftest import xmlid_to_res_id
from meddev_client import AccessRefused, RecallRequest, RuleRefused

REGULATORY = ["md_base.group_md_regulatory"]
QUALITY_MANAGER = ["md_base.group_md_quality_manager"]
MD_USER = ["md_base.group_md_user"]
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


def _done_picking(client, type_code, source, dest, product_id, lot_id, qty, partner_id=False):
    type_id = client.call("stock.picking.type", "search", [("code", "=", type_code)], limit=1)[0]
    move = {
        "name": "Recall RPC",
        "product_id": product_id,
        "product_uom_qty": qty,
        "location_id": source,
        "location_dest_id": dest,
    }
    picking_id = client.call(
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
    client.call("stock.picking", "action_confirm", [picking_id])
    move_ids = client.call("stock.move", "search", [("picking_id", "=", picking_id)])
    client.call(
        "stock.move.line", "unlink", client.call("stock.move.line", "search", [("move_id", "in", move_ids)])
    )
    client.call(
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
    client.call("stock.move", "write", move_ids, {"picked": True})
    client.call("stock.picking", "button_validate", [picking_id])
    assert client.call("stock.picking", "read", [picking_id], ["state"])[0]["state"] == "done"
    return picking_id


@pytest.fixture
def delivered_lot(admin_client):
    """10 units of a lot received, 4 of them delivered to a hospital."""
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin_client.call(
        "product.product", "create", {"name": f"Catheter {tag}", "is_storable": True, "tracking": "lot"}
    )
    lot_id = admin_client.call("stock.lot", "create", {"name": f"RCL-RPC-{tag}", "product_id": product_id})
    partner_id = admin_client.call(
        "res.partner", "create", {"name": f"Hospital {tag}", "email": f"qa-{tag.lower()}@example.com"}
    )
    stock_id = admin_client.call(
        "stock.picking.type", "search_read", [("code", "=", "outgoing")], ["default_location_src_id"]
    )[0]["default_location_src_id"][0]
    suppliers = xmlid_to_res_id(admin_client.call, "stock.stock_location_suppliers")
    customers = xmlid_to_res_id(admin_client.call, "stock.stock_location_customers")
    _done_picking(admin_client, "incoming", suppliers, stock_id, product_id, lot_id, 10)
    delivery_id = _done_picking(
        admin_client, "outgoing", stock_id, customers, product_id, lot_id, 4, partner_id
    )
    return {"lot_id": lot_id, "partner_id": partner_id, "delivery_id": delivery_id, "stock_id": stock_id}


def test_create_compute_scope_and_status(client_as, delivered_lot):
    client = client_as("md_rcl_rpc_regulatory", REGULATORY)
    reviewer = client_as("md_rcl_rpc_regulatory2", REGULATORY)
    today = datetime.date.today()
    recall_id = client.create_recall(
        delivered_lot["lot_id"],
        RecallRequest(
            source="complaint", nmpa_level="2", fda_class="1", name="RPC recall", initiated_date=today
        ),
    )
    assert isinstance(recall_id, int)
    scope = client.compute_recall_scope(recall_id)
    assert scope.lots == [delivered_lot["lot_id"]]
    assert [(row.lot_id, row.location_id, row.quantity) for row in scope.stock] == [
        (delivered_lot["lot_id"], delivered_lot["stock_id"], 6.0)
    ]
    [customer] = scope.customers
    assert customer.partner_id == delivered_lot["partner_id"]
    assert customer.quantity == 4.0
    assert customer.picking_ids == [delivered_lot["delivery_id"]]

    [status] = client.recall_status(recall_id)
    assert status.id == recall_id
    assert status.state == "draft"
    assert (status.classification.fda_class, status.classification.nmpa_level) == ("1", "2")
    assert status.classification.eu_fsca is False
    assert status.deadlines.notification and status.deadlines.fda_806
    assert status.regulatory.initiated_date == today
    assert status.units.total == 10.0
    assert status.effectiveness == 0.0
    assert status.customers[0].partner_id == delivered_lot["partner_id"]
    assert {"CN", "US"} <= set(status.markets), "the markets of the regimes that apply"

    # 21 CFR 7.41: an FDA-classified recall starts on an approved health hazard evaluation
    with pytest.raises(RuleRefused, match=r"7\.41"):
        client.start_recall(recall_id)
    hhe_id = client.call("md.recall.hhe", "create", dict(HHE_FACTORS, recall_id=recall_id))
    with pytest.raises(RuleRefused, match="author"):
        client.sign("md.recall.hhe", hhe_id, "approved", password("md_rcl_rpc_regulatory"), "Reviewed")
    reviewer.sign("md.recall.hhe", hhe_id, "approved", password("md_rcl_rpc_regulatory2"), "Reviewed")

    # started: the lot in our stock is held, but effectiveness counts the field only (0 of 4)
    client.start_recall(recall_id)
    [status] = client.recall_status(recall_id)
    assert status.state == "open"
    assert status.regulatory.hhe_id == hhe_id
    assert status.effectiveness == 0.0
    assert status.units.held == 6.0
    assert status.can_close is False and status.closure_blockers
    assert client.lot_status(delivered_lot["lot_id"]) == {delivered_lot["lot_id"]: "on_hold"}


def test_closure_needs_notification_and_acknowledgement(client_as, delivered_lot):
    client = client_as("md_rcl_rpc_regulatory", REGULATORY)
    recall_id = client.create_recall(delivered_lot["lot_id"], RecallRequest(name="RPC closure"))
    client.compute_recall_scope(recall_id)
    client.start_recall(recall_id)
    [line] = client.recall_customers(recall_id, partner_id=delivered_lot["partner_id"])
    assert (line.lot_id, line.quantity, line.notified_at, line.settled) == (
        delivered_lot["lot_id"],
        4.0,
        None,
        False,
    )
    client.call("md.recall.customer", "write", [line.id], {"destroyed_qty": 4.0})
    with pytest.raises(RuleRefused, match="neither notified and acknowledged"):
        client.sign("md.recall", recall_id, "closed", password("md_rcl_rpc_regulatory"), "Done")
    # the state, the notification and the acknowledgement are not written by hand
    with pytest.raises(RuleRefused, match="change only through the workflow"):
        client.call("md.recall", "write", [recall_id], {"state": "closed"})
    with pytest.raises(RuleRefused, match="change only through the workflow"):
        client.call("md.recall.customer", "write", [line.id], {"ack_date": "2026-01-01", "ack_contact": "x"})
    with pytest.raises(RuleRefused, match="Record the notification first"):
        client.record_acknowledgement(line.id, "Dr. Li")
    with pytest.raises(RuleRefused, match="in the future"):
        client.record_notification(
            line.id,
            "phone",
            "Dr. Li",
            notified_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2),
        )
    client.record_notification(line.id, "phone", "Dr. Li, by telephone", reference="Call note 17")
    with pytest.raises(RuleRefused, match="who acknowledged"):
        client.record_acknowledgement(line.id, "")
    client.record_acknowledgement(line.id, "Dr. Li", method="phone", qty_on_hand=4.0)
    [line] = client.recall_customers(recall_id)
    assert (line.notification_method, line.notification_contact) == ("phone", "Dr. Li, by telephone")
    assert (line.ack_contact, line.ack_date, line.ack_qty_on_hand) == ("Dr. Li", datetime.date.today(), 4.0)
    assert line.notified_at is not None and line.settled
    [status] = client.recall_status(recall_id)
    assert status.consignees[0].notification_method == "phone"
    assert status.consignees[0].acknowledged_by == "Dr. Li"
    assert status.effectiveness == 100.0
    assert status.can_close is True, status.closure_blockers
    client.sign("md.recall", recall_id, "closed", password("md_rcl_rpc_regulatory"), "Done")
    [status] = client.recall_status(recall_id)
    assert status.state == "closed"
    assert client.lot_status(delivered_lot["lot_id"]) == {delivered_lot["lot_id"]: "on_hold"}, (
        "closing releases no hold: our stock is dispositioned separately"
    )


def test_overdue_filter_finds_a_late_notification(client_as, delivered_lot):
    client = client_as("md_rcl_rpc_regulatory", REGULATORY)
    recall_id = client.create_recall(
        delivered_lot["lot_id"],
        RecallRequest(name="RPC overdue", nmpa_level="1", decision_date=datetime.date(2020, 1, 6)),
    )
    client.compute_recall_scope(recall_id)
    client.start_recall(recall_id)
    client.call(
        "md.recall",
        "write",
        [recall_id],
        {"nmpa_event_report_date": "2020-01-06", "nmpa_report_submitted_date": "2020-01-08"},
    )
    assert recall_id in client.call("md.recall", "search", [("is_overdue", "=", True)])
    [status] = client.recall_status(recall_id)
    assert status.deadlines.notification_overdue is True
    assert status.deadlines.fda_806_overdue is False
    assert status.deadlines.decision_date == datetime.date(2020, 1, 6)


def test_access_per_group(client_as, delivered_lot):
    lot_ids = [delivered_lot["lot_id"]]
    manager = client_as("md_rcl_rpc_manager", QUALITY_MANAGER)
    recall_id = manager.create_recall(lot_ids, RecallRequest(is_mock=True))
    assert manager.compute_recall_scope(recall_id).lots == lot_ids

    user = client_as("md_rcl_rpc_user", MD_USER)
    [status] = user.recall_status(recall_id)
    assert status.is_mock is True
    with pytest.raises(AccessRefused):
        user.create_recall(lot_ids)
    with pytest.raises(AccessRefused):
        user.compute_recall_scope(recall_id)
    with pytest.raises(AccessRefused):
        user.call("md.recall", "write", [recall_id], {"name": "changed"})
    with pytest.raises(AccessRefused):
        user.call("md.recall.hhe", "create", dict(HHE_FACTORS, recall_id=recall_id))


def test_bad_input_is_a_clear_error(client_as):
    client = client_as("md_rcl_rpc_regulatory", REGULATORY)
    with pytest.raises(RuleRefused, match="Unknown lot ids: 987654321"):
        client.create_recall([987654321])
    with pytest.raises(RuleRefused):
        client.create_recall([])
    with pytest.raises(ValueError, match="nmpa_level"):
        RecallRequest(nmpa_level="IV")
