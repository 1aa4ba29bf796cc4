"""A shop floor in front of the multi-worker server: scans, traces, inspections, releases, lists.

Run by tests/load/run.sh (locust --headless), which prepares the data with prepare_data.py and
passes its manifest in LOAD_MANIFEST and the database in LOAD_DB. Each simulated user takes a
prepared user of its role, logs in once through /web/session/authenticate and then calls Odoo
as the web client does: JSON-RPC on /web/dataset/call_kw (so Odoo 18's readonly routing of
@api.readonly methods applies) with the session cookie. Every request is named after what it
does; each user action (a scan with the progress that follows it, an inspection from opening
to signing...) is also reported as one ``ACTION`` row timing all its requests. A refused call
fails its request and ends the action; an exhausted pool of prepared records is a ``POOL``
failure: both make the run fail.
"""

import ast
import itertools
import json
import os
import random
import time
import uuid
import xml.etree.ElementTree as ET
from collections import deque
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from locust import between
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import RescheduleTask

MANIFEST = json.loads(Path(os.environ["LOAD_MANIFEST"]).read_text(encoding="utf-8"))
DB = os.environ["LOAD_DB"]
LOGINS = {role: iter(logins) for role, logins in MANIFEST["logins"].items()}
RECEIPTS = deque(MANIFEST["receipt_ids"])
INSPECTIONS = deque(MANIFEST["inspection_ids"])
DHRS = deque(MANIFEST["dhr_ids"])
# Serials unique across runs on the same database: a scanned serial may not be received twice.
SERIAL_PREFIX = "LT" + uuid.uuid4().hex[:6].upper()
SERIALS = itertools.count(1)
# Far enough for the stent's 180-day minimum shelf life at receipt (md_udi_trace demo).
EXPIRY = (date.today() + timedelta(days=600)).strftime("%y%m%d")
BATCH_SIZE = 20
RELATIONAL = ("many2one", "one2many", "many2many")


def literal(text, default):
    """A domain or context written as a Python literal in an action or a filter (the web client
    evaluates it; the ones used here hold no expression)."""
    return ast.literal_eval(text) if text else default


def list_specification(arch, fields):
    """What the web client asks web_search_read for: the list's columns, relational ones with
    their display name."""
    columns = [node.get("name") for node in ET.fromstring(arch).findall("field")]
    return {
        name: {"fields": {"display_name": {}}} if fields[name]["type"] in RELATIONAL else {}
        for name in columns
    }


def default_filter_domain(search_arch, action_context):
    """The domains of the search view's filters the action enables by default (search_default_*),
    each ANDed (the lists used here enable at most one)."""
    defaults = {key[len("search_default_") :] for key in action_context if key.startswith("search_default_")}
    domain = []
    for node in ET.fromstring(search_arch).iter("filter"):
        if node.get("name") in defaults:
            domain += literal(node.get("domain"), [])
    return domain


class RpcRefused(Exception):
    """A call the server answered with an error (already reported as a failed request)."""


