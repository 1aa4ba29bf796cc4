"""The GSP steps of a distributor over XML-RPC and JSON-RPC, with the rules and refusals of the web
client (China GSP, NMPA announcement 2023 No. 153): acceptance of a receipt (Art. 57, 64-65),
storage check (Art. 73-74), outbound check by a second person (Art. 87), returns with their
reason (Art. 107) and the GSP records (Art. 70, 84)."""

import uuid
import xmlrpc.client

import pytest
from conftest import xmlid_to_res_id
from test_storage_gsp_rpc import json_rpc

CLERK = ["stock.group_stock_user", "md_base.group_md_user"]
REGULATORY = ["md_base.group_md_regulatory", "md_base.group_md_quality_manager"]
RPC_USER_ERROR = 2  # Odoo's /xmlrpc/2 fault code for a UserError
EXPIRY = "2049-12-31 12:00:00"


def gtin(tag):
    """A valid GTIN-14 (GS1 check digit) unique to the test."""
    body = "0690" + str(int(tag, 16) % 10**9).zfill(9)
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def password(login):
    return login + "-Pw1!"


def refused(call, *args, match=""):
    """The call is refused with a UserError whose message contains ``match``."""
    with pytest.raises(xmlrpc.client.Fault) as fault:
        call(*args)
    assert fault.value.faultCode == RPC_USER_ERROR, fault.value.faultString
    assert match in fault.value.faultString
    return fault.value.faultString


