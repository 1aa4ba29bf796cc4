"""Every addon ships a complete Simplified Chinese translation (NMPA terminology).

The terms are exported from the running test database over XML-RPC, exactly
as Odoo's "Export Translation" does, and compared with the committed
``i18n/zh_CN.po``: every term must be there with a translation.
"""

import base64
import os
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = [name for name in os.environ.get("MEDDEV_ADDONS", "").split(",") if name]


def exported_terms(admin, addon):
    module_ids = admin("ir.module.module", "search", [("name", "=", addon)])
    wizard = admin(
        "base.language.export",
        "create",
        {"lang": "__new__", "format": "po", "export_type": "module", "modules": [(6, 0, module_ids)]},
    )
    admin("base.language.export", "act_getfile", [wizard])
    data = admin("base.language.export", "read", [wizard], ["data"])[0]["data"]
    return polib.pofile(base64.b64decode(data).decode())


@pytest.mark.parametrize("addon", ADDONS)
def test_zh_cn_translation_is_complete(admin, addon):
    po_path = ROOT / "addons" / addon / "i18n" / "zh_CN.po"
    assert po_path.exists(), f"{po_path} is missing"
    translated = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(po_path)) if not e.obsolete}
    missing = [
        entry.msgid
        for entry in exported_terms(admin, addon)
        if not translated.get((entry.msgctxt, entry.msgid))
    ]
    assert not missing, f"{len(missing)} untranslated terms in {addon}, e.g. {missing[:5]}"


def test_chinese_users_see_the_nmpa_terms(admin):
    """Installing Simplified Chinese loads the addons' translations with Odoo's own loader."""
    lang_ids = admin("res.lang", "search", [("code", "=", "zh_CN"), ("active", "in", [True, False])])
    wizard = admin("base.language.install", "create", {"lang_ids": [(6, 0, lang_ids)], "overwrite": True})
    admin("base.language.install", "lang_install", [wizard])
    labels = admin(
        "stock.lot", "fields_get", ["md_status", "md_production_date"], ["string"], context={"lang": "zh_CN"}
    )
    assert labels["md_production_date"]["string"] == "生产日期"
    assert labels["md_status"]["string"] != "Status"