class OdooWebUser(FastHttpUser):
    """A browser session of one prepared user of ``role``."""

    abstract = True
    wait_time = between(1, 5)
    role = ""
    # {name in the statistics: window action xmlid} of the lists this role opens.
    lists = {}

    def on_start(self):
        self.login = next(LOGINS[self.role])
        params = {"db": DB, "login": self.login, "password": MANIFEST["password"]}
        session = self.json_rpc("/web/session/authenticate", params, "login")
        companies = session["user_companies"]
        self.user_context = {**session["user_context"], "allowed_company_ids": [companies["current_company"]]}
        self.list_queries = {name: self.list_query(xmlid) for name, xmlid in self.lists.items()}

    # --- JSON-RPC as the web client sends it -----------------------------------------------------

    def json_rpc(self, path, params, name):
        payload = {"jsonrpc": "2.0", "method": "call", "id": random.randrange(10**9), "params": params}
        with self.client.post(path, json=payload, name=name, catch_response=True) as response:
            error = self.rpc_error(response)
            if error:
                response.failure(error)
            else:
                response.success()
        if error:
            raise RpcRefused(error)
        return response.json()["result"]

    @staticmethod
    def rpc_error(response):
        if response.status_code != 200:
            return f"HTTP {response.status_code}: {(response.text or '')[:200]}"
        body = response.json()
        if "error" not in body:
            return None
        data = body["error"].get("data") or {}
        return f"{data.get('name', 'error')}: {data.get('message') or body['error'].get('message')}"

    def call(self, model, method, args, name, **kwargs):
        """``model.method(*args, **kwargs)`` through /web/dataset/call_kw, with the user's context."""
        params = {
            "model": model,
            "method": method,
            "args": args,
            "kwargs": {**kwargs, "context": self.user_context},
        }
        return self.json_rpc(f"/web/dataset/call_kw/{model}/{method}", params, name)

    def sign(self, model, ids, meaning, reason, name):
        """An e-signature with both components, as the signing dialog asks them at the first signing
        of a web session (21 CFR 11.200(a)(1)); md_base accepts the login every time."""
        args = [ids, meaning, MANIFEST["password"], reason]
        return self.call(model, "md_sign", args, name, login=self.login)

    def button(self, model, method, ids, name):
        """A form button (type="object"): /web/dataset/call_button."""
        params = {"model": model, "method": method, "args": [ids], "kwargs": {"context": self.user_context}}
        return self.json_rpc(f"/web/dataset/call_button/{model}/{method}", params, name)

    # --- actions: timing, failures, pools ----------------------------------------------------------

    @contextmanager
    def action(self, name):
        """Report the whole user action as one ``ACTION`` request; a refused call ends it."""
        start = time.perf_counter()
        try:
            yield
        except RpcRefused as error:
            self.report("ACTION", name, start, error)
            raise RescheduleTask() from error
        self.report("ACTION", name, start)

    def report(self, kind, name, start, exception=None):
        self.environment.events.request.fire(
            request_type=kind,
            name=name,
            response_time=(time.perf_counter() - start) * 1000,
            response_length=0,
            exception=exception,
            context={},
        )

    def take(self, pool, count, what):
        """The next ``count`` prepared records; running out is a failure (prepare more)."""
        if len(pool) < count:
            self.report("POOL", what, time.perf_counter(), RuntimeError(f"no {what} left: prepare more"))
            raise RescheduleTask()
        return [pool.popleft() for _number in range(count)]

    # --- list views ---------------------------------------------------------------------------------

    def load_action(self, xmlid):
        params = {"action_id": xmlid, "context": self.user_context}
        return self.json_rpc("/web/action/load", params, "web/action/load")

    def list_query(self, xmlid):
        """Load a window action and its list and search views once, as the web client caches them."""
        action = self.load_action(xmlid)
        views = {view_type: view_id for view_id, view_type in action["views"]}
        search_id = action["search_view_id"] and action["search_view_id"][0]
        result = self.call(
            action["res_model"],
            "get_views",
            [],
            "get_views",
            views=[[views["list"], "list"], [search_id, "search"]],
            options={"action_id": action["id"], "load_filters": True, "toolbar": True},
        )
        list_view = result["views"]["list"]
        fields = result["models"][action["res_model"]]["fields"]
        domain = literal(action["domain"], []) + default_filter_domain(
            result["views"]["search"]["arch"], literal(action["context"], {})
        )
        return {
            "xmlid": xmlid,
            "model": action["res_model"],
            "domain": domain,
            "specification": list_specification(list_view["arch"], fields),
            "order": ET.fromstring(list_view["arch"]).get("default_order", ""),
        }

    def open_list(self, name):
        """A menu click: the action is loaded again, then the first page of the list is read."""
        query = self.list_queries[name]
        with self.action(f"list: {name}"):
            self.load_action(query["xmlid"])
            self.call(
                query["model"],
                "web_search_read",
                [],
                f"list: {name}",
                domain=query["domain"],
                specification=query["specification"],
                offset=0,
                limit=80,
                order=query["order"],
                count_limit=10001,
            )

    # --- traces (@api.readonly: Odoo routes the web client's calls to the replica when there is one) -

    @staticmethod
    def trace_lot():
        return [random.choice(MANIFEST["trace_lot_ids"])]

    def trace_screen(self):
        """The trace screen (md_udi_trace trace_action.js) of one demo lot."""
        with self.action("trace: screen"):
            self.call("stock.lot", "md_trace_data", [self.trace_lot()], "trace: stock.lot.md_trace_data")

    def trace(self):
        with self.action("trace: md_trace"):
            direction = random.choice(("up", "down"))
            self.call("stock.lot", "md_trace", [self.trace_lot(), direction], "trace: stock.lot.md_trace")

    def recall_scope(self):
        with self.action("trace: recall scope"):
            self.call("stock.lot", "md_recall_scope", [self.trace_lot()], "trace: stock.lot.md_recall_scope")

    def some_list(self):
        self.open_list(random.choice(list(self.lists)))


