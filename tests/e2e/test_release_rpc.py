"""Batch release through the typed client (ISO 13485 8.2.6, 21 CFR 820.80(d) / QMSR, 21 CFR 11.200):
the same rules as in the web client.

An operator produces a serial of a device; its device history record waits for release.
Over RPC: Medical Devices users read the DHR and nobody writes it; an inspector may not
sign the release; the producing operator may not release what they produced, even as a
release approver; a hold blocks the release and is listed among the DHR's blockers;
delivering the unreleased serial is refused with a UserError naming it; another release
approver signs with their password; then the delivery passes (to a customer in a country
where the device has a signed registration: md_regulatory's market gate). A rejection holds
the lot.
"""

import uuid

import pytest
from conftest import xmlid_to_res_id
from meddev_client import AccessRefused, RuleRefused

OPERATOR = ["mrp.group_mrp_user", "stock.group_stock_user", "md_base.group_md_release_approver"]
APPROVER = ["md_base.group_md_release_approver"]
INSPECTOR = ["md_base.group_md_quality_inspector"]
MANAGER = ["md_base.group_md_quality_manager"]
MD_USER = ["md_base.group_md_user"]
SHIPPER = ["stock.group_stock_user", "md_base.group_md_user"]
REGULATORY = ["md_base.group_md_regulatory"]


def password(login):
    return login + "-Pw1!"


@pytest.fixture
def produced(admin_client, client_as):
    """A serial of a device product made by a done manufacturing order of the operator."""
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin_client.call(
        "product.product",
        "create",
        {"name": f"Pump {tag}", "is_storable": True, "tracking": "serial", "md_is_device": True},
    )
    operator = client_as("rpc_rel_operator", OPERATOR)
    production_id = operator.call("mrp.production", "create", {"product_id": product_id, "product_qty": 1})
    operator.call("mrp.production", "action_confirm", [production_id])
    lot_id = operator.call("stock.lot", "create", {"name": f"RPC-SN-{tag}", "product_id": product_id})
    operator.call(
        "mrp.production", "write", [production_id], {"lot_producing_id": lot_id, "qty_producing": 1}
    )
    operator.call("mrp.production", "button_mark_done", [production_id])
    assert operator.read("mrp.production", production_id, ["state"])[0]["state"] == "done"
    [dhr] = admin_client.dhrs(production_id=production_id)
    assert (dhr.lot_id, dhr.product_id, dhr.production_id) == (lot_id, product_id, production_id)
    return {"product_id": product_id, "lot_id": lot_id, "lot_name": f"RPC-SN-{tag}", "dhr_id": dhr.id}


def release_state(client, lot_id):
    return client.release_state([lot_id])[lot_id]


@pytest.fixture
def registered_customer(admin_client, client_as, produced):
    """A Swiss hospital, and a registration of the device in Switzerland approved by e-signature."""
    [switzerland] = admin_client.call("res.country", "search", [("code", "=", "CH")])
    [product] = admin_client.read("product.product", produced["product_id"], ["product_tmpl_id"])
    registration_id = admin_client.call(
        "md.registration",
        "create",
        {
            "registration_type": "other",
            "number": f"CH-{produced['lot_name']}",
            "holder_id": xmlid_to_res_id(admin_client.call, "base.main_partner"),
            "country_id": switzerland,
            "product_tmpl_ids": [(6, 0, [product["product_tmpl_id"][0]])],
        },
    )
    assert admin_client.market_registration(produced["product_id"], "CH") is None, "not approved yet"
    regulatory = client_as("rpc_rel_regulatory", REGULATORY)
    regulatory.sign("md.registration", registration_id, "approved", password("rpc_rel_regulatory"), "Checked")
    assert admin_client.market_registration(produced["product_id"], switzerland).id == registration_id
    return admin_client.call(
        "res.partner", "create", {"name": "RPC Release Hospital", "country_id": switzerland}
    )


def deliver(session, admin_client, produced, partner_id):
    """Create, confirm and validate a delivery of the serial to the partner; returns the picking id."""
    [out_type] = admin_client.search_read(
        "stock.picking.type", [("code", "=", "outgoing")], ["default_location_src_id"], limit=1
    )
    stock_id = out_type["default_location_src_id"][0]
    customers = xmlid_to_res_id(admin_client.call, "stock.stock_location_customers")
    line = {
        "product_id": produced["product_id"],
        "location_id": stock_id,
        "location_dest_id": customers,
    }
    picking_id = session.call(
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
                    dict(
                        line,
                        name="Pump",
                        product_uom_qty=1,
                        move_line_ids=[
                            (0, 0, dict(line, lot_id=produced["lot_id"], quantity=1, picked=True))
                        ],
                    ),
                )
            ],
        },
    )
    session.call("stock.picking", "action_confirm", [picking_id])
    session.call("stock.picking", "button_validate", [picking_id])
    return picking_id


