"""Device identifiers over XML-RPC: the same rules as in the web client.

Device master data is read by every Medical Devices user and changed only by Quality
Managers and Regulatory Affairs (ISO 13485 5.5.1, 21 CFR 11.10(d)); an invalid GTIN is
refused with a message naming the problem (GS1 GenSpecs 7.9.1).
"""

import random
import xmlrpc.client

import pytest

# A plain user who may edit products in general (inventory manager): only the MedDev rule stops them.
MD_USER = ["md_base.group_md_user", "stock.group_stock_manager"]
QUALITY_MANAGER = ["md_base.group_md_quality_manager"]


def gtin13(body12):
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body12)))
    return body12 + str((10 - total % 10) % 10)


def random_gtin13():
    return gtin13("69234" + "".join(random.choices("0123456789", k=7)))


@pytest.fixture(scope="module")
def device(admin):
    di = random_gtin13()
    product_id = admin(
        "product.product", "create", {"name": f"RPC Device {di}", "md_is_device": True, "md_udi_di": di}
    )
    return product_id, "0" + di


def test_md_user_reads_but_cannot_write_the_di(login_as, device):
    product_id, stored_di = device
    user = login_as("di_rpc_md_user", MD_USER)
    [record] = user("product.product", "read", [product_id], ["md_udi_di", "md_udi_issuer", "md_is_device"])
    assert (record["md_udi_di"], record["md_udi_issuer"], record["md_is_device"]) == (stored_di, "gs1", True)
    with pytest.raises(xmlrpc.client.Fault, match="Only a Quality Manager or Regulatory Affairs"):
        user("product.product", "write", [product_id], {"md_udi_di": random_gtin13()})
    with pytest.raises(xmlrpc.client.Fault, match="EU Class"):
        user("product.product", "write", [product_id], {"md_risk_class_eu": "III"})
    [record] = user("product.product", "read", [product_id], ["md_udi_di"])
    assert record["md_udi_di"] == stored_di


def test_quality_manager_writes_the_di(login_as, admin, device):
    product_id, _stored = device
    manager = login_as("di_rpc_quality_manager", QUALITY_MANAGER)
    new_di = random_gtin13()
    assert manager("product.product", "write", [product_id], {"md_udi_di": new_di, "md_risk_class_eu": "IIa"})
    [record] = admin("product.product", "read", [product_id], ["md_udi_di", "md_risk_class_eu"])
    assert (record["md_udi_di"], record["md_risk_class_eu"]) == ("0" + new_di, "IIa")
    found = admin("product.product", "search", [("md_udi_di", "=", "0" + new_di)])
    assert found == [product_id]


def test_invalid_gtin_is_a_fault_naming_the_problem(admin):
    good = random_gtin13()
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    with pytest.raises(xmlrpc.client.Fault, match=f"check digit should be {good[-1]}"):
        admin("product.product", "create", {"name": "Bad GTIN", "md_is_device": True, "md_udi_di": bad})
    assert not admin("product.product", "search", [("name", "=", "Bad GTIN")])
