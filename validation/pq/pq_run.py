"""Performance qualification (PQ) protocols of MedDev ERP, executable on the
customer's own database over XML-RPC (GAMP 5 PQ; ISO 13485:2016 4.1.6 and
7.5.6: the software is validated for its intended use in the user's process).

Every protocol is read-only: it changes no record (the audit trail verification
only seals a checkpoint recording itself), so it may run on the production
database. Each step records what was expected and what was found.

  python3 validation/pq/pq_run.py --url https://erp.example.com --db meddev \
      --login qa.lead --udi "(01)06923456100015(17)290414(10)IS200-260415" \
      --lot IS200-260415 --out pq-results.json
  (the password is read from MEDDEV_PQ_PASSWORD, or asked)

The user needs the Quality Manager, Regulatory Affairs or Security Manager
role (the audit trail verification is reserved to them). The result file
goes to tools/validation_report.py --pq-results. Exit status 1 when a step failed.
"""

import argparse
import datetime
import getpass
import json
import os
import sys
import time
import xmlrpc.client

# Each protocol: its steps as (step id, action, expected, check). A check takes
# the session and the parameters and returns (passed, actual).
PROTOCOLS = []


def protocol(protocol_id, title, purpose):
    def register(steps):
        PROTOCOLS.append({"id": protocol_id, "title": title, "purpose": purpose, "steps": steps()})
        return steps

    return register


class Session:
    """An XML-RPC session: session("model", "method", *args, **kwargs)."""

    def __init__(self, url, db, login, password):
        self.db, self.password = db, password
        self.uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(db, login, password, {})
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
        self.cache = {}

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)


def _label(session, params):
    if "label" not in session.cache:
        session.cache["label"] = session("md.udi", "parse", params["udi"])
    return session.cache["label"]


def _lot(session, params):
    if "lot" not in session.cache:
        label = _label(session, params)
        found = session(
            "stock.lot",
            "search_read",
            [("name", "=", params["lot"]), ("product_id", "=", label["product_id"])],
            fields=["name", "product_id", "expiration_date", "md_status"],
        )
        session.cache["lot"] = found[0] if found else None
    return session.cache["lot"]


@protocol(
    "PQ-01",
    "Goods receipt: identify a device by its UDI label",
    "At goods-in the storekeeper scans the label: the device, its lot and expiry are recognised and "
    "the lot's status says whether it may be used (ISO 13485:2016 7.5.8; GSP Art. 40; 21 CFR 830.20).",
)
def _pq01():
    def login(session, params):
        return bool(session.uid), f"uid {session.uid}" if session.uid else "login refused"

    def parse(session, params):
        label = _label(session, params)
        return bool(label["di"] and label["product_id"]), (
            f"issuer {label['issuer']}, DI {label['di']}, product id {label['product_id'] or 'none'}"
        )

    def lot(session, params):
        label, lot = _label(session, params), _lot(session, params)
        if not lot:
            return False, f"no lot {params['lot']} of the label's product"
        expiry = (lot["expiration_date"] or "")[:10]
        same = label["lot"] == lot["name"] and (not label["expiry"] or label["expiry"] == expiry)
        return (
            same,
            f"label lot {label['lot']} expiry {label['expiry']}; record {lot['name']} expiry {expiry}",
        )

    def status(session, params):
        lot = _lot(session, params)
        actual = lot["md_status"] if lot else "no lot"
        return actual == params["expect_status"], f"status {actual}"

    return [
        ("S1", "Log in with the given user", "the user is authenticated", login),
        ("S2", "Scan (parse) the label's UDI", "issuer and UDI-DI recognised, the DI names a product", parse),
        ("S3", "Look up the lot of the label", "the lot exists with the label's lot number and expiry", lot),
        ("S4", "Read the lot's status", "the status is the expected one (--expect-status)", status),
    ]


@protocol(
    "PQ-02",
    "Trace and recall scope of a lot",
    "For a lot the quality manager traces what it was made from and what it went into, and the scope a "
    "recall would reach, within the time of a mock recall (ISO 13485:2016 7.5.9.2, 8.3.3; 21 CFR 820.65).",
)
def _pq02():
    def trace(direction):
        def check(session, params):
            rows = session("stock.lot", "md_trace", [_lot(session, params)["id"]], direction)
            ok = all({"lot_id", "product_id", "level"} <= set(row) for row in rows)
            return ok, f"{len(rows)} lot(s) {'upstream' if direction == 'up' else 'downstream'}"

        return check

    def scope(session, params):
        started = time.monotonic()
        result = session("stock.lot", "md_recall_scope", [_lot(session, params)["id"]])
        elapsed = time.monotonic() - started
        ok = _lot(session, params)["id"] in result["lots"] and elapsed <= params["max_scope_seconds"]
        return ok, (
            f"{len(result['lots'])} lot(s), {len(result['stock'])} stock line(s), "
            f"{len(result['customers'])} consignee line(s) in {elapsed:.1f} s"
        )

    return [
        ("S1", "Trace the lot upstream", "the components' lots are listed with their level", trace("up")),
        (
            "S2",
            "Trace the lot downstream",
            "the lots it went into are listed with their level",
            trace("down"),
        ),
        (
            "S3",
            "Compute the recall scope of the lot",
            "the scope includes the lot, its stock and consignees, within --max-scope-seconds",
            scope,
        ),
    ]