@pytest.fixture
def gsp_company(admin):
    """The company checks acceptance and outbound checks for the test; its settings come back after."""
    company_id = admin("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    fields = ["md_acceptance_required", "md_outbound_check_required", "country_id"]
    before = admin("res.company", "read", [company_id], fields)[0]
    admin(
        "res.company",
        "write",
        [company_id],
        {"md_acceptance_required": True, "md_outbound_check_required": True},
    )
    yield {"id": company_id, "country_id": before["country_id"][0]}
    admin(
        "res.company",
        "write",
        [company_id],
        {
            "md_acceptance_required": before["md_acceptance_required"],
            "md_outbound_check_required": before["md_outbound_check_required"],
        },
    )


@pytest.fixture
def device(admin):
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin(
        "product.product",
        "create",
        {
            "name": f"GSP Syringe {tag}",
            "is_storable": True,
            "md_is_device": True,
            "md_label_lot": True,
            "md_label_expiry": True,
            "md_udi_di": gtin(tag),
        },
    )
    supplier_id = admin("res.partner", "create", {"name": f"GSP Supplier {tag}", "is_company": True})
    return {
        "tag": tag,
        "product_id": product_id,
        "supplier_id": supplier_id,
        "lot": f"GSP-{tag}",
        "gtin": gtin(tag),
    }


def approve_market_access(admin, login_as, device, country_id):
    """The device's registration for the company's country, the supplier's and the product's
    first-time approvals (首营), each recorded by one person and signed by regulatory affairs."""
    regulatory = login_as("rpc_gsp_regulatory", REGULATORY)
    template_id = admin("product.product", "read", [device["product_id"]], ["product_tmpl_id"])[0][
        "product_tmpl_id"
    ][0]
    registration_id = admin(
        "md.registration",
        "create",
        {
            "registration_type": "other",
            "number": f"REG-{device['tag']}",
            "holder_id": xmlid_to_res_id(admin, "base.main_partner"),
            "country_id": country_id,
            "product_tmpl_ids": [(6, 0, [template_id])],
        },
    )
    production = xmlid_to_res_id(admin, "md_regulatory.licence_type_cn_production")
    licence_id = admin(
        "md.partner.licence",
        "create",
        {
            "partner_id": device["supplier_id"],
            "licence_type_id": production,
            "number": f"LIC-{device['tag']}",
        },
    )
    supplier_approval = admin(
        "md.partner.qualification",
        "create",
        {"partner_id": device["supplier_id"], "licence_ids": [(6, 0, [licence_id])]},
    )
    product_approval = admin(
        "md.product.qualification",
        "create",
        {"product_tmpl_id": template_id, "registration_id": registration_id},
    )
    for model, record_id in (
        ("md.registration", registration_id),
        ("md.partner.qualification", supplier_approval),
        ("md.product.qualification", product_approval),
    ):
        regulatory(model, "md_sign", [record_id], "approved", password("rpc_gsp_regulatory"), "Checked")
    return registration_id


def receipt(session, admin, device, quantity=10):
    """A confirmed receipt of ``quantity`` units of the device's lot, with its expiry, from the supplier."""
    in_type = admin(
        "stock.picking.type", "search_read", [("code", "=", "incoming")], ["default_location_dest_id"]
    )[0]
    suppliers = xmlid_to_res_id(admin, "stock.stock_location_suppliers")
    stock_id = in_type["default_location_dest_id"][0]
    locations = {"location_id": suppliers, "location_dest_id": stock_id}
    picking_id = session(
        "stock.picking",
        "create",
        {
            "picking_type_id": in_type["id"],
            "partner_id": device["supplier_id"],
            **locations,
            "move_ids": [
                (
                    0,
                    0,
                    {
                        "name": "receipt",
                        "product_id": device["product_id"],
                        "product_uom_qty": quantity,
                        **locations,
                    },
                )
            ],
        },
    )
    session("stock.picking", "action_confirm", [picking_id])
    [move] = session("stock.move", "search_read", [("picking_id", "=", picking_id)], ["move_line_ids"])
    session("stock.move.line", "unlink", move["move_line_ids"])
    session(
        "stock.move.line",
        "create",
        {
            "picking_id": picking_id,
            "move_id": move["id"],
            "product_id": device["product_id"],
            "lot_name": device["lot"],
            "expiration_date": EXPIRY,
            "quantity": quantity,
            **locations,
        },
    )
    return picking_id


def accept(session, picking_id):
    acceptance_id = session("md.receipt.acceptance", "create", {"picking_id": picking_id})
    session(
        "md.receipt.acceptance",
        "write",
        [acceptance_id],
        {"accompanying_document_checked": True, "packaging_checked": True, "certificates_checked": True},
    )
    return acceptance_id


def test_acceptance_gates_the_receipt_whatever_the_path(admin, login_as, gsp_company, device):
    clerk = login_as("rpc_gsp_clerk", CLERK)
    picking_id = receipt(clerk, admin, device)
    refused(clerk, "stock.picking", "button_validate", [picking_id], match="Acceptance")
    refused(clerk, "stock.picking", "write", [picking_id], {"state": "done"}, match="Acceptance")

    acceptance_id = accept(clerk, picking_id)
    refused(clerk, "md.receipt.acceptance", "write", [acceptance_id], {"state": "done"})
    # Unregistered device, unapproved supplier: not accepted (GSP Art. 57; Order 739 Art. 45).
    message = refused(clerk, "md.receipt.acceptance", "action_confirm", [acceptance_id])
    assert f"GSP Syringe {device['tag']}" in message

    approve_market_access(admin, login_as, device, gsp_company["country_id"])
    clerk("md.receipt.acceptance", "action_confirm", [acceptance_id])
    clerk("stock.picking", "button_validate", [picking_id])
    assert clerk("stock.picking", "read", [picking_id], ["state"])[0]["state"] == "done"

    # The storage-in record (GSP Art. 70) names the registration and the lot.
    rows = clerk(
        "stock.move.line",
        "search_read",
        [("picking_id", "=", picking_id)],
        ["md_registration_number", "lot_id", "md_inspector_id"],
    )
    assert (rows[0]["md_registration_number"], rows[0]["lot_id"][1]) == (
        f"REG-{device['tag']}",
        device["lot"],
    )
    assert rows[0]["md_inspector_id"][0] == clerk.uid


def test_rejected_units_hold_their_lot(admin, login_as, gsp_company, device):
    clerk = login_as("rpc_gsp_clerk", CLERK)
    approve_market_access(admin, login_as, device, gsp_company["country_id"])
    picking_id = receipt(clerk, admin, device)
    acceptance_id = accept(clerk, picking_id)
    [line_id] = clerk("md.receipt.acceptance.line", "search", [("acceptance_id", "=", acceptance_id)])
    clerk("md.receipt.acceptance.line", "write", [line_id], {"quantity_accepted": 7})
    refused(clerk, "md.receipt.acceptance", "action_confirm", [acceptance_id], match="nonconformity")
    clerk(
        "md.receipt.acceptance.line",
        "write",
        [line_id],
        {"rejection_reason": "3 crushed", "disposal": "return"},
    )
    clerk("md.receipt.acceptance", "action_confirm", [acceptance_id])
    clerk("stock.picking", "button_validate", [picking_id])
    lot_id = clerk("stock.lot", "search", [("name", "=", device["lot"])])[0]
    assert clerk("stock.lot", "read", [lot_id], ["md_status"])[0]["md_status"] == "rejected"


def test_outbound_check_by_a_second_person_and_the_return_reason(admin, login_as, gsp_company, device):
    clerk = login_as("rpc_gsp_clerk", CLERK)
    checker = login_as("rpc_gsp_checker", CLERK)
    approve_market_access(admin, login_as, device, gsp_company["country_id"])
    picking_id = receipt(clerk, admin, device)
    clerk("md.receipt.acceptance", "action_confirm", [accept(clerk, picking_id)])
    clerk("stock.picking", "button_validate", [picking_id])

    out_type = admin(
        "stock.picking.type", "search_read", [("code", "=", "outgoing")], ["default_location_src_id"]
    )[0]
    stock_id = out_type["default_location_src_id"][0]
    customers = xmlid_to_res_id(admin, "stock.stock_location_customers")
    hospital_id = admin(
        "res.partner",
        "create",
        {
            "name": f"GSP Hospital {device['tag']}",
            "is_company": True,
            "country_id": gsp_company["country_id"],
        },
    )
    delivery_id = clerk(
        "stock.picking",
        "create",
        {
            "picking_type_id": out_type["id"],
            "partner_id": hospital_id,
            "location_id": stock_id,
            "location_dest_id": customers,
            "user_id": clerk.uid,
            "move_ids": [
                (0, 0, {"name": "out", "product_id": device["product_id"], "product_uom_qty": 2,
                        "location_id": stock_id, "location_dest_id": customers})
            ],
        },
    )  # fmt: skip
    clerk("stock.picking", "action_confirm", [delivery_id])
    clerk("stock.picking", "action_assign", [delivery_id])
    refused(clerk, "stock.picking", "button_validate", [delivery_id], match="Outbound check")

    own_check = clerk("md.outbound.check", "create", {"picking_id": delivery_id})
    refused(clerk, "md.outbound.check", "action_confirm", [own_check], match="someone else")

    check_id = checker("md.outbound.check", "create", {"picking_id": delivery_id})
    udi = f"01{device['gtin']}1749123110{device['lot']}"
    for _unit in range(2):  # JSON-RPC, as a scanner gateway sends it
        response = json_rpc(checker, "md.outbound.check", "md_scan", [[check_id], udi])
        assert "error" not in response, response
    checker("md.outbound.check", "action_confirm", [check_id])
    clerk("stock.picking", "button_validate", [delivery_id])

    # Sales record (GSP Art. 84): the registration and the lot of what left.
    [row] = clerk(
        "stock.move.line",
        "search_read",
        [("picking_id", "=", delivery_id)],
        ["md_registration_number", "md_udi"],
    )
    assert row["md_registration_number"] == f"REG-{device['tag']}"
    assert device["lot"] in row["md_udi"]

    # A return of devices names its reason (GSP Art. 107). Odoo posts the return's origin in its
    # chatter in the user's name, which needs the user's email address.
    admin("res.users", "write", [clerk.uid], {"email": "rpc_gsp_clerk@example.com"})
    context = {"active_id": delivery_id, "active_model": "stock.picking"}
    wizard_id = clerk("stock.return.picking", "create", {"picking_id": delivery_id}, context=context)
    [return_line] = clerk("stock.return.picking.line", "search", [("wizard_id", "=", wizard_id)])
    clerk("stock.return.picking.line", "write", [return_line], {"quantity": 1})
    refused(clerk, "stock.return.picking", "action_create_returns", [wizard_id], match="reason of the return")
    clerk("stock.return.picking", "write", [wizard_id], {"md_return_reason": "Damaged box"})
    action = clerk("stock.return.picking", "action_create_returns", [wizard_id])
    [returned] = clerk("stock.picking", "read", [action["res_id"]], ["md_return_reason"])
    assert returned["md_return_reason"] == "Damaged box"


def test_storage_check_holds_a_lot_in_doubt(admin, login_as, gsp_company, device):
    clerk = login_as("rpc_gsp_clerk", CLERK)
    approve_market_access(admin, login_as, device, gsp_company["country_id"])
    picking_id = receipt(clerk, admin, device)
    clerk("md.receipt.acceptance", "action_confirm", [accept(clerk, picking_id)])
    clerk("stock.picking", "button_validate", [picking_id])
    area_id = clerk("stock.picking", "read", [picking_id], ["location_dest_id"])[0]["location_dest_id"][0]

    check_id = clerk("md.storage.check", "create", {"location_id": area_id})
    domain = [("check_id", "=", check_id), ("lot_id.name", "=", device["lot"])]
    lines = clerk("md.storage.check.line", "search_read", domain, ["quantity"])
    assert [line["quantity"] for line in lines] == [10.0]
    clerk("md.storage.check.line", "write", [lines[0]["id"]], {"result": "doubt", "finding": "Wet carton"})
    clerk(
        "md.storage.check",
        "write",
        [check_id],
        {
            "storage_checked": True,
            "conditions_checked": True,
            "monitoring_checked": True,
            "stock_checked": True,
        },
    )
    refused(clerk, "md.storage.check", "write", [check_id], {"state": "done"})
    clerk("md.storage.check", "action_confirm", [check_id])
    lot_id = clerk("stock.lot", "search", [("name", "=", device["lot"])])[0]
    assert clerk("stock.lot", "read", [lot_id], ["md_status"])[0]["md_status"] == "on_hold"
    refused(clerk, "md.storage.check.line", "write", [lines[0]["id"]], {"result": "ok"})
