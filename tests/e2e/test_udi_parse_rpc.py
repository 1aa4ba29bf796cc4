"""md.udi.parse over XML-RPC and through the typed client (JSON-RPC), as a scanner integration
calls it (a stable RPC contract).

XML 1.0 cannot carry ASCII 29, so XML-RPC callers send the documented ``<GS>`` substitute or the
parenthesised form (the raw XML-RPC tests here); JSON-RPC carries ASCII 29 as is. Any internal
user (group_md_user) may parse.
"""

import random
import xmlrpc.client
from datetime import date

import pytest


def gtin14():
    digits = "0" + "".join(random.choice("0123456789") for _ in range(12))
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return digits + str((10 - total % 10) % 10)


@pytest.fixture(scope="module")
def device(admin):
    di = gtin14()
    product_id = admin("product.product", "create", {"name": f"RPC UDI device {di}", "md_udi_di": di})
    return {"di": di, "product_id": product_id}


@pytest.fixture(scope="module")
def md_user(login_as):
    return login_as("udi_parse_user", ["md_base.group_md_user"])


@pytest.fixture(scope="module")
def md_client(client_as):
    return client_as("udi_parse_user", ["md_base.group_md_user"])


def test_gs_substitute_and_parenthesised_form_give_the_same_result(md_user, device):
    di = device["di"]
    raw = md_user("md.udi", "parse", f"]d201{di}17270100" + "10LOT-7<GS>21SN-9<GS>3025")
    hri = md_user("md.udi", "parse", f"(01){di}(17)270100(10)LOT-7(21)SN-9(30)25")
    assert raw == hri
    assert raw["issuer"] == "gs1"
    assert (raw["di"], raw["lot"], raw["serial"]) == (di, "LOT-7", "SN-9")
    assert (raw["expiry"], raw["production_date"], raw["quantity"]) == ("2027-01-31", False, 25)
    assert (raw["product_id"], raw["packaging_id"], raw["pi_only"]) == (device["product_id"], False, False)


def test_pi_only_symbol(md_client):
    result = md_client.parse_udi("(17)261231(10)L1")
    assert (result.di, result.pi_only, result.lot, result.product_id) == (None, True, "L1", None)
    assert result.expiry == date(2026, 12, 31)


def test_invalid_udi_is_a_fault_naming_the_problem(md_user):
    with pytest.raises(xmlrpc.client.Fault) as fault:
        md_user("md.udi", "parse", "0100614141123453")
    assert "GTIN 00614141123453 in AI (01): check digit should be 2" in fault.value.faultString


def test_json_rpc_carries_ascii_29(md_client, device):
    result = md_client.parse_udi(f"01{device['di']}10LOT-7\x1d21SN-9")
    assert (result.lot, result.serial, result.product_id) == ("LOT-7", "SN-9", device["product_id"])
    assert md_client.parse_udi(f"(01){device['di']}(10)LOT-7(21)SN-9") == result