class Warehouse(OdooWebUser):
    """Receives devices by scanning their UDI labels, one by one or a scanner's buffer at once."""

    weight = 5
    role = "warehouse"
    lists = {
        "receipts to scan": "md_udi_trace.action_md_receipts",
        "lots": "md_udi_trace.action_md_lot_trace_list",
        "GSP storage-in records": "md_regulatory.action_md_gsp_storage_in_records",
    }

    def on_start(self):
        super().on_start()
        self.receipt_id, self.room = None, 0

    def receipt_for(self, count):
        """The receipt being scanned, or the next one once this one holds its units."""
        if self.room < count:
            [self.receipt_id] = self.take(RECEIPTS, 1, "receipt to scan")
            self.room = MANIFEST["receipt_units"]
        self.room -= count
        return self.receipt_id

    @staticmethod
    def udi():
        """A unit label: GTIN, expiry, then the serial (variable length, so last: no separator)."""
        return f"01{MANIFEST['udi_di']}17{EXPIRY}21{SERIAL_PREFIX}{next(SERIALS):06d}"

    def scan_one(self):
        receipt_id = self.receipt_for(1)
        with self.action("scan: one UDI"):
            self.call("md.scan", "scan", ["stock.picking", receipt_id, self.udi()], "scan: md.scan.scan")
            self.call("md.scan", "progress", ["stock.picking", receipt_id], "scan: md.scan.progress")

    def scan_batch(self):
        receipt_id = self.receipt_for(BATCH_SIZE)
        raws = [self.udi() for _number in range(BATCH_SIZE)]
        key = f"{self.login}:{uuid.uuid4()}"
        with self.action(f"scan: batch of {BATCH_SIZE}"):
            self.call(
                "md.scan", "scan_batch", ["stock.picking", receipt_id, raws, key], "scan: md.scan.scan_batch"
            )
            self.call("md.scan", "progress", ["stock.picking", receipt_id], "scan: md.scan.progress")

    tasks = {
        scan_one: 8,
        scan_batch: 2,
        OdooWebUser.some_list: 3,
        OdooWebUser.trace_screen: 1,
        OdooWebUser.trace: 1,
    }


class Inspector(OdooWebUser):
    """Inspects received lots: starts, measures, checks and signs the inspection "verified"."""

    weight = 3
    role = "inspector"
    lists = {
        "inspections to do": "md_quality.md_quality_inspection_action",
        "open NCRs": "md_quality.md_quality_ncr_action",
        "active holds": "md_udi_trace.action_md_lot_hold",
    }

    def inspect(self):
        [inspection_id] = self.take(INSPECTIONS, 1, "inspection to do")
        model, line_model = "md.quality.inspection", "md.quality.inspection.line"
        with self.action("inspection: start, record, sign"):
            specification = {
                "name": {},
                "state": {},
                "product_id": {"fields": {"display_name": {}}},
                "lot_ids": {"fields": {"display_name": {}}},
                "sample_size": {},
                "line_ids": {"fields": {"name": {}, "test_type": {}, "required_value_count": {}}},
            }
            [record] = self.call(
                model, "web_read", [[inspection_id]], "inspection: open", specification=specification
            )
            self.button(model, "action_start", [inspection_id], "inspection: start")
            for line in record["line_ids"]:
                if line["test_type"] == "measurement":
                    values = [
                        round(random.uniform(9.6, 10.4), 2) for _sample in range(line["required_value_count"])
                    ]
                    self.call(
                        line_model, "md_record_values", [[line["id"]], values], "inspection: record values"
                    )
                else:
                    self.call(
                        line_model,
                        "write",
                        [[line["id"]], {"check_result": "pass"}],
                        "inspection: check result",
                    )
            self.sign(model, [inspection_id], "verified", "Sample conforms", "inspection: sign verified")

    tasks = {inspect: 4, OdooWebUser.some_list: 3, OdooWebUser.trace_screen: 1, OdooWebUser.trace: 1}


class ReleaseApprover(OdooWebUser):
    """Reviews device history records and signs their batch release with their password."""

    weight = 2
    role = "approver"
    lists = {
        "release queue": "md_quality.action_md_quality_release_queue",
        "open NCRs": "md_quality.md_quality_ncr_action",
    }

    def release(self):
        dhr_ids = self.take(DHRS, random.randint(1, 3), "DHR to release")
        with self.action("release: review and sign"):
            specification = {
                "name": {},
                "state": {},
                "lot_id": {"fields": {"display_name": {}}},
                "product_id": {"fields": {"display_name": {}}},
                "release_blockers": {},
                "release_blocker_count": {},
            }
            self.call(
                "md.quality.dhr", "web_read", [dhr_ids], "release: review DHRs", specification=specification
            )
            self.sign(
                "md.quality.dhr", dhr_ids, "released", "DHR reviewed: complete", "release: sign released"
            )

    tasks = {release: 3, OdooWebUser.some_list: 2, OdooWebUser.recall_scope: 1, OdooWebUser.trace_screen: 1}


class Regulatory(OdooWebUser):
    """Answers a GSP inspector: traces lots, recall scopes and the GSP record lists."""

    weight = 2
    role = "regulatory"
    lists = {
        "GSP acceptance records": "md_regulatory.action_md_gsp_acceptance_records",
        "GSP sales records": "md_regulatory.action_md_gsp_sales_records",
        "GSP outbound check records": "md_regulatory.action_md_gsp_outbound_records",
        "lots": "md_udi_trace.action_md_lot_trace_list",
    }

    tasks = {
        OdooWebUser.some_list: 4,
        OdooWebUser.recall_scope: 2,
        OdooWebUser.trace_screen: 2,
        OdooWebUser.trace: 1,
    }