def test_dhr_is_readable_and_never_writable(admin_client, client_as, produced):
    for login, groups in (
        ("rpc_rel_user", MD_USER),
        ("rpc_rel_inspector", INSPECTOR),
        ("rpc_rel_approver", APPROVER),
    ):
        session = client_as(login, groups)
        dhr = session.dhr(produced["dhr_id"])
        assert dhr.state == "pending"
        assert dhr.lot_id == produced["lot_id"]
        assert dhr.releasable and dhr.release_blockers == []
        with pytest.raises(AccessRefused):
            session.call("md.quality.dhr", "write", [produced["dhr_id"]], {"state": "released"})
    assert release_state(admin_client, produced["lot_id"]) == "pending"


def test_inspector_cannot_sign_the_release(admin_client, client_as, produced):
    inspector = client_as("rpc_rel_inspector", INSPECTOR)
    with pytest.raises(AccessRefused):
        inspector.release_batch(produced["dhr_id"], password("rpc_rel_inspector"), "OK")
    assert release_state(admin_client, produced["lot_id"]) == "pending"


def test_operator_cannot_release_own_production(admin_client, client_as, produced):
    operator = client_as("rpc_rel_operator", OPERATOR)
    with pytest.raises(RuleRefused, match="segregation of duties"):
        operator.release_batch(produced["dhr_id"], password("rpc_rel_operator"), "OK")
    assert release_state(admin_client, produced["lot_id"]) == "pending"


def test_a_hold_blocks_the_release(admin_client, client_as, produced):
    manager = client_as("rpc_rel_manager", MANAGER)
    [hold_id] = manager.place_hold(produced["lot_id"], "Seal integrity retest")
    dhr = manager.dhr(produced["dhr_id"])
    assert not dhr.releasable
    assert any("Seal integrity retest" in blocker for blocker in dhr.release_blockers)
    approver = client_as("rpc_rel_approver", APPROVER)
    with pytest.raises(RuleRefused, match="cannot be released yet"):
        approver.release_batch(produced["dhr_id"], password("rpc_rel_approver"), "Reviewed")
    manager.release_holds([hold_id], "Retest passed")
    assert approver.dhr(produced["dhr_id"]).releasable
    approver.release_batch(produced["dhr_id"], password("rpc_rel_approver"), "Reviewed after retest")
    assert release_state(admin_client, produced["lot_id"]) == "released"


def test_delivery_waits_for_the_release_signature(admin_client, client_as, produced, registered_customer):
    shipper = client_as("rpc_rel_shipper", SHIPPER)
    with pytest.raises(RuleRefused) as error:  # a UserError, not a server error with a traceback
        deliver(shipper, admin_client, produced, registered_customer)
    assert produced["lot_name"] in error.value.message
    assert "awaiting batch release" in error.value.message

    approver = client_as("rpc_rel_approver", APPROVER)
    signature_ids = approver.release_batch(
        produced["dhr_id"], password("rpc_rel_approver"), "DHR reviewed: complete"
    )
    assert len(signature_ids) == 1
    assert release_state(admin_client, produced["lot_id"]) == "released"
    dhr = approver.dhr(produced["dhr_id"])
    assert (dhr.state, dhr.decision_by_id, dhr.decision_reason) == (
        "released",
        approver.uid,
        "DHR reviewed: complete",
    )
    assert dhr.decision_on is not None
    [signature] = approver.signatures("md.quality.dhr", produced["dhr_id"])
    assert (signature.id, signature.meaning) == (signature_ids[0], "released")
    with pytest.raises(RuleRefused, match="already decided"):
        approver.reject_batch(produced["dhr_id"], password("rpc_rel_approver"), "Too late")
    picking_id = deliver(shipper, admin_client, produced, registered_customer)
    assert admin_client.read("stock.picking", picking_id, ["state"])[0]["state"] == "done"


def test_a_rejected_lot_is_held(admin_client, client_as, produced):
    approver = client_as("rpc_rel_approver", APPROVER)
    approver.reject_batch(produced["dhr_id"], password("rpc_rel_approver"), "Sterilisation record incomplete")
    assert approver.dhr(produced["dhr_id"]).state == "rejected"
    assert release_state(admin_client, produced["lot_id"]) == "rejected"
    [hold] = admin_client.holds(produced["lot_id"])
    assert hold.hold_type == "rejected" and "Sterilisation record incomplete" in hold.reason
