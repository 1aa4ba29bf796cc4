"""Machinery of the adversarial integrity suite (tests/integrity).

Everything the attacks need is read from the running server, never from a
hand-kept list: the lifecycle declarations of every model adopting
``md.workflow.mixin`` (``md_workflow_specs()``), the groups that may write,
create or delete each model (``ir.model.access``), the fields and their types
(``fields_get``) and the records to attack (the demo database plus whatever
earlier tests created). The context keys an attacker tries are the keys the
project's own code reads, found by scanning addons/.

Each attack is one RPC call, so one transaction: a refused attempt leaves
nothing behind, and an attempt counts as a forgery only when the call went
through and the data really changed (read back as the administrator), or a
record was created or deleted. A refusal must be a clear UserError,
AccessError or ValidationError; anything else (a traceback) is a failure of
its own.

MEDDEV_INTEGRITY_WORKERS (default 4) sets how many models are attacked at once;
MEDDEV_INTEGRITY_DEBUG=1 prints the attempts by kind and the time of each phase.
"""

import ast
import base64
import http.client
import json
import os
import pathlib
import threading
import time
import urllib.parse
import uuid
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

ADDONS_DIR = pathlib.Path(__file__).resolve().parents[2] / "addons"
# Context keys of Odoo itself that switch off checks in some code paths.
ODOO_CONTEXT_KEYS = ("install_mode", "import_file", "tracking_disable")
CLEAR_REFUSALS = ("UserError", "AccessError", "ValidationError")
# Fault codes of /xmlrpc/2 (odoo/addons/base/controllers/rpc.py): 2 is a UserError (or a
# subclass such as ValidationError), 4 an AccessError; 1 carries a traceback.
XMLRPC_FAULTS = {2: "UserError", 4: "AccessError"}
# Fields that never make a record's content (md.workflow.mixin's LOG_ACCESS_COLUMNS and id).
LOG_ACCESS = {"id", "create_uid", "create_date", "write_uid", "write_date", "display_name"}
NON_CONTENT_MODELS = (
    "mail.thread",
    "mail.activity.mixin",
    "mail.thread.main.attachment",
    "md.signable.mixin",
)
FORGED_DATETIMES = ("2001-01-01 00:00:00", "2001-01-02 00:00:00")
FORGED_DATES = ("2001-01-01", "2001-01-02")
FORGED_TEXTS = ("forged", "forged again")
NOT_FORGEABLE = ("reference", "json", "properties", "properties_definition")
MD_GROUPS = (
    "md_base.group_md_user",
    "md_base.group_md_quality_inspector",
    "md_base.group_md_release_approver",
    "md_base.group_md_quality_manager",
    "md_base.group_md_regulatory",
    "md_base.group_md_security_manager",
)
WORKERS = int(os.environ.get("MEDDEV_INTEGRITY_WORKERS", "4"))
RUN_TAG = uuid.uuid4().hex[:6]

_local = threading.local()


# --- sessions ---------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one call gave: a result, or a refusal (clear or with a traceback)."""

    raised: bool = False
    clear: bool = True
    name: str = ""
    message: str = ""
    result: object = None


class RpcFailure(Exception):
    """A call that was expected to work (set-up, read-back) failed."""


