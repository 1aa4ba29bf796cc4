"""Nonconformance reports through the typed client, per group (ISO 13485 8.3; 21 CFR 11.10(d), (g)).

A Medical Devices user reads NCRs but cannot raise one; an inspector raises and contains one (the
hold is placed although inspectors cannot manage holds) but cannot decide its disposition; a
quality manager decides, scraps (a validated scrap order) and approves a concession by e-signature;
another quality manager signs the closure; Regulatory Affairs starts a recall from it.
"""

import uuid

import pytest
from conftest import xmlid_to_res_id
from meddev_client import AccessRefused, InvalidData, NcrRequest, RuleRefused

STOCK = "stock.group_stock_user"
MD_USER = ["md_base.group_md_user", STOCK]
INSPECTOR = ["md_base.group_md_quality_inspector", STOCK]
MANAGER = ["md_base.group_md_quality_manager", STOCK]
REGULATORY = ["md_base.group_md_regulatory", STOCK]
PASSWORD_SUFFIX = "-Pw1!"


@pytest.fixture
def lot_in_stock(admin_client):
    """A lot-tracked product with 50 units of one lot in the main warehouse stock."""
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin_client.call(
        "product.product", "create", {"name": f"Catheter {tag}", "is_storable": True, "tracking": "lot"}
    )
    lot_id = admin_client.call("stock.lot", "create", {"name": f"NCR-RPC-{tag}", "product_id": product_id})
    in_type = admin_client.call(
        "stock.picking.type",
        "search_read",
        [("code", "=", "incoming")],
        ["default_location_dest_id"],
        limit=1,
    )[0]
    stock_id = in_type["default_location_dest_id"][0]
    suppliers = xmlid_to_res_id(admin_client.call, "stock.stock_location_suppliers")
    line = {"product_id": product_id, "location_id": suppliers, "location_dest_id": stock_id}
    receipt_id = admin_client.call(
        "stock.picking",
        "create",
        {
            "picking_type_id": in_type["id"],
            "location_id": suppliers,
            "location_dest_id": stock_id,
            "move_ids": [
                (
                    0,
                    0,
                    dict(
                        line,
                        name="Catheter",
                        product_uom_qty=50,
                        move_line_ids=[(0, 0, dict(line, lot_id=lot_id, quantity=50, picked=True))],
                    ),
                )
            ],
        },
    )
    admin_client.call("stock.picking", "action_confirm", [receipt_id])
    admin_client.call("stock.picking", "button_validate", [receipt_id])
    return {"product_id": product_id, "lot_id": lot_id, "stock_id": stock_id}


def new_ncr(session, lot_in_stock, quantity=50):
    """An MES raising a nonconformance of the lot in stock: the typed intake."""
    return session.create_ncr(
        NcrRequest(
            source="production",
            product_id=lot_in_stock["product_id"],
            lot_ids=[lot_in_stock["lot_id"]],
            quantity=quantity,
            description="Balloon burst pressure below specification",
            origin="MES WO-1182",
        )
    )


def read(session, model, record_id, fields):
    return session.read(model, record_id, fields)[0]


def lot_status(session, lot_in_stock):
    return session.lot_status(lot_in_stock["lot_id"])[lot_in_stock["lot_id"]]


def test_md_user_reads_but_cannot_raise(client_as, lot_in_stock):
    inspector = client_as("rpc_ncr_inspector", INSPECTOR)
    user = client_as("rpc_ncr_user", MD_USER)
    ncr = new_ncr(inspector, lot_in_stock)
    assert ncr.name.startswith("NCR") and ncr.origin == "MES WO-1182"
    assert (ncr.state, ncr.severity, ncr.lot_ids, ncr.quantity) == (
        "open",
        "major",
        [lot_in_stock["lot_id"]],
        50.0,
    )
    assert ncr.detected_by_id == inspector.uid
    assert user.ncr(ncr.id).state == "open"
    with pytest.raises(AccessRefused):
        new_ncr(user, lot_in_stock)
    with pytest.raises(AccessRefused):
        user.call("md.quality.ncr", "action_contain", [ncr.id])


def test_intake_is_validated(admin_client, client_as, lot_in_stock):
    inspector = client_as("rpc_ncr_inspector", INSPECTOR)
    with pytest.raises(ValueError, match="severity"):
        NcrRequest(product_id=lot_in_stock["product_id"], quantity=1, description="x", severity="fatal")
    with pytest.raises(ValueError, match="quantity"):
        NcrRequest(product_id=lot_in_stock["product_id"], quantity=0, description="x")
    with pytest.raises(ValueError, match="description"):
        NcrRequest(product_id=lot_in_stock["product_id"], quantity=1, description="")
    other_product = admin_client.call("product.product", "create", {"name": "Other", "tracking": "lot"})
    other_lot = admin_client.call(
        "stock.lot", "create", {"name": f"NCR-OTHER-{uuid.uuid4().hex[:6]}", "product_id": other_product}
    )
    request = NcrRequest(
        product_id=lot_in_stock["product_id"], lot_ids=[other_lot], quantity=1, description="Wrong lot"
    )
    with pytest.raises(InvalidData, match="are not of the product"):
        inspector.create_ncr(request)


