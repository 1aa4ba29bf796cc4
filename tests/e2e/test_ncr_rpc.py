"""Nonconformance reports over XML-RPC, per group (ISO 13485 8.3; 21 CFR 11.10(d), (g)).

A Medical Devices user reads NCRs but cannot raise one; an inspector raises and contains one (the
hold is placed although inspectors cannot manage holds) but cannot decide its disposition; a
quality manager decides, scraps (a validated scrap order) and approves a concession by e-signature;
another quality manager signs the closure; Regulatory Affairs starts a recall from it.
"""

import uuid
import xmlrpc.client

import pytest
from conftest import xmlid_to_res_id

STOCK = "stock.group_stock_user"
MD_USER = ["md_base.group_md_user", STOCK]
INSPECTOR = ["md_base.group_md_quality_inspector", STOCK]
MANAGER = ["md_base.group_md_quality_manager", STOCK]
REGULATORY = ["md_base.group_md_regulatory", STOCK]
PASSWORD_SUFFIX = "-Pw1!"
# Fault codes of Odoo's /xmlrpc/2 (odoo/addons/base/controllers/rpc.py)
RPC_USER_ERROR = 2
RPC_ACCESS_ERROR = 4


@pytest.fixture
def lot_in_stock(admin):
    """A lot-tracked product with 50 units of one lot in the main warehouse stock."""
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin(
        "product.product", "create", {"name": f"Catheter {tag}", "is_storable": True, "tracking": "lot"}
    )
    lot_id = admin("stock.lot", "create", {"name": f"NCR-RPC-{tag}", "product_id": product_id})
    in_type = admin(
        "stock.picking.type",
        "search_read",
        [("code", "=", "incoming")],
        ["default_location_dest_id"],
        limit=1,
    )[0]
    stock_id = in_type["default_location_dest_id"][0]
    suppliers = xmlid_to_res_id(admin, "stock.stock_location_suppliers")
    line = {"product_id": product_id, "location_id": suppliers, "location_dest_id": stock_id}
    receipt_id = admin(
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
    admin("stock.picking", "action_confirm", [receipt_id])
    admin("stock.picking", "button_validate", [receipt_id])
    return {"product_id": product_id, "lot_id": lot_id, "stock_id": stock_id}


def raised(call, *args, **kwargs):
    with pytest.raises(xmlrpc.client.Fault) as error:
        call(*args, **kwargs)
    return error.value


def new_ncr(session, lot_in_stock, quantity=50):
    return session(
        "md.quality.ncr",
        "create",
        {
            "source": "production",
            "product_id": lot_in_stock["product_id"],
            "lot_ids": [(6, 0, [lot_in_stock["lot_id"]])],
            "quantity": quantity,
            "description": "Balloon burst pressure below specification",
        },
    )


def read(session, model, record_id, fields):
    return session(model, "read", [record_id], fields)[0]


def test_md_user_reads_but_cannot_raise(admin, login_as, lot_in_stock):
    inspector = login_as("rpc_ncr_inspector", INSPECTOR)
    user = login_as("rpc_ncr_user", MD_USER)
    ncr_id = new_ncr(inspector, lot_in_stock)
    assert read(user, "md.quality.ncr", ncr_id, ["state"])["state"] == "open"
    assert raised(new_ncr, user, lot_in_stock).faultCode == RPC_ACCESS_ERROR
    assert raised(user, "md.quality.ncr", "action_contain", [ncr_id]).faultCode == RPC_ACCESS_ERROR


def test_inspector_contains_but_cannot_dispose(admin, login_as, lot_in_stock):
    inspector = login_as("rpc_ncr_inspector", INSPECTOR)
    ncr_id = new_ncr(inspector, lot_in_stock)
    inspector("md.quality.ncr", "action_contain", [ncr_id])
    ncr = read(inspector, "md.quality.ncr", ncr_id, ["state", "active_hold_count"])
    assert (ncr["state"], ncr["active_hold_count"]) == ("containment", 1)
    assert read(admin, "stock.lot", lot_in_stock["lot_id"], ["md_status"])["md_status"] == "on_hold"
    # Moving the state by write is refused: the workflow methods own it.
    fault = raised(inspector, "md.quality.ncr", "write", [ncr_id], {"state": "closed"})
    assert fault.faultCode == RPC_USER_ERROR
    inspector("md.quality.ncr", "write", [ncr_id], {"investigation": "Mould temperature drift"})
    inspector("md.quality.ncr", "action_mrb_review", [ncr_id])
    fault = raised(
        inspector,
        "md.quality.ncr.disposition",
        "create",
        {"ncr_id": ncr_id, "disposition_type": "scrap", "lot_id": lot_in_stock["lot_id"], "quantity": 5},
    )
    assert fault.faultCode == RPC_ACCESS_ERROR
    assert (
        raised(inspector, "md.quality.ncr", "action_decide_disposition", [ncr_id]).faultCode
        == RPC_ACCESS_ERROR
    )


def test_manager_disposes_and_another_manager_closes(admin, login_as, lot_in_stock):
    inspector = login_as("rpc_ncr_inspector", INSPECTOR)
    manager = login_as("rpc_ncr_manager", MANAGER)
    closer = login_as("rpc_ncr_manager2", MANAGER)
    ncr_id = new_ncr(inspector, lot_in_stock)
    inspector("md.quality.ncr", "action_contain", [ncr_id])
    inspector("md.quality.ncr", "write", [ncr_id], {"investigation": "Mould temperature drift"})
    inspector("md.quality.ncr", "action_mrb_review", [ncr_id])
    line = {"ncr_id": ncr_id, "lot_id": lot_in_stock["lot_id"], "location_id": lot_in_stock["stock_id"]}
    scrap_id = manager(
        "md.quality.ncr.disposition", "create", dict(line, disposition_type="scrap", quantity=20)
    )
    fault = raised(
        manager,
        "md.quality.ncr.disposition",
        "create",
        dict(line, disposition_type="concession", quantity=31),
    )
    assert fault.faultCode == RPC_USER_ERROR and "more than the nonconforming quantity" in fault.faultString
    concession_id = manager(
        "md.quality.ncr.disposition",
        "create",
        dict(
            line,
            disposition_type="concession",
            quantity=30,
            justification="Burst margin 2x over use pressure",
        ),
    )
    manager("md.quality.ncr", "action_decide_disposition", [ncr_id])

    manager("md.quality.ncr.disposition", "action_execute", [scrap_id])
    scrap = read(manager, "md.quality.ncr.disposition", scrap_id, ["state", "scrap_id"])
    assert scrap["state"] == "done"
    assert read(admin, "stock.scrap", scrap["scrap_id"][0], ["state"])["state"] == "done"

    # A concession is used only with the manager's e-signature; its reason is the justification.
    fault = raised(manager, "md.quality.ncr.disposition", "action_execute", [concession_id])
    assert fault.faultCode == RPC_USER_ERROR and "signature" in fault.faultString
    manager_password = "rpc_ncr_manager" + PASSWORD_SUFFIX
    fault = raised(
        manager, "md.quality.ncr.disposition", "md_sign", [concession_id], "approved", manager_password, ""
    )
    assert fault.faultCode == RPC_USER_ERROR
    manager(
        "md.quality.ncr.disposition",
        "md_sign",
        [concession_id],
        "approved",
        manager_password,
        "Burst margin 2x",
    )
    assert read(manager, "md.quality.ncr.disposition", concession_id, ["state"])["state"] == "done"
    assert read(admin, "stock.lot", lot_in_stock["lot_id"], ["md_status"])["md_status"] == "released"

    # Closure: signed by a quality manager, not by an inspector.
    inspector_password = "rpc_ncr_inspector" + PASSWORD_SUFFIX
    fault = raised(inspector, "md.quality.ncr", "md_sign", [ncr_id], "closed", inspector_password, "Done")
    assert fault.faultCode == RPC_ACCESS_ERROR
    closer("md.quality.ncr", "md_sign", [ncr_id], "closed", "rpc_ncr_manager2" + PASSWORD_SUFFIX, "Complete")
    assert read(closer, "md.quality.ncr", ncr_id, ["state"])["state"] == "closed"


def test_regulatory_starts_a_recall_from_an_ncr(admin, login_as, lot_in_stock):
    inspector = login_as("rpc_ncr_inspector", INSPECTOR)
    regulatory = login_as("rpc_ncr_regulatory", REGULATORY)
    ncr_id = new_ncr(inspector, lot_in_stock)
    action = regulatory("md.quality.ncr", "action_start_recall", [ncr_id])
    recall = read(
        regulatory, "md.recall", action["res_id"], ["source", "source_model", "source_res_id", "lot_ids"]
    )
    assert (recall["source"], recall["source_model"], recall["source_res_id"]) == (
        "nonconformance",
        "md.quality.ncr",
        ncr_id,
    )
    assert recall["lot_ids"] == [lot_in_stock["lot_id"]]
    user = login_as("rpc_ncr_user", MD_USER)
    assert raised(user, "md.quality.ncr", "action_start_recall", [ncr_id]).faultCode == RPC_ACCESS_ERROR
