"""Registrations, licences and the market gates through the typed client: access per
group, approval by e-signature (21 CFR 11.50) and the refusal of a sales
order of a device without a registration for the delivery country, with its
signed override; the customer licence required only for deliveries to the
countries whose law asks for it."""

import uuid

import pytest
from meddev_client import AccessRefused, RuleRefused

GROUPS = {
    "e2e_reg_user": ["md_base.group_md_user"],
    "e2e_reg_author": ["md_base.group_md_regulatory"],
    "e2e_reg_signer": ["md_base.group_md_regulatory"],
}


def password(login):
    return login + "-Pw1!"


@pytest.fixture(scope="module")
def users(client_as):
    return {login: client_as(login, groups) for login, groups in GROUPS.items()}


@pytest.fixture
def market(admin_client):
    """A device product and a licensed Swiss customer, fresh for each test."""
    tag = uuid.uuid4().hex[:8].upper()
    product_id = admin_client.call(
        "product.product", "create", {"name": f"E2E Catheter {tag}", "md_is_device": True}
    )
    switzerland = admin_client.call("res.country", "search", [("code", "=", "CH")])[0]
    customer_id = admin_client.call(
        "res.partner", "create", {"name": f"E2E Spital {tag}", "is_company": True, "country_id": switzerland}
    )
    hospital_type = admin_client.call("md.partner.licence.type", "search", [("code", "=", "CN-HOSP")])[0]
    admin_client.call(
        "md.partner.licence",
        "create",
        {"partner_id": customer_id, "licence_type_id": hospital_type, "number": f"E2E-H-{tag}"},
    )
    [template] = admin_client.read("product.product", product_id, ["product_tmpl_id"])
    return {
        "tag": tag,
        "product_id": product_id,
        "template_id": template["product_tmpl_id"][0],
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


def order_state(client, order_id):
    return client.read("sale.order", order_id, ["state"])[0]["state"]


def sale_order(admin_client, market):
    return admin_client.call(
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
    with pytest.raises(AccessRefused):
        user.call("md.registration", "create", registration_vals(market, holder_id))
    registration_id = author.call("md.registration", "create", registration_vals(market, holder_id))
    [record] = user.registrations(registration_id)
    assert (record.state, record.number, record.holder_id) == ("draft", f"CH-E2E-{market['tag']}", holder_id)
    assert (record.covered_country_ids, record.product_tmpl_ids) == (
        [market["country_id"]],
        [market["template_id"]],
    )
    assert not record.in_force()
    assert [found.id for found in user.find_registrations(market["product_id"], "CH")] == [registration_id]
    assert user.find_registrations(market["product_id"], "US") == []
    override = {"gate": "registration", "res_model": "sale.order", "res_id": 1}
    with pytest.raises(AccessRefused):
        user.call("md.gate.override", "create", override)


def test_partner_licences(users, market):
    user = users["e2e_reg_user"]
    [licence] = user.partner_licences(market["customer_id"])
    assert (licence.number, licence.state, licence.partner_id) == (
        f"E2E-H-{market['tag']}",
        "valid",
        market["customer_id"],
    )
    assert licence.licence_type and licence.in_force()
    assert user.partner_licences(market["customer_id"], in_force_only=True) == [licence]


def test_signed_registration_opens_the_gate(admin_client, users, market):
    author, signer = users["e2e_reg_author"], users["e2e_reg_signer"]
    order_id = sale_order(admin_client, market)
    with pytest.raises(RuleRefused) as error:  # a UserError, not a server error with a traceback
        admin_client.call("sale.order", "action_confirm", [order_id])
    assert f"E2E Catheter {market['tag']}" in error.value.message
    assert "no registration certificate for Switzerland" in error.value.message
    assert order_state(admin_client, order_id) == "draft"
    assert admin_client.market_registration(market["product_id"], market["country_id"]) is None

    vals = registration_vals(market, market["customer_id"])
    registration_id = author.call("md.registration", "create", vals)
    with pytest.raises(RuleRefused, match="segregation of duties"):
        author.sign("md.registration", registration_id, "approved", password("e2e_reg_author"), "mine")
    with pytest.raises(RuleRefused, match="is not approved yet"):
        admin_client.call("sale.order", "action_confirm", [order_id])

    signer.sign("md.registration", registration_id, "approved", password("e2e_reg_signer"), "Checked")
    [registration] = signer.registrations(registration_id)
    assert registration.state == "valid" and registration.approved_on and registration.in_force()
    assert signer.market_registration(market["product_id"], "CH") == registration
    admin_client.call("sale.order", "action_confirm", [order_id])
    assert order_state(admin_client, order_id) == "sale"


def test_signed_override_over_rpc(admin_client, users, market):
    signer = users["e2e_reg_signer"]
    order_id = sale_order(admin_client, market)
    override_id = signer.call(
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
    with pytest.raises(
        RuleRefused, match="no registration certificate"
    ):  # an unsigned override lifts nothing
        admin_client.call("sale.order", "action_confirm", [order_id])
    signer.sign("md.gate.override", override_id, "override", password("e2e_reg_signer"), "Authorised")
    admin_client.call("sale.order", "action_confirm", [order_id])
    assert order_state(admin_client, order_id) == "sale"
    [override] = admin_client.read("md.gate.override", override_id, ["state", "record_name"])
    assert override["state"] == "signed"


def test_customer_licence_only_where_the_law_requires_it(admin_client, users):
    """China's customer check (医疗器械经营监督管理办法, GSP) applies to deliveries to the
    company's countries requiring customer licences (China by default): a Chinese buyer
    without a licence is refused, a US buyer without one is not."""
    author, signer = users["e2e_reg_author"], users["e2e_reg_signer"]
    tag = uuid.uuid4().hex[:8].upper()
    product = {"name": f"E2E Stent {tag}", "md_is_device": True}
    product_id = admin_client.call("product.product", "create", product)
    [template] = admin_client.read("product.product", product_id, ["product_tmpl_id"])
    orders = {}
    for code in ("CN", "US"):
        [country_id] = admin_client.call("res.country", "search", [("code", "=", code)])
        customer_id = admin_client.call(
            "res.partner",
            "create",
            {"name": f"E2E Buyer {code} {tag}", "is_company": True, "country_id": country_id},
        )
        registration_id = author.call(
            "md.registration",
            "create",
            {
                "registration_type": "other",
                "number": f"{code}-E2E-LIC-{tag}",
                "holder_id": customer_id,
                "country_id": country_id,
                "product_tmpl_ids": [(6, 0, [template["product_tmpl_id"][0]])],
            },
        )
        signer.sign("md.registration", registration_id, "approved", password("e2e_reg_signer"), "Checked")
        assert author.market_registration(product_id, code).id == registration_id
        assert author.partner_licences(customer_id) == []
        orders[code] = admin_client.call(
            "sale.order",
            "create",
            {
                "partner_id": customer_id,
                "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 1})],
            },
        )
    with pytest.raises(RuleRefused, match=f"E2E Buyer CN {tag} has no licence covering"):
        admin_client.call("sale.order", "action_confirm", [orders["CN"]])
    assert order_state(admin_client, orders["CN"]) == "draft"
    admin_client.call("sale.order", "action_confirm", [orders["US"]])
    assert order_state(admin_client, orders["US"]) == "sale"