class Session:
    """A user's credentials; calls go through per-thread XML-RPC and JSON-RPC connections."""

    def __init__(self, url, db, uid, password, label):
        self.url, self.db, self.uid, self.password, self.label = url, db, uid, password, label

    @classmethod
    def of(cls, rpc, label):
        """From an Rpc of tests/conftest.py (login_as, admin)."""
        return cls(rpc.url, rpc.db, rpc.uid, rpc.password, label)

    def _proxy(self):
        proxies = _local.__dict__.setdefault("proxies", {})
        if self.url not in proxies:
            proxies[self.url] = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)
        return proxies[self.url]

    def __call__(self, model, method, *args, context=None, **kwargs):
        """XML-RPC execute_kw; raises xmlrpc.client.Fault."""
        if context is not None:
            kwargs["context"] = context
        return self._proxy().execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)

    def try_call(self, model, method, *args, context=None, **kwargs):
        """XML-RPC execute_kw -> Outcome."""
        try:
            return Outcome(result=self(model, method, *args, context=context, **kwargs))
        except xmlrpc.client.Fault as fault:
            name = XMLRPC_FAULTS.get(fault.faultCode)
            if name:
                return Outcome(raised=True, name=name, message=fault.faultString.strip())
            lines = [line for line in fault.faultString.strip().splitlines() if line.strip()]
            return Outcome(
                raised=True, clear=False, name=lines[-1] if lines else "?", message=fault.faultString
            )

    def json_try(self, model, method, *args, context=None, **kwargs):
        """JSON-RPC (POST /jsonrpc, service object, execute_kw) -> Outcome."""
        if context is not None:
            kwargs["context"] = context
        params = {
            "service": "object",
            "method": "execute_kw",
            "args": [self.db, self.uid, self.password, model, method, list(args), kwargs],
        }
        reply = self._post_json({"jsonrpc": "2.0", "method": "call", "params": params, "id": 1})
        if "error" not in reply:
            return Outcome(result=reply.get("result"))
        data = reply["error"].get("data") or {}
        name = data.get("name") or "?"
        short = name.rsplit(".", 1)[-1]
        clear = name.startswith("odoo.exceptions.") and short in CLEAR_REFUSALS
        message = data.get("message") or reply["error"].get("message", "")
        return Outcome(
            raised=True, clear=clear, name=name, message=message if clear else data.get("debug", message)
        )

    def json_call(self, model, method, *args, **kwargs):
        outcome = self.json_try(model, method, *args, **kwargs)
        if outcome.raised:
            raise RpcFailure(f"{self.label}: {model}.{method}: {outcome.name}: {outcome.message}")
        return outcome.result

    def _post_json(self, payload):
        body = json.dumps(payload)
        for retry in (False, True):
            connection = _local.__dict__.get("http")
            if connection is None or retry:
                parsed = urllib.parse.urlsplit(self.url)
                connection = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=300)
                _local.http = connection
            try:
                connection.request("POST", "/jsonrpc", body, {"Content-Type": "application/json"})
                return json.loads(connection.getresponse().read())
            except (http.client.HTTPException, ConnectionError):
                connection.close()
                if retry:
                    raise
        raise AssertionError("unreachable")


def run_parallel(function, items):
    """Run ``function`` over ``items`` on a few threads (one model per thread: no two
    threads attack the same records); exceptions propagate."""
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(function, items))


# --- the tally of attempts ----------------------------------------------------------------


@dataclass
class Tally:
    """Attempts of one kind, the forgeries among them and the unclear refusals."""

    label: str
    tried: int = 0
    forgeries: list = field(default_factory=list)
    tracebacks: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    kinds: dict = field(default_factory=dict)
    lock: object = field(default_factory=threading.Lock, repr=False)

    def attempt(
        self,
        session,
        model,
        method,
        args,
        what,
        context=None,
        context_label="none",
        changed=None,
        json_rpc=False,
    ):
        """One attack. ``changed(result)`` is asked (as the administrator) when the call went
        through: a true answer (a description) makes the attempt a forgery."""
        call = session.json_try if json_rpc else session.try_call
        outcome = call(model, method, *args, context=context)
        where = f"{model} | {session.label} | {what} | context: {context_label}" + (
            " | JSON-RPC" if json_rpc else ""
        )
        verdict = None
        if not outcome.raised:
            verdict = changed(outcome.result) if changed else "the call went through"
        with self.lock:
            self.tried += 1
            kind = (method, context_label.split()[0], json_rpc)
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
            if outcome.raised and not outcome.clear:
                self.tracebacks.append(f"{where} | refused with a traceback: {outcome.name}")
            elif verdict:
                self.forgeries.append(f"{where} | {verdict}")
        return outcome

    def lap(self, label):
        """Debug timing (MEDDEV_INTEGRITY_DEBUG=1)."""
        if os.environ.get("MEDDEV_INTEGRITY_DEBUG"):
            now = time.monotonic()
            last = getattr(self, "_lap", now)
            self._lap = now
            print(f"  [{now - last:6.1f}s] {label} (tried so far: {self.tried})")

    def note(self, text):
        with self.lock:
            self.notes.append(text)

    def figure(self):
        return f"{self.label} tried: {self.tried}, succeeded: {len(self.forgeries)}"

    def report(self, record_property):
        line = self.figure()
        print(line)
        for note in self.notes:
            print(f"  {note}")
        if os.environ.get("MEDDEV_INTEGRITY_DEBUG"):
            for kind, count in sorted(self.kinds.items(), key=str):
                print(f"  attempts {kind}: {count}")
        record_property(self.label, line)
        if self.notes:
            record_property(f"{self.label}: notes", "\n".join(self.notes))
        problems = [f"forgery: {item}" for item in self.forgeries]
        problems += [f"traceback: {item}" for item in self.tracebacks]
        assert not problems, f"{line}\n" + "\n".join(problems)


# --- context keys the project's code reads -------------------------------------------------