def test_inspector_contains_but_cannot_dispose(admin_client, client_as, lot_in_stock):
    inspector = client_as("rpc_ncr_inspector", INSPECTOR)
    ncr_id = new_ncr(inspector, lot_in_stock).id
    inspector.call("md.quality.ncr", "action_contain", [ncr_id])
    ncr = inspector.ncr(ncr_id)
    assert (ncr.state, ncr.active_hold_count) == ("containment", 1)
    assert lot_status(admin_client, lot_in_stock) == "on_hold"
    # Moving the state by write is refused: the workflow methods own it.
    with pytest.raises(RuleRefused):
        inspector.call("md.quality.ncr", "write", [ncr_id], {"state": "closed"})
    inspector.call("md.quality.ncr", "write", [ncr_id], {"investigation": "Mould temperature drift"})
    inspector.call("md.quality.ncr", "action_mrb_review", [ncr_id])
    with pytest.raises(AccessRefused):
        inspector.call(
            "md.quality.ncr.disposition",
            "create",
            {"ncr_id": ncr_id, "disposition_type": "scrap", "lot_id": lot_in_stock["lot_id"], "quantity": 5},
        )
    with pytest.raises(AccessRefused):
        inspector.call("md.quality.ncr", "action_decide_disposition", [ncr_id])


def test_manager_disposes_and_another_manager_closes(admin_client, client_as, lot_in_stock):
    inspector = client_as("rpc_ncr_inspector", INSPECTOR)
    manager = client_as("rpc_ncr_manager", MANAGER)
    closer = client_as("rpc_ncr_manager2", MANAGER)
    ncr_id = new_ncr(inspector, lot_in_stock).id
    inspector.call("md.quality.ncr", "action_contain", [ncr_id])
    inspector.call("md.quality.ncr", "write", [ncr_id], {"investigation": "Mould temperature drift"})
    inspector.call("md.quality.ncr", "action_mrb_review", [ncr_id])
    line = {"ncr_id": ncr_id, "lot_id": lot_in_stock["lot_id"], "location_id": lot_in_stock["stock_id"]}
    scrap_id = manager.call(
        "md.quality.ncr.disposition", "create", dict(line, disposition_type="scrap", quantity=20)
    )
    with pytest.raises(InvalidData, match="more than the nonconforming quantity"):
        manager.call(
            "md.quality.ncr.disposition",
            "create",
            dict(line, disposition_type="concession", quantity=31),
        )
    concession_id = manager.call(
        "md.quality.ncr.disposition",
        "create",
        dict(
            line,
            disposition_type="concession",
            quantity=30,
            justification="Burst margin 2x over use pressure",
        ),
    )
    manager.call("md.quality.ncr", "action_decide_disposition", [ncr_id])
    assert manager.ncr(ncr_id).state == "disposition"

    manager.call("md.quality.ncr.disposition", "action_execute", [scrap_id])
    scrap = read(manager, "md.quality.ncr.disposition", scrap_id, ["state", "scrap_id"])
    assert scrap["state"] == "done"
    assert read(admin_client, "stock.scrap", scrap["scrap_id"][0], ["state"])["state"] == "done"

    # A concession is used only with the manager's e-signature; its reason is the justification.
    with pytest.raises(RuleRefused, match="signature"):
        manager.call("md.quality.ncr.disposition", "action_execute", [concession_id])
    manager_password = "rpc_ncr_manager" + PASSWORD_SUFFIX
    with pytest.raises(RuleRefused):
        manager.sign("md.quality.ncr.disposition", concession_id, "approved", manager_password, "")
    manager.sign("md.quality.ncr.disposition", concession_id, "approved", manager_password, "Burst margin 2x")
    assert read(manager, "md.quality.ncr.disposition", concession_id, ["state"])["state"] == "done"
    assert lot_status(admin_client, lot_in_stock) == "released"

    # Closure: signed by a quality manager, not by an inspector.
    inspector_password = "rpc_ncr_inspector" + PASSWORD_SUFFIX
    with pytest.raises(AccessRefused):
        inspector.sign("md.quality.ncr", ncr_id, "closed", inspector_password, "Done")
    closer.sign("md.quality.ncr", ncr_id, "closed", "rpc_ncr_manager2" + PASSWORD_SUFFIX, "Complete")
    ncr = closer.ncr(ncr_id)
    assert (ncr.state, ncr.closed_by_id) == ("closed", closer.uid)
    assert ncr.date_closed is not None


def test_regulatory_starts_a_recall_from_an_ncr(client_as, lot_in_stock):
    inspector = client_as("rpc_ncr_inspector", INSPECTOR)
    regulatory = client_as("rpc_ncr_regulatory", REGULATORY)
    ncr_id = new_ncr(inspector, lot_in_stock).id
    action = regulatory.call("md.quality.ncr", "action_start_recall", [ncr_id])
    recall = read(
        regulatory, "md.recall", action["res_id"], ["source", "source_model", "source_res_id", "lot_ids"]
    )
    assert (recall["source"], recall["source_model"], recall["source_res_id"]) == (
        "nonconformance",
        "md.quality.ncr",
        ncr_id,
    )
    assert recall["lot_ids"] == [lot_in_stock["lot_id"]]
    user = client_as("rpc_ncr_user", MD_USER)
    with pytest.raises(AccessRefused):
        user.call("md.quality.ncr", "action_start_recall", [ncr_id])
