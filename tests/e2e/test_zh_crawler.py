"""A Chinese user of each Medical Devices group opens every menu of the app: no traceback, no English.

For each group a user working in Simplified Chinese (zh_CN, Asia/Shanghai) walks the app's menus as
the web client would: the menu names, each action's views (the arch the client renders, with the
strings the addons inject after translation), the list of records and the form of the first one,
and the PDF/HTML reports bound to the model. Anything but a clear refusal is a failure, and so is
an English word left in what the user reads (the Chinese pilot's first complaint: ISO 13485 4.2.1
clarity of the system for its users; 21 CFR 11.10(k) documentation the users can read).

English is detected in the interface strings only (labels, buttons, help, placeholders, page and
group titles, field labels and selection values), never in data: a word of three or more Latin
letters that is not an acronym, a unit or a name the Chinese interface keeps in Latin script.
"""

import ast
import re

import pytest
import requests
from lxml import etree

GROUPS = {
    "user": "md_base.group_md_user",
    "inspector": "md_base.group_md_quality_inspector",
    "release_approver": "md_base.group_md_release_approver",
    "quality_manager": "md_base.group_md_quality_manager",
    "regulatory": "md_base.group_md_regulatory",
    "security_manager": "md_base.group_md_security_manager",
}
# Attributes and elements whose text the user reads.
TEXT_ATTRIBUTES = ("string", "help", "placeholder", "title", "confirm", "sum")
TEXT_ELEMENTS = {
    "label", "span", "div", "p", "h1", "h2", "h3", "h4", "h5", "button", "separator",
    "strong", "small", "li", "b", "i", "em", "a", "th", "td", "page", "group", "filter", "setting",
}  # fmt: skip
# Words a Chinese interface keeps in Latin script: standards and their clause words, regulators,
# units, data-carrier and code names.
KEPT_IN_LATIN = {
    "art", "annex", "part", "table", "digital", "link", "odoo", "app", "excel", "xml", "json",
    "csv", "pdf", "png", "url", "https", "http", "www", "kpa", "usd", "cny", "eur", "pcs",
    "datamatrix", "code", "novo", "idcode", "iia", "iib", "cpk", "ppk",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z]{3,}")
# URLs, e-mail addresses, codes with digits or punctuation, placeholders, quoted code examples and
# domain examples ([('field', '=', True)]).
URL_OR_CODE = re.compile(
    r"(https?://\S+|\S+@\S+|\b\S*[\d_./-]\S*\b|%\(\w+\)s|%s|'[^']*'|\"[^\"]*\"|\[\(.*?\)\])"
)
OUR_MODULES = ("md_base", "md_udi_trace", "md_regulatory", "md_quality")


def english_words(text):
    """The English-looking words of an interface string (acronyms in capitals are kept)."""
    text = URL_OR_CODE.sub(" ", text or "")
    return [word for word in WORD.findall(text) if not word.isupper() and word.lower() not in KEPT_IN_LATIN]


def arch_strings(arch):
    """The interface strings of a view architecture."""
    root = etree.fromstring(arch)
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        for attribute in TEXT_ATTRIBUTES:
            if node.get(attribute):
                yield node.get(attribute)
        if node.tag in TEXT_ELEMENTS and node.text and node.text.strip():
            yield node.text.strip()


class Crawl:
    """What one user met: pages opened, refusals, failures and English strings."""

    def __init__(self, group):
        self.group, self.pages, self.refused = group, 0, 0
        self.failures, self.english = [], {}

    def note_english(self, where, strings):
        for text in strings:
            words = english_words(text)
            if words:
                self.english.setdefault(text, where)


@pytest.fixture(scope="module")
def chinese(admin):
    lang_ids = admin("res.lang", "search", [("code", "=", "zh_CN"), ("active", "in", [True, False])])
    active = admin("res.lang", "search", [("code", "=", "zh_CN")])
    if not active:
        wizard = admin("base.language.install", "create", {"lang_ids": [(6, 0, lang_ids)]})
        admin("base.language.install", "lang_install", [wizard])
    return {"lang": "zh_CN", "tz": "Asia/Shanghai"}


def chinese_user(admin, login_as, chinese, key, group):
    login = f"e2e_zh_{key}"
    rpc = login_as(login, [group])
    admin("res.users", "write", [rpc.uid], chinese)
    return rpc, login


def web_session(server, login):
    session = requests.Session()
    response = session.post(
        f"{server['url']}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": server["db"], "login": login, "password": login + "-Pw1!"}},
        timeout=60,
    )
    response.raise_for_status()
    return session


def call(crawl, where, rpc, *args, **kwargs):
    """Call over RPC: a clear refusal counts, anything else is a failure."""
    crawl.pages += 1
    try:
        return rpc(*args, **kwargs)
    except Exception as error:
        message = str(error)
        if any(name in message for name in ("UserError", "AccessError", "ValidationError")) or (
            "Fault 4" in message or "Fault 2" in message
        ):
            crawl.refused += 1
            return None
        crawl.failures.append(f"{where}: {message[:300]}")
        return None


