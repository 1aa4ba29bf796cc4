"""Registrations, licences and the market gates over XML-RPC: access per
group, approval by e-signature (21 CFR 11.50) and the refusal of a sales
order of a device without a registration for the delivery country, with its
signed override; the customer licence required only for deliveries to the
countries whose law asks for it."""

import uuid
import xmlrpc.client

import pytest

RPC_USER_ERROR = 2
ACCESS_ERROR = 4
GROUPS = {
    "e2e_reg_user": ["md_base.group_md_user"],
    "e2e_reg_author": ["md_base.group_md_regulatory"],
    "e2e_reg_signer": ["md_base.group_md_regulatory"],
}


def password(login):
    return login + "-Pw1!"


@pytest.fixture(scope="module")
def users(login_as):
    return {login: login_as(login, groups) for login, groups in GROUPS.items()}


@pytest.fixture
def market(admin):
    """A device product and a licensed Swiss customer, fresh for each test."""
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin("product.product", "create", {"name": f"E2E Catheter {tag}", "md_is_device": True})
    switzerland = admin("res.country", "search", [("code", "=", "CH")])[0]
    customer_id = admin(
        "res.partner", "create", {"name": f"E2E Spital {tag}", "is_company": True, "country_id": switzerland}
    )
    hospital_type = admin("md.partner.licence.type", "search", [("code", "=", "CN-HOSP")])[0]
    admin(
        "md.partner.licence",
        "create",
        {"partner_id": customer_id, "licence_type_id": hospital_type, "number": f"E2E-H-{tag}"},
    )
    template_id = admin("product.product", "read", [product_id], ["product_tmpl_id"])[0]["product_tmpl_id"][0]
    return {
        "tag": tag,
        "product_id": product_id,
        "template_id": template_id,
        "customer_id": customer_id,
        "country_id": switzerland,
    }


def registration_vals(market, holder_id):
    return {
        "registration_type": "other",
        "number": f"CH-E2E-{market['tag']}",
        "holder_id": holder_id,
        "country_id": market["country_id"],
        "product_tmpl_ids": [(6, 0, [market["template_id"]])],
    }


def sale_order(admin, market):
    return admin(
        "sale.order",
        "create",
        {
            "partner_id": market["customer_id"],
            "order_line": [(0, 0, {"product_id": market["product_id"], "product_uom_qty": 1})],
        },
    )


def test_access_per_group(users, market):
    user, author = users["e2e_reg_user"], users["e2e_reg_author"]
    holder_id = market["customer_id"]
    with pytest.raises(xmlrpc.client.Fault) as error:
        user("md.registration", "create", registration_vals(market, holder_id))
    assert error.value.faultCode == ACCESS_ERROR
    registration_id = author("md.registration", "create", registration_vals(market, holder_id))
    [record] = user("md.registration", "read", [registration_id], ["state", "number"])
    assert record["state"] == "draft"
    with pytest.raises(xmlrpc.client.Fault) as error:
        user("md.gate.override", "create", {"gate": "registration", "res_model": "sale.order", "res_id": 1})
    assert error.value.faultCode == ACCESS_ERROR


def test_signed_registration_opens_the_gate(admin, users, market):
    author, signer = users["e2e_reg_author"], users["e2e_reg_signer"]
    order_id = sale_order(admin, market)
    with pytest.raises(xmlrpc.client.Fault) as error:
        admin("sale.order", "action_confirm", [order_id])
    assert error.value.faultCode == RPC_USER_ERROR, "a UserError, not a server error with a traceback"
    assert f"E2E Catheter {market['tag']}" in error.value.faultString
    assert "no registration certificate for Switzerland" in error.value.faultString
    assert admin("sale.order", "read", [order_id], ["state"])[0]["state"] == "draft"

    registration_id = author("md.registration", "create", registration_vals(market, market["customer_id"]))
    with pytest.raises(xmlrpc.client.Fault) as error:
        author(
            "md.registration", "md_sign", [registration_id], "approved", password("e2e_reg_author"), "mine"
        )
    assert "segregation of duties" in error.value.faultString
    with pytest.raises(xmlrpc.client.Fault) as error:
        admin("sale.order", "action_confirm", [order_id])
    assert "is not approved yet" in error.value.faultString

    signer("md.registration", "md_sign", [registration_id], "approved", password("e2e_reg_signer"), "Checked")
    assert signer("md.registration", "read", [registration_id], ["state"])[0]["state"] == "valid"
    admin("sale.order", "action_confirm", [order_id])
    assert admin("sale.order", "read", [order_id], ["state"])[0]["state"] == "sale"


def test_signed_override_over_rpc(admin, users, market):
    signer = users["e2e_reg_signer"]
    order_id = sale_order(admin, market)
    override_id = signer(
        "md.gate.override",
        "create",
        {
            "gate": "registration",
            "res_model": "sale.order",
            "res_id": order_id,
            "product_id": market["product_id"],
            "country_id": market["country_id"],
            "reason": "Compassionate use authorised by Swissmedic",
        },
    )
    with pytest.raises(xmlrpc.client.Fault) as error:
        admin("sale.order", "action_confirm", [order_id])
    assert "no registration certificate" in error.value.faultString, "an unsigned override lifts nothing"
    signer("md.gate.override", "md_sign", [override_id], "override", password("e2e_reg_signer"), "Authorised")
    admin("sale.order", "action_confirm", [order_id])
    assert admin("sale.order", "read", [order_id], ["state"])[0]["state"] == "sale"
    [override] = admin("md.gate.override", "read", [override_id], ["state", "record_name"])
    assert override["state"] == "signed"


def test_customer_licence_only_where_the_law_requires_it(admin, users):
    """China's customer check (医疗器械经营监督管理办法, GSP) applies to deliveries to the
    company's countries requiring customer licences (China by default): a Chinese buyer
    without a licence is refused, a US buyer without one is not."""
    author, signer = users["e2e_reg_author"], users["e2e_reg_signer"]
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin("product.product", "create", {"name": f"E2E Stent {tag}", "md_is_device": True})
    template_id = admin("product.product", "read", [product_id], ["product_tmpl_id"])[0]["product_tmpl_id"][0]
    orders = {}
    for code in ("CN", "US"):
        country_id = admin("res.country", "search", [("code", "=", code)])[0]
        customer_id = admin(
            "res.partner",
            "create",
            {"name": f"E2E Buyer {code} {tag}", "is_company": True, "country_id": country_id},
        )
        registration_id = author(
            "md.registration",
            "create",
            {
                "registration_type": "other",
                "number": f"{code}-E2E-LIC-{tag}",
                "holder_id": customer_id,
                "country_id": country_id,
                "product_tmpl_ids": [(6, 0, [template_id])],
            },
        )
        signer(
            "md.registration", "md_sign", [registration_id], "approved", password("e2e_reg_signer"), "Checked"
        )
        orders[code] = admin(
            "sale.order",
            "create",
            {
                "partner_id": customer_id,
                "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 1})],
            },
        )
    with pytest.raises(xmlrpc.client.Fault) as error:
        admin("sale.order", "action_confirm", [orders["CN"]])
    assert error.value.faultCode == RPC_USER_ERROR
    assert f"E2E Buyer CN {tag} has no licence covering" in error.value.faultString
    assert admin("sale.order", "read", [orders["CN"]], ["state"])[0]["state"] == "draft"
    admin("sale.order", "action_confirm", [orders["US"]])
    assert admin("sale.order", "read", [orders["US"]], ["state"])[0]["state"] == "sale"
