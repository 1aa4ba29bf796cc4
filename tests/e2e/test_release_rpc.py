"""Batch release over XML-RPC (ISO 13485 8.2.6, 21 CFR 820.80(d) / QMSR, 21 CFR 11.200):
the same rules as in the web client.

An operator produces a serial of a device; its device history record waits for release.
Over RPC: Medical Devices users read the DHR and nobody writes it; an inspector may not
sign the release; the producing operator may not release what they produced, even as a
release approver; delivering the unreleased serial is refused with a UserError naming it;
another release approver signs with their password; then the delivery passes (to a customer
in a country where the device has a signed registration: md_regulatory's market gate).
"""

import uuid
import xmlrpc.client

import pytest
from conftest import xmlid_to_res_id

OPERATOR = ["mrp.group_mrp_user", "stock.group_stock_user", "md_base.group_md_release_approver"]
APPROVER = ["md_base.group_md_release_approver"]
INSPECTOR = ["md_base.group_md_quality_inspector"]
MD_USER = ["md_base.group_md_user"]
SHIPPER = ["stock.group_stock_user", "md_base.group_md_user"]
REGULATORY = ["md_base.group_md_regulatory"]
# Fault codes of Odoo's /xmlrpc/2 (odoo/addons/base/controllers/rpc.py)
RPC_USER_ERROR = 2
RPC_ACCESS_ERROR = 4


def password(login):
    return login + "-Pw1!"


@pytest.fixture
def produced(admin, login_as):
    """A serial of a device product made by a done manufacturing order of the operator."""
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin(
        "product.product",
        "create",
        {"name": f"Pump {tag}", "is_storable": True, "tracking": "serial", "md_is_device": True},
    )
    operator = login_as("rpc_rel_operator", OPERATOR)
    production_id = operator("mrp.production", "create", {"product_id": product_id, "product_qty": 1})
    operator("mrp.production", "action_confirm", [production_id])
    lot_id = operator("stock.lot", "create", {"name": f"RPC-SN-{tag}", "product_id": product_id})
    operator("mrp.production", "write", [production_id], {"lot_producing_id": lot_id, "qty_producing": 1})
    operator("mrp.production", "button_mark_done", [production_id])
    assert operator("mrp.production", "read", [production_id], ["state"])[0]["state"] == "done"
    dhr_ids = admin("md.quality.dhr", "search", [("production_id", "=", production_id)])
    assert len(dhr_ids) == 1
    return {"product_id": product_id, "lot_id": lot_id, "lot_name": f"RPC-SN-{tag}", "dhr_id": dhr_ids[0]}


def release_state(admin, lot_id):
    return admin("stock.lot", "read", [lot_id], ["md_release_state"])[0]["md_release_state"]


@pytest.fixture
def registered_customer(admin, login_as, produced):
    """A Swiss hospital, and a registration of the device in Switzerland approved by e-signature."""
    switzerland = admin("res.country", "search", [("code", "=", "CH")])[0]
    template_id = admin("product.product", "read", [produced["product_id"]], ["product_tmpl_id"])[0][
        "product_tmpl_id"
    ][0]
    registration_id = admin(
        "md.registration",
        "create",
        {
            "registration_type": "other",
            "number": f"CH-{produced['lot_name']}",
            "holder_id": xmlid_to_res_id(admin, "base.main_partner"),
            "country_id": switzerland,
            "product_tmpl_ids": [(6, 0, [template_id])],
        },
    )
    regulatory = login_as("rpc_rel_regulatory", REGULATORY)
    regulatory(
        "md.registration", "md_sign", [registration_id], "approved", password("rpc_rel_regulatory"), "Checked"
    )
    return admin("res.partner", "create", {"name": "RPC Release Hospital", "country_id": switzerland})


