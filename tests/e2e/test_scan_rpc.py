"""Scanning UDIs into a receipt: ``md.scan.scan(res_model, res_id, raw)``.

Through the typed client (JSON-RPC) the scanner's ASCII 29 (the GS1 FNC1 separator) travels as
is; XML 1.0 cannot carry it, so XML-RPC integrators send the documented ``<GS>`` substitute (the
one raw XML-RPC test here). Refusals come back as ``RuleRefused`` whose text says what is wrong,
and a split label (DI in one symbol, lot in the other) is joined across two calls.
"""

import datetime
import random

import pytest
from conftest import Rpc
from meddev_client import MeddevClient, RuleRefused

MD_USER = ["md_base.group_md_user", "stock.group_stock_user"]
GS = "\x1d"
EXPIRY = (datetime.date.today() + datetime.timedelta(days=400)).strftime("%y%m%d")


def gtin14(first13):
    """GS1 mod-10 check digit (GenSpecs 7.9.1) appended to 13 digits."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(first13)))
    return first13 + str((10 - total % 10) % 10)


@pytest.fixture(scope="module")
def user(server, admin):
    """A Medical Devices user with Inventory user rights (created once) and their session."""
    login = "rpc_scan_user"
    if not admin("res.users", "search", [("login", "=", login)]):
        groups = [admin("ir.model.data", "check_object_reference", *xmlid.split("."))[1] for xmlid in MD_USER]
        admin(
            "res.users",
            "create",
            {
                "name": "RPC Scan User",
                "login": login,
                "password": login + "-Pw1!",
                "groups_id": [(6, 0, groups)],
            },
        )
    return Rpc(server["url"], server["db"], login, login + "-Pw1!")


@pytest.fixture(scope="module")
def scanner(server, user):
    """The same user's typed client session, as a handheld's software opens it."""
    return MeddevClient.connect(server["url"], server["db"], "rpc_scan_user", "rpc_scan_user-Pw1!")


@pytest.fixture
def receipt(admin):
    """A lot-tracked device with a fresh UDI-DI and a confirmed receipt of 50 units."""
    di = gtin14("08" + "".join(random.choices("0123456789", k=11)))
    product_id = admin(
        "product.product",
        "create",
        {
            "name": f"RPC Catheter {di}",
            "is_storable": True,
            "tracking": "lot",
            "use_expiration_date": True,
            "md_udi_di": di,
        },
    )
    in_type = admin("stock.picking.type", "search", [("code", "=", "incoming")], limit=1)[0]
    partner_id = admin("res.partner", "create", {"name": "RPC Supplier"})
    picking_id = admin(
        "stock.picking",
        "create",
        {
            "picking_type_id": in_type,
            "partner_id": partner_id,
            "move_ids": [(0, 0, {"name": "catheter", "product_id": product_id, "product_uom_qty": 50})],
        },
    )
    admin("stock.picking", "action_confirm", [picking_id])
    return {"di": di, "picking_id": picking_id, "product_id": product_id}


def picked_lines(admin, picking_id):
    return admin(
        "stock.move.line",
        "search_read",
        [("picking_id", "=", picking_id), ("picked", "=", True)],
        ["lot_id", "quantity"],
    )


def test_scan_with_gs_substitute(admin, user, receipt):
    raw = f"01{receipt['di']}10RPC-L1<GS>17{EXPIRY}"
    result = user("md.scan", "scan", "stock.picking", receipt["picking_id"], raw)
    assert result["status"] == "added"
    assert result["lot_name"] == "RPC-L1"
    expected_expiry = datetime.datetime.strptime(EXPIRY, "%y%m%d").date().isoformat()
    assert result["expiry"] == expected_expiry
    [line] = picked_lines(admin, receipt["picking_id"])
    assert line["lot_id"][1] == "RPC-L1" and line["quantity"] == 1


def test_scan_with_the_group_separator(admin, scanner, receipt):
    result = scanner.scan("stock.picking", receipt["picking_id"], f"01{receipt['di']}10RPC-L1{GS}17{EXPIRY}")
    assert (result.status, result.lot_name, result.quantity) == ("added", "RPC-L1", 1.0)
    assert result.expiry == datetime.datetime.strptime(EXPIRY, "%y%m%d").date()
    assert (result.product_id, result.line_model) == (receipt["product_id"], "stock.move.line")
    [line] = picked_lines(admin, receipt["picking_id"])
    assert line["id"] == result.line_id and line["lot_id"][0] == result.lot_id
    [progress] = scanner.scan_progress("stock.picking", receipt["picking_id"]).lines
    assert (progress.scanned, progress.expected) == (1.0, 50.0)


def test_split_label_across_calls(scanner, receipt):
    pending = scanner.scan("stock.picking", receipt["picking_id"], f"01{receipt['di']}")
    assert pending.pending and pending.lot_id is None
    added = scanner.scan("stock.picking", receipt["picking_id"], f"17{EXPIRY}10RPC-L2")
    assert added.status == "added" and added.lot_name == "RPC-L2"


def test_refusals_are_rule_refusals_with_clear_text(admin, scanner, receipt):
    picking_id = receipt["picking_id"]
    unknown = "01" + gtin14("0899999999999") + "10X"
    with pytest.raises(RuleRefused, match="Unknown device identifier"):
        scanner.scan("stock.picking", picking_id, unknown)
    expired = (datetime.date.today() - datetime.timedelta(days=2)).strftime("%y%m%d")
    with pytest.raises(RuleRefused, match="expired on"):
        scanner.scan("stock.picking", picking_id, f"01{receipt['di']}17{expired}10RPC-OLD")
    with pytest.raises(RuleRefused, match="no device identifier"):
        scanner.scan("stock.picking", picking_id, "10RPC-L3")
    with pytest.raises(RuleRefused, match="Not a valid UDI"):
        scanner.scan("stock.picking", picking_id, "0112345")
    assert not picked_lines(admin, picking_id), "a refused scan writes nothing"
    assert not admin("stock.lot", "search", [("name", "=", "RPC-OLD")])