def _string(node, constants):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _is_context(node):
    if isinstance(node, ast.Attribute):
        return node.attr in ("context", "_context")
    return isinstance(node, ast.Name) and node.id in ("context", "ctx")


def context_keys(addons_dir=ADDONS_DIR):
    """Every context key the Python code under addons/ reads or sets:
    ``context.get("k")``, ``context["k"]``, ``with_context(k=...)``, ``with_context({"k": ...})``
    (string constants and dict constants of the module resolved)."""
    keys = set()
    for path in sorted(pathlib.Path(addons_dir).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        constants, dicts = {}, {}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    constants[node.targets[0].id] = node.value.value
                elif isinstance(node.value, ast.Dict):
                    dicts[node.targets[0].id] = node.value

        def dict_keys(node, constants=constants, dicts=dicts):
            if isinstance(node, ast.Name):
                node = dicts.get(node.id)
            if not isinstance(node, ast.Dict):
                return set()
            return {_string(key, constants) for key in node.keys if key is not None} - {None}

        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "get" and _is_context(node.func.value) and node.args:
                    keys.add(_string(node.args[0], constants))
                elif node.func.attr == "with_context":
                    keys.update(kw.arg for kw in node.keywords if kw.arg)
                    for value in [kw.value for kw in node.keywords if not kw.arg] + list(node.args):
                        keys.update(dict_keys(value))
            elif isinstance(node, ast.Subscript) and _is_context(node.value):
                keys.add(_string(node.slice, constants))
    keys.discard(None)
    return sorted(keys | set(ODOO_CONTEXT_KEYS))


# --- values ---------------------------------------------------------------------------------


def normalize(description, value):
    """A read value in a comparable form."""
    kind = description["type"]
    if kind == "many2one":
        return value[0] if value else False
    if kind in ("one2many", "many2many"):
        return sorted(value or [])
    if kind in ("float", "monetary"):
        return round(value or 0.0, 6)
    return value


def states_of(spec):
    return [state[0] if isinstance(state, list | tuple) else state for state in spec.get("states") or []]


# --- the world: what the server says ------------------------------------------------------


class World:
    """The declarations, fields, groups, records and attacker sessions, read once."""

    def __init__(self, server, admin_rpc, login_as):
        self.url, self.db = server["url"], server["db"]
        self.admin = Session.of(admin_rpc, "admin")
        self.login_as = login_as
        self.lock = threading.RLock()
        self._ids_cache = {}
        self.gone = set()  # (model, id) of records a forged deletion removed
        self._sessions = {}
        self._counter = 0
        admin = self.admin
        # JSON-RPC: the declarations hold null values (a model without a state field).
        self.specs = admin.json_call("md.workflow.mixin", "md_workflow_specs")
        self.models = sorted(self.specs)
        attributes = ["type", "relation", "selection", "store", "readonly", "required", "string"]
        self.fields = {
            model: admin(model, "fields_get", attributes=attributes)
            for model in [*self.models, "md.signature", "md.audit.entry"]
        }
        self.non_content = set()
        for model in NON_CONTENT_MODELS:
            outcome = admin.try_call(model, "fields_get", attributes=["type"])
            if not outcome.raised:
                self.non_content |= set(outcome.result)
        self.main_company = self.xmlid_id("base.main_company")
        group_data = admin(
            "ir.model.data",
            "search_read",
            [("model", "=", "res.groups")],
            fields=["module", "name", "res_id"],
        )
        self.group_xmlid = {row["res_id"]: f"{row['module']}.{row['name']}" for row in group_data}
        self.group_id = {xmlid: res_id for res_id, xmlid in self.group_xmlid.items()}
        implied = admin(
            "res.groups", "search_read", [], fields=["trans_implied_ids"], context={"active_test": False}
        )
        self.closure = {row["id"]: {row["id"], *row["trans_implied_ids"]} for row in implied}
        self.acl = admin(
            "ir.model.access",
            "search_read",
            [("model_id.model", "in", [*self.models, "md.signature", "md.audit.entry"])],
            fields=["model_id", "group_id", "perm_read", "perm_write", "perm_create", "perm_unlink"],
        )
        model_ids = {row["model_id"][0] for row in self.acl}
        model_names = admin("ir.model", "read", sorted(model_ids), ["model"]) if model_ids else []
        self.model_name = {row["id"]: row["model"] for row in model_names}
        self.keys = context_keys()
        self.records = {model: self._load(model) for model in self.models}
        self.by_id = {model: {row["id"]: row for row in rows} for model, rows in self.records.items()}

    # -- database facts ----------------------------------------------------------------------

    def xmlid_id(self, xmlid):
        module, name = xmlid.split(".", 1)
        return self.admin("ir.model.data", "check_object_reference", module, name)[1]

    def _load(self, model):
        spec = self.specs[model]
        names = {spec["state_field"], spec["parent_field"], "company_id", *spec["transition_fields"]}
        names = sorted(name for name in names if name and name in self.fields[model])
        return self.admin(model, "search_read", [], fields=names, order="id", context={"active_test": False})

    def ids_of(self, comodel, limit=6):
        """A few existing ids of a model (forged many2one values)."""
        with self.lock:
            if comodel not in self._ids_cache:
                outcome = self.admin.try_call(comodel, "search", [], limit=limit, order="id")
                self._ids_cache[comodel] = [] if outcome.raised else outcome.result
            return self._ids_cache[comodel]

    def tag(self):
        with self.lock:
            self._counter += 1
            return f"h3-{RUN_TAG}-{self._counter}"

    # -- groups and sessions -----------------------------------------------------------------

    def groups_with(self, model, operations):
        """Groups (xmlids) named by an access line of ``model`` granting one of ``operations``."""
        found = set()
        for row in self.acl:
            if self.model_name.get(row["model_id"][0]) != model:
                continue
            if any(row[f"perm_{operation}"] for operation in operations):
                found.add(self.group_xmlid.get(row["group_id"][0]) if row["group_id"] else "base.group_user")
        return sorted(group for group in found if group)

    def group_may(self, group_xmlid, model, operation):
        """Whether a user holding only ``group_xmlid`` gets ``operation`` on ``model`` by the ACL."""
        groups = self.closure.get(self.group_id.get(group_xmlid), set())
        return any(
            row[f"perm_{operation}"] and (not row["group_id"] or row["group_id"][0] in groups)
            for row in self.acl
            if self.model_name.get(row["model_id"][0]) == model
        )

    def group_may_any(self, model, operation):
        """Whether any access line of the model grants ``operation``."""
        return any(
            row[f"perm_{operation}"] for row in self.acl if self.model_name.get(row["model_id"][0]) == model
        )

    def attacker(self, group_xmlid, login=None):
        """The session of a user holding only this group (created once, through login_as)."""
        login = login or "forgery_" + group_xmlid.replace(".", "_")
        with self.lock:
            if login not in self._sessions:
                self._sessions[login] = Session.of(self.login_as(login, [group_xmlid]), group_xmlid)
            return self._sessions[login]

    def users_for(self, model, operation):
        """The administrator and one user per group that the ACL lets do ``operation``."""
        groups = self.groups_with(model, ("write", "create", "unlink"))
        return [self.admin] + [
            self.attacker(group) for group in groups if self.group_may(group, model, operation)
        ]

    # -- lifecycle replica (which records are closed, which may be deleted) ----------------

    def spec(self, model):
        return self.specs[model]

    def parent(self, model, record):
        """(parent model, parent row) of a line of a regulated record, or (None, None)."""
        parent_field = self.specs[model]["parent_field"]
        if not parent_field or not record.get(parent_field):
            return None, None
        parent_model = self.fields[model][parent_field]["relation"]
        if parent_model not in self.by_id:
            return None, None
        return parent_model, self.by_id[parent_model].get(record[parent_field][0])

    def state(self, model, record):
        state_field = self.specs[model]["state_field"]
        return record.get(state_field) if state_field else None

    def closed(self, model, record):
        spec = self.specs[model]
        if spec["state_field"] and self.state(model, record) in spec["closed_states"]:
            return True
        parent_model, parent = self.parent(model, record)
        if parent is None:
            return False
        if self.closed(parent_model, parent):
            return True
        allowed = spec["parent_states"]
        return allowed is not None and not self._state_in(parent_model, parent, allowed)

    def _state_in(self, model, record, states):
        return bool(self.specs[model]["state_field"]) and self.state(model, record) in states

    def used(self, model, record):
        spec = self.specs[model]
        if not spec["state_field"]:
            return any(record.get(name) for name in spec["transition_fields"])
        deletable = spec["deletable_states"]
        if deletable is None:
            deletable = [spec["initial_state"]]
        return self.state(model, record) not in deletable

    def parent_used(self, model, record):
        parent_model, parent = self.parent(model, record)
        if parent is None:
            return False
        allowed = self.specs[model]["parent_states"]
        if allowed is None:
            return self.used(parent_model, parent)
        return not self._state_in(parent_model, parent, allowed)

    def undeletable(self, model, record):
        return self.used(model, record) or self.closed(model, record) or self.parent_used(model, record)

    def group_key(self, model, record):
        """Records are sampled per state present (a line without a state: open or closed)."""
        return (self.state(model, record) or "", self.closed(model, record))

    def alive(self, model, records=None):
        """The records (default: all those loaded) that no forged deletion removed."""
        records = self.records[model] if records is None else records
        return [record for record in records if (model, record["id"]) not in self.gone]

    def samples(self, model, per_group=3, records=None):
        """Up to ``per_group`` records per state present, oldest first."""
        groups = {}
        for record in self.alive(model, records):
            group = groups.setdefault(self.group_key(model, record), [])
            if len(group) < per_group:
                group.append(record)
        return [record for key in sorted(groups, key=str) for record in groups[key]]

    # -- forged values ----------------------------------------------------------------------

    def forged(self, model, name, current):
        """A value different from ``current`` for the field, by type; None when none can be made."""
        description = self.fields[model].get(name)
        if not description:
            return None
        kind = description["type"]
        if kind == "many2one":
            current_id = current[0] if isinstance(current, list | tuple) else current
            others = [
                record_id for record_id in self.ids_of(description["relation"]) if record_id != current_id
            ]
            return others[0] if others else None
        if kind in ("one2many", "many2many"):
            if current:
                return [(6, 0, [])]
            ids = self.ids_of(description["relation"])
            return [(6, 0, ids[:1])] if ids else None
        if kind == "datetime":
            return next(value for value in FORGED_DATETIMES if value != current)
        if kind == "date":
            return next(value for value in FORGED_DATES if value != current)
        if kind in ("char", "text", "html"):
            return next(value for value in FORGED_TEXTS if value != current)
        if kind == "boolean":
            return not current
        if kind in ("integer", "float", "monetary", "many2one_reference"):
            return (current or 0) + 7
        if kind == "selection":
            others = [value for value, _label in description.get("selection") or [] if value != current]
            return others[-1] if others else None
        if kind == "binary":
            return base64.b64encode(b"forged").decode()
        return None

    def context_value(self, key, model, record_id):
        """A plausible value for a context key (what a caller would send)."""
        values = {
            "active_test": False,
            "tz": "UTC",
            "lang": "en_US",
            "allowed_company_ids": [self.main_company],
            "active_model": model,
            "md_sign_res_model": model,
            "active_id": record_id,
            "md_sign_res_id": record_id,
            "active_ids": [record_id] if record_id else [],
            "md_audit_reason": "forged reason",
            "md_reservable_lots": [],
            "quants_cache": {},
        }
        return values.get(key, True)

    def all_keys(self, model, record_id, defaults):
        """Every context key the project reads, ``default_<field>`` of the guarded fields with
        forged values, and Odoo's install_mode, import_file, tracking_disable."""
        context = {}
        for key in self.keys:
            if key.startswith("default_"):
                name = key[len("default_") :]
                if name in self.fields[model] and name not in defaults:
                    value = self.forged(model, name, False)
                    if value is not None:
                        context[key] = value
                continue
            context[key] = self.context_value(key, model, record_id)
        for name, value in defaults.items():
            if value is not None:
                context[f"default_{name}"] = value
        return context

    def guarded_defaults(self, model, current, state=None):
        """Forged values of the state (``state`` or the last later state) and transition fields."""
        spec = self.specs[model]
        defaults = {}
        if spec["state_field"]:
            later = [value for value in states_of(spec) if value != spec["initial_state"]]
            defaults[spec["state_field"]] = state or (later[-1] if later else None)
        for name in spec["transition_fields"]:
            defaults[name] = self.forged(model, name, current.get(name, False))
        return defaults

    # -- reading back -------------------------------------------------------------------------

    def snapshot(self, model, ids, names):
        """{id: {field: comparable value}} as the administrator (binaries by size)."""
        names = sorted(name for name in names if name in self.fields[model])
        rows = self.admin(model, "read", list(ids), names, context={"bin_size": True, "active_test": False})
        return {
            row["id"]: {name: normalize(self.fields[model][name], row[name]) for name in names}
            for row in rows
        }

    def changed_field(self, model, record_id, name, before):
        """A checker for Tally.attempt: the field's value differs from ``before``."""

        def check(_result):
            after = self.snapshot(model, [record_id], [name]).get(record_id, {}).get(name)
            if after != before:
                return f"{name} changed from {before!r} to {after!r}"
            return None

        return check

    def exists(self, model, record_id):
        return bool(
            self.admin(model, "search_count", [("id", "=", record_id)], context={"active_test": False})
        )