def deliver(session, admin, produced, partner_id):
    """Create, confirm and validate a delivery of the serial to the partner; returns the picking id."""
    out_type = admin(
        "stock.picking.type", "search_read", [("code", "=", "outgoing")], ["default_location_src_id"], limit=1
    )[0]
    stock_id = out_type["default_location_src_id"][0]
    customers = xmlid_to_res_id(admin, "stock.stock_location_customers")
    picking_id = session(
        "stock.picking",
        "create",
        {
            "picking_type_id": out_type["id"],
            "partner_id": partner_id,
            "location_id": stock_id,
            "location_dest_id": customers,
            "move_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Pump",
                        "product_id": produced["product_id"],
                        "product_uom_qty": 1,
                        "location_id": stock_id,
                        "location_dest_id": customers,
                        "move_line_ids": [
                            (
                                0,
                                0,
                                {
                                    "product_id": produced["product_id"],
                                    "lot_id": produced["lot_id"],
                                    "quantity": 1,
                                    "location_id": stock_id,
                                    "location_dest_id": customers,
                                    "picked": True,
                                },
                            )
                        ],
                    },
                )
            ],
        },
    )
    session("stock.picking", "action_confirm", [picking_id])
    session("stock.picking", "button_validate", [picking_id])
    return picking_id


def test_dhr_is_readable_and_never_writable(admin, login_as, produced):
    for login, groups in (
        ("rpc_rel_user", MD_USER),
        ("rpc_rel_inspector", INSPECTOR),
        ("rpc_rel_approver", APPROVER),
    ):
        session = login_as(login, groups)
        dhr = session("md.quality.dhr", "read", [produced["dhr_id"]], ["state", "lot_id", "component_ids"])[0]
        assert dhr["state"] == "pending"
        assert dhr["lot_id"][0] == produced["lot_id"]
        with pytest.raises(xmlrpc.client.Fault) as error:
            session("md.quality.dhr", "write", [produced["dhr_id"]], {"state": "released"})
        assert error.value.faultCode == RPC_ACCESS_ERROR
    assert release_state(admin, produced["lot_id"]) == "pending"


def test_inspector_cannot_sign_the_release(admin, login_as, produced):
    inspector = login_as("rpc_rel_inspector", INSPECTOR)
    with pytest.raises(xmlrpc.client.Fault) as error:
        inspector(
            "md.quality.dhr", "md_sign", [produced["dhr_id"]], "released", password("rpc_rel_inspector"), "OK"
        )
    assert error.value.faultCode == RPC_ACCESS_ERROR
    assert release_state(admin, produced["lot_id"]) == "pending"


def test_operator_cannot_release_own_production(admin, login_as, produced):
    operator = login_as("rpc_rel_operator", OPERATOR)
    with pytest.raises(xmlrpc.client.Fault) as error:
        operator(
            "md.quality.dhr", "md_sign", [produced["dhr_id"]], "released", password("rpc_rel_operator"), "OK"
        )
    assert error.value.faultCode == RPC_USER_ERROR
    assert "segregation of duties" in error.value.faultString
    assert release_state(admin, produced["lot_id"]) == "pending"


def test_delivery_waits_for_the_release_signature(admin, login_as, produced, registered_customer):
    shipper = login_as("rpc_rel_shipper", SHIPPER)
    with pytest.raises(xmlrpc.client.Fault) as error:
        deliver(shipper, admin, produced, registered_customer)
    assert error.value.faultCode == RPC_USER_ERROR, "a UserError, not a server error with a traceback"
    assert produced["lot_name"] in error.value.faultString
    assert "awaiting batch release" in error.value.faultString

    approver = login_as("rpc_rel_approver", APPROVER)
    signature_ids = approver(
        "md.quality.dhr",
        "md_sign",
        [produced["dhr_id"]],
        "released",
        password("rpc_rel_approver"),
        "DHR reviewed: complete",
    )
    assert len(signature_ids) == 1
    assert release_state(admin, produced["lot_id"]) == "released"
    picking_id = deliver(shipper, admin, produced, registered_customer)
    assert admin("stock.picking", "read", [picking_id], ["state"])[0]["state"] == "done"