@protocol(
    "PQ-03",
    "Integrity of electronic records and signatures",
    "The audit trail's hash chain is intact, the signatures of the effective controlled documents still "
    "match their content and their files match their checksums (21 CFR 11.10(c), 11.10(e), 11.70).",
)
def _pq03():
    def audit(session, params):
        result = session("md.audit.entry", "verify_chain")
        checked = f"{result['checked']} entries checked after position {result.get('from_position', 0)}"
        return bool(result["ok"]), f"ok {result['ok']}, {checked}" + (
            f", first broken entry {result['first_broken_id']}" if not result["ok"] else ""
        )

    def signatures(session, params):
        revisions = session("md.document.revision", "search", [("state", "=", "effective")])
        checks = session("md.document.revision", "md_verify_signatures", revisions) if revisions else []
        broken = [c["signature_id"] for c in checks if not c["valid"]]
        return not broken, f"{len(checks)} signature(s) of {len(revisions)} effective revision(s), " + (
            f"broken: {broken}" if broken else "all valid"
        )

    def files(session, params):
        revisions = session("md.document.revision", "search", [("state", "=", "effective")])
        refused = []
        for revision in revisions:
            try:
                session("md.document.revision", "action_download", [revision])
            except xmlrpc.client.Fault as fault:
                refused.append(f"{revision}: {fault.faultString.strip().splitlines()[-1]}")
        return not refused, f"{len(revisions)} file(s) verified" + (
            f", refused: {refused}" if refused else ""
        )

    return [
        (
            "S1",
            "Verify the audit trail's hash chain from its newest sealed checkpoint",
            "the checkpoint and the chain after it are intact",
            audit,
        ),
        (
            "S2",
            "Verify the signatures of the effective document revisions",
            "every signature matches the signed content",
            signatures,
        ),
        (
            "S3",
            "Verify the controlled files of the effective revisions",
            "every file matches the checksum taken at upload",
            files,
        ),
    ]


def protocol_descriptions():
    """The protocols and their steps, without their checks (for the report)."""
    return [
        {
            "id": p["id"],
            "title": p["title"],
            "purpose": p["purpose"],
            "steps": [{"id": s, "action": a, "expected": e} for s, a, e, _check in p["steps"]],
        }
        for p in PROTOCOLS
    ]


def run_protocol(session, definition, params):
    steps, failed = [], False
    for step_id, _action, expected, check in definition["steps"]:
        if failed:
            passed, actual = False, "not executed: a previous step failed"
        else:
            try:
                passed, actual = check(session, params)
            except (xmlrpc.client.Fault, KeyError, TypeError, IndexError) as error:
                passed, actual = False, f"error: {str(error).strip()[-300:]}"
        failed = failed or not passed
        steps.append(
            {
                "id": step_id,
                "expected": expected,
                "actual": actual,
                "result": "passed" if passed else "failed",
            }
        )
    return {"id": definition["id"], "result": "failed" if failed else "passed", "steps": steps}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", required=True)
    parser.add_argument("--udi", required=True, help="the UDI of a label (GS1, HIBCC or ISBT 128)")
    parser.add_argument("--lot", required=True, help="the lot number of that label")
    parser.add_argument("--expect-status", default="released", help="the lot's expected status")
    parser.add_argument("--max-scope-seconds", type=float, default=60.0)
    parser.add_argument("--out", required=True, help="the result file (JSON)")
    args = parser.parse_args(argv)
    password = os.environ.get("MEDDEV_PQ_PASSWORD") or getpass.getpass(f"password of {args.login}: ")
    params = {k: v for k, v in vars(args).items() if k != "out"}
    session = Session(args.url, args.db, args.login, password)
    protocols = [run_protocol(session, definition, params) for definition in PROTOCOLS]
    result = {
        "executed_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "parameters": params,
        "protocols": protocols,
    }
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(result, out, indent=1)
    for item in protocols:
        print(f"{item['id']} {item['result'].upper()}")
        for step in item["steps"]:
            print(f"  {step['id']} {step['result']}: {step['actual']}")
    return 0 if all(p["result"] == "passed" for p in protocols) else 1


if __name__ == "__main__":
    sys.exit(main())
