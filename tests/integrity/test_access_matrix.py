"""What each group may do with each Medical Devices model, against a reviewed matrix.

For the Medical Devices groups and the plain Odoo groups of the people around them (one user per
group, holding only that group), and for every model named md.* (from ir.model, transient models
excluded) plus stock.lot, the server is asked what the user may actually do: Odoo 18's public
``has_access(operation)`` on an empty recordset, for read, create, write and unlink. The answers
must equal tests/integrity/access_matrix.csv (model,group,read,create,write,unlink; 0/1; sorted),
a file reviewed like code: any change of the access rights shows up as a readable diff.

After an intended change of the access rights, regenerate the file from a server running the new
code and review the diff before committing it:

    MEDDEV_UPDATE_ACCESS_MATRIX=1 MEDDEV_URL=http://127.0.0.1:8069 MEDDEV_DB=meddev \
        python3 -m pytest tests/integrity/test_access_matrix.py
"""

import csv
import difflib
import io
import os
import pathlib

from integrity_kit import MD_GROUPS, Session, run_parallel

MATRIX = pathlib.Path(__file__).with_name("access_matrix.csv")
COLUMNS = ("model", "group", "read", "create", "write", "unlink")
OPERATIONS = COLUMNS[2:]
GROUPS = (
    *MD_GROUPS,
    "base.group_user",
    "stock.group_stock_user",
    "purchase.group_purchase_user",
    "sales_team.group_sale_salesman",
)
EXTRA_MODELS = ("stock.lot",)


def matrix_models(admin):
    rows = admin(
        "ir.model", "search_read", [("model", "=like", "md.%"), ("transient", "=", False)], fields=["model"]
    )
    return sorted({row["model"] for row in rows} | set(EXTRA_MODELS))


def to_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def test_access_matrix(admin, login_as):
    models = matrix_models(admin)
    sessions = {
        group: Session.of(login_as("matrix_" + group.replace(".", "_"), [group]), group) for group in GROUPS
    }

    def row(job):
        model, group = job
        session = sessions[group]
        return [model, group] + [
            int(bool(session(model, "has_access", [], operation))) for operation in OPERATIONS
        ]

    actual = to_csv(sorted(run_parallel(row, [(model, group) for model in models for group in GROUPS])))
    if os.environ.get("MEDDEV_UPDATE_ACCESS_MATRIX") == "1":
        MATRIX.write_text(actual, encoding="utf-8")
        print(f"rewrote {MATRIX} ({len(models)} models x {len(GROUPS)} groups): review the diff")
        return
    expected = MATRIX.read_text(encoding="utf-8") if MATRIX.exists() else to_csv([])
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(),
            actual.splitlines(),
            "access_matrix.csv (reviewed)",
            "server (actual)",
            lineterm="",
            n=0,
        )
        raise AssertionError(
            "The access rights differ from the reviewed matrix (- reviewed, + actual). If the change is "
            "intended, regenerate with MEDDEV_UPDATE_ACCESS_MATRIX=1 and review it:\n" + "\n".join(diff)
        )