def literal(text, default):
    try:
        return ast.literal_eval(text) if text else default
    except (ValueError, SyntaxError):
        return default


def crawl_action(crawl, rpc, admin, context, action_id, where, session, server):
    action = admin(
        "ir.actions.act_window", "read", [action_id], ["res_model", "view_mode", "views", "domain"]
    )
    action = action[0]
    model = action["res_model"]
    views = [[view_id or False, view_type] for view_id, view_type in action["views"]]
    result = call(crawl, f"{where} ({model} views)", rpc, model, "get_views", views, {}, context=context)
    if not result:
        return
    for view_type, view in result["views"].items():
        crawl.note_english(f"{where}: {model} {view_type} view", arch_strings(view["arch"]))
    fields = result["models"][model]["fields"]
    ours = {
        row["name"]
        for row in admin("ir.model.fields", "search_read", [("model", "=", model)], ["name", "modules"])
        if any(module in (row["modules"] or "") for module in OUR_MODULES)
    }
    for name, field in fields.items():
        if name not in ours:
            continue  # Odoo's own fields carry Odoo's translations
        crawl.note_english(f"{where}: {model} field label", [field.get("string", ""), field.get("help", "")])
        selection = field.get("selection") or []
        if all(value == label for value, label in selection):
            continue  # identifiers shown as they are, like the IANA time zone names of Odoo's own tz fields
        crawl.note_english(f"{where}: {model} selection", [label for _v, label in selection])
    list_arch = result["views"].get("list", {}).get("arch")
    list_fields = (
        [node.get("name") for node in etree.fromstring(list_arch).iter("field")] if list_arch else []
    )
    specification = {name: {} for name in list_fields if name in fields}
    domain = literal(action["domain"], [])
    rows = call(
        crawl,
        f"{where} ({model} list)",
        rpc,
        model,
        "web_search_read",
        domain if isinstance(domain, list) else [],
        specification,
        limit=3,
        context=context,
    )
    records = (rows or {}).get("records", [])
    form_arch = result["views"].get("form", {}).get("arch")
    if records and form_arch:
        form_fields = {node.get("name") for node in etree.fromstring(form_arch).iter("field")}
        call(
            crawl,
            f"{where} ({model} form {records[0]['id']})",
            rpc,
            model,
            "web_read",
            [records[0]["id"]],
            {name: {} for name in form_fields if name in fields},
            context=context,
        )
    if records:
        crawl_reports(crawl, admin, session, server, model, records[0]["id"], where)


def crawl_reports(crawl, admin, session, server, model, record_id, where):
    reports = admin(
        "ir.actions.report",
        "search_read",
        [("model", "=", model), ("report_type", "in", ["qweb-pdf", "qweb-html"])],
        ["report_name"],
    )
    for report in reports:
        crawl.pages += 1
        response = session.get(
            f"{server['url']}/report/html/{report['report_name']}/{record_id}", timeout=120
        )
        refused = response.status_code in (403, 404) or (
            response.status_code == 400 and "Traceback" not in response.text  # a UserError's message
        )
        if refused:
            crawl.refused += 1
        elif response.status_code != 200 or "Traceback" in response.text:
            crawl.failures.append(f"{where}: report {report['report_name']} -> HTTP {response.status_code}")


@pytest.mark.parametrize("key", sorted(GROUPS))
def test_chinese_user_meets_no_traceback_and_no_english(server, admin, login_as, chinese, key):
    rpc, login = chinese_user(admin, login_as, chinese, key, GROUPS[key])
    context = {"lang": "zh_CN", "tz": "Asia/Shanghai"}
    crawl = Crawl(key)
    session = web_session(server, login)
    root = admin(
        "ir.model.data",
        "search_read",
        [("module", "=", "md_base"), ("name", "=", "menu_md_root")],
        ["res_id"],
    )
    menus = rpc(
        "ir.ui.menu",
        "search_read",
        [("id", "child_of", root[0]["res_id"])],
        ["name", "action"],
        context=context,
    )
    assert menus, "the Medical Devices app shows no menu"
    for menu in menus:
        crawl.note_english(f"menu {menu['name']}", [menu["name"]])
        if menu["action"] and menu["action"].startswith("ir.actions.act_window,"):
            action_id = int(menu["action"].split(",")[1])
            crawl_action(crawl, rpc, admin, context, action_id, f"menu {menu['name']}", session, server)
    print(
        f"group {key}: {len(menus)} menus, {crawl.pages} pages and reports opened, {crawl.refused} refused, "
        f"{len(crawl.failures)} failures, {len(crawl.english)} English strings"
    )
    english = [
        f"{where}: {text!r}" for text, where in sorted(crawl.english.items(), key=lambda item: item[1])
    ]
    assert not crawl.failures, "\n".join(crawl.failures[:30])
    assert not english, f"{len(english)} English strings, e.g.:\n" + "\n".join(english[:40])
