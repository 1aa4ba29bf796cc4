"""Go-live migration over XML-RPC, as a migration script of an integrator drives it: the template
read from the server, a dry run of a workbook with seeded errors that names each and writes
nothing, the all-or-nothing import with its reconciliation, and the same rules for every caller
(21 CFR 11.10(a), ISO 13485:2016 4.1.6)."""

import base64
import io
import uuid
import xmlrpc.client

import openpyxl
import pytest

DEVICES = "Devices 产品"
STOCK = "Opening stock 期初库存"


def gtin14(seed):
    digits = "069" + f"{seed:010d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return digits + str((10 - total % 10) % 10)


def workbook(admin, rows_by_title):
    """The server's template (field ``template`` of a migration) filled with the rows."""
    probe = admin("md.migration", "create", {"file_name": "probe.xlsx"})
    template = admin("md.migration", "read", [probe], ["template"])[0]["template"]
    admin("md.migration", "unlink", [probe])
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(template)))
    for title, rows in rows_by_title.items():
        keys = [cell.value for cell in book[title][1]]
        for values in rows:
            book[title].append([values.get(key) for key in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def tag():
    return uuid.uuid4().hex[:6].upper()


def rows(tag, di):
    return {
        DEVICES: [
            {
                "default_code": f"RPC-{tag}",
                "name": f"RPC device {tag}",
                "tracking": "lot",
                "udi_di": di,
                "shelf_life_days": 730,
            }
        ],
        STOCK: [
            {
                "default_code": f"RPC-{tag}",
                "lot": f"L-{tag}",
                "location": "WH/Stock",
                "quantity": 40,
                "expiry_date": "2029-06-30",
                "status": "quarantine",
            }
        ],
    }


def written(admin, tag):
    return (
        admin("product.template", "search_count", [("default_code", "=", f"RPC-{tag}")]),
        admin("stock.lot", "search_count", [("name", "=", f"L-{tag}")]),
    )


def test_dry_run_names_each_seeded_error_and_writes_nothing(admin, tag):
    seeded = rows(tag, gtin14(int(tag, 16) % 10**10))
    seeded[DEVICES].append(
        {"default_code": f"RPC-{tag}-X", "name": "Typo", "tracking": "lot", "udi_di": "06900000000019"}
    )
    seeded[STOCK] += [
        {
            "default_code": f"RPC-{tag}",
            "lot": f"M-{tag}",
            "location": "WH/Nowhere",
            "quantity": 1,
            "expiry_date": "2029-06-30",
        },
        {"default_code": f"RPC-{tag}", "lot": f"N-{tag}", "location": "WH/Stock", "quantity": "lots"},
    ]
    migration = admin("md.migration", "create", {"file": workbook(admin, seeded), "file_name": "seeded.xlsx"})
    admin("md.migration", "action_dry_run", [migration])
    state = admin("md.migration", "read", [migration], ["state"])[0]["state"]
    issues = admin(
        "md.migration.issue",
        "search_read",
        [("migration_id", "=", migration)],
        ["sheet", "row", "column", "message"],
    )
    found = {(issue["sheet"], issue["row"], issue["column"]) for issue in issues}
    assert state == "failed"
    assert found == {(DEVICES, 4, ""), (STOCK, 4, "location"), (STOCK, 5, "quantity")}
    assert any("check digit" in issue["message"] for issue in issues)
    assert written(admin, tag) == (0, 0)


def test_import_is_reconciled_and_closed(admin, login_as, tag):
    migration = admin(
        "md.migration",
        "create",
        {"file": workbook(admin, rows(tag, gtin14(int(tag, 16) % 10**10))), "file_name": "clean.xlsx"},
    )
    admin("md.migration", "action_dry_run", [migration])
    assert written(admin, tag) == (0, 0)
    admin("md.migration", "action_import", [migration])
    result = admin("md.migration", "read", [migration], ["state", "reconciled", "count_ids"])[0]
    assert (result["state"], result["reconciled"]) == ("done", True)
    assert written(admin, tag) == (1, 1)
    lot = admin("stock.lot", "search_read", [("name", "=", f"L-{tag}")], ["md_status", "product_qty"])[0]
    assert (lot["md_status"], lot["product_qty"]) == ("quarantine", 40)
    counts = admin(
        "md.migration.count", "read", result["count_ids"], ["file_quantity", "db_quantity", "matches"]
    )
    assert [(c["file_quantity"], c["db_quantity"], c["matches"]) for c in counts if c["file_quantity"]] == [
        (40, 40, True)
    ]
    with pytest.raises(xmlrpc.client.Fault, match=r"closed|not possible"):
        admin("md.migration", "write", [migration], {"note": "rewritten afterwards"})
    with pytest.raises(xmlrpc.client.Fault):
        admin("md.migration", "unlink", [migration])


def test_every_path_meets_the_same_rules(admin, login_as, tag):
    manager = login_as("e2e_mig_qm", ["md_base.group_md_quality_manager"])
    migration = admin(
        "md.migration", "create", {"file": workbook(admin, rows(tag, gtin14(7))), "file_name": "x.xlsx"}
    )
    with pytest.raises(xmlrpc.client.Fault, match="administrators"):
        manager("md.migration", "action_dry_run", [migration])
    with pytest.raises(xmlrpc.client.Fault):
        admin("md.migration", "write", [migration], {"state": "checked"})
    with pytest.raises(xmlrpc.client.Fault, match="not possible"):
        admin("md.migration", "action_import", [migration])
    with pytest.raises(xmlrpc.client.Fault):
        admin("md.migration", "create", {"file_name": "forged.xlsx", "state": "done"})
    assert written(admin, tag) == (0, 0)
