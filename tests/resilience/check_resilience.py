"""The steps of tests/resilience/run.sh that talk to Odoo and PostgreSQL: kill a worker and
the primary in the middle of a scan batch, take the state a backup must restore, check a
restored database against it, and read the Odoo logs.

Each step is a subcommand run by run.sh in turn; they share a JSON state file (the receipts,
the chain head at each backup, the log windows in which the kills may log errors) and append
their figures to one file that run.sh prints at the end. Every check prints PASS or FAIL; a
step exits non-zero when one of its checks failed.

Why a killed request writes nothing: ``md.scan.scan_batch`` runs in the one transaction of its
RPC call (odoo/service/model.py execute), and PostgreSQL rolls back a transaction whose client
died or whose server crashed before COMMIT (WAL replay keeps committed transactions only).
The idempotency key is claimed in that same transaction (md_scan_batch_key.py), so the batch
sent again with its key is applied, once.
"""

import argparse
import base64
import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import xmlrpc.client
from collections import defaultdict
from datetime import date, timedelta

import psycopg2

ADMIN = ("admin", "admin")
# md_udi_trace's demo trial team (demo/md_trial_team_demo.xml, demo-only passwords).
WAREHOUSE_USER = ("wh.liu", "demo-wh.liu")
INSPECTOR = ("qc.li", "demo-qc.li")
QUALITY_MANAGER = ("qm.wang", "demo-qm.wang")
# A serial-tracked demo device with a GS1 GTIN, received from its demo manufacturer.
DEVICE = "md_udi_trace.product_coronary_stent"
SUPPLIER = "md_udi_trace.partner_suzhou_manufacturer"
HELD_LOTS = 3  # demo lots put on hold and signed (reviewed, then released) before the kills
# The stent's minimum shelf life at receipt is 180 days and its shelf life 730.
EXPIRY = (date.today() + timedelta(days=700)).strftime("%y%m%d")
ODOO_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")
# The errors the immediate stop of the primary makes Odoo log, between the stop and the end of
# wait_serving, each an "Exception during request handling" (odoo/http.py) whose psycopg2 error
# says the server went away:
# - the batch's request, whose backend was terminated mid-statement (the backend may send
#   "terminating connection due to immediate shutdown command" before it exits, or not);
# - after the restart, one request per connection a worker's pool opened before the crash:
#   Odoo 18's ConnectionPool.borrow resets a pooled connection and catches only
#   OperationalError, while psycopg2 raises its parent DatabaseError for the dead socket
#   (odoo/sql_db.py); the dead connection is then dropped from the pool.
# No request reaches Odoo while the primary is down or recovering (the batch is the only one in
# flight, wait_serving starts once pg_ctl start returns): anything else is a failure.
EXPECTED_AFTER_PRIMARY_KILL = re.compile(
    r"server closed the connection unexpectedly|terminating connection due to immediate shutdown command"
)

RESULTS = []


def check(name, ok, detail=""):
    RESULTS.append(bool(ok))
    print(f"{'PASS' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
    return ok


class SingleShotTransport(xmlrpc.client.Transport):
    """Sends each request once. xmlrpc.client's Transport.request sends a request again when the
    server closed the connection without answering (meant for a stale keep-alive socket): it
    would resend the batch a killed worker dropped, and hide the failure this harness looks at."""

    def request(self, host, handler, request_body, verbose=False):
        return self.single_request(host, handler, request_body, verbose)


class Session:
    """One user's XML-RPC session: ``session(model, method, *args, **kwargs)``.

    A new connection per call: a call is never sent on a socket a killed worker left behind.
    """

    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url, db, password
        self.uid = self._proxy("common").authenticate(db, login, password, {})
        if not self.uid:
            raise SystemExit(f"{login} cannot log in to {db} on {url}")

    def _proxy(self, service):
        return xmlrpc.client.ServerProxy(
            f"{self.url}/xmlrpc/2/{service}", transport=SingleShotTransport(), allow_none=True
        )

    def __call__(self, model, method, *args, **kwargs):
        return self._proxy("object").execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )

    def xmlid(self, xmlid):
        return self("ir.model.data", "check_object_reference", *xmlid.split("."))[1]


class Run:
    """The options, the shared state file and the figures of one step."""

    def __init__(self, args):
        self.args = args
        self.state = {}
        if os.path.exists(args.state):
            with open(args.state, encoding="utf-8") as state:
                self.state = json.load(state)

    def save(self):
        with open(self.args.state, "w", encoding="utf-8") as state:
            json.dump(self.state, state, indent=1)

    def figure(self, name, value):
        line = f"{name:58} {value}"
        print(f"  {line}", flush=True)
        with open(self.args.figures, "a", encoding="utf-8") as figures:
            figures.write(line + "\n")

    def session(self, user):
        return Session(self.args.url, self.args.db, *user)

    def sql(self, query, params=None):
        """Rows of ``query`` on a connection of its own (the server may have restarted since)."""
        conn = psycopg2.connect(
            host=self.args.pghost,
            port=self.args.pgport,
            user="odoo",
            dbname=self.args.db,
            application_name="resilience-check",
        )
        try:
            conn.autocommit = True
            with conn.cursor() as cr:
                cr.execute(query, params)
                return cr.fetchall()
        finally:
            conn.close()


# ------------------------------------------------------------------------------ shared checks


def chain_head(run):
    ((position, last_hash),) = run.sql("SELECT last_position, last_hash FROM md_audit_chain")
    return position, last_hash


def audit_fingerprint(run):
    """MD5 of every audit entry row, every column, in id order: a restore holds the same rows."""
    ((fingerprint,),) = run.sql("SELECT md5(string_agg(e::text, '|' ORDER BY e.id)) FROM md_audit_entry e")
    return fingerprint


def chain_ok(admin, label):
    """``verify_chain`` over XML-RPC (it links pending entries first). Returns the position up to
    which it verified: from the genesis, or from the newest checkpoint when there is one
    (``from_position``)."""
    result = admin("md.audit.entry", "verify_chain")
    check(f"{label}: verify_chain ok", result["ok"], json.dumps(result))
    return result.get("from_position", 0) + result["checked"]


def verify_signatures(admin, label):
    """``md_verify_signatures`` on every signed record of every model that has signatures:
    each valid (not voided) signature's content hash must match its record (21 CFR 11.70)."""
    signatures = admin("md.signature", "search_read", [], fields=["res_model", "res_id", "voided"])
    records = defaultdict(set)
    for signature in signatures:
        records[signature["res_model"]].add(signature["res_id"])
    answers = []
    for model, ids in sorted(records.items()):
        answers += admin(model, "md_verify_signatures", sorted(ids))
    valid = {signature["id"] for signature in signatures if not signature["voided"]}
    matching = {answer["signature_id"] for answer in answers if answer["valid"]}
    check(
        f"{label}: every e-signature's content hash matches its record",
        valid and matching == valid and len(answers) == len(valid),
        f"{len(matching)} of {len(valid)} valid signatures on {len(records)} model(s)",
    )
    return len(matching)


def file_sha1(path):
    try:
        with open(path, "rb") as stored:
            return hashlib.file_digest(stored, "sha1").hexdigest()
    except FileNotFoundError:
        return None


def check_filestore(run, label):
    """Every attachment stored in the filestore has its file, whose SHA-1 is its ``checksum``."""
    rows = run.sql("SELECT id, store_fname, checksum FROM ir_attachment WHERE store_fname IS NOT NULL")
    bad = [
        id_ for id_, fname, checksum in rows if file_sha1(os.path.join(run.args.filestore, fname)) != checksum
    ]
    check(
        f"{label}: every stored attachment's file has its checksum (SHA-1)",
        rows and not bad,
        f"{len(rows) - len(bad)} of {len(rows)} files; wrong or missing: {bad[:10]}",
    )
    return len(rows)


def check_attachments_over_rpc(run, admin, label):
    """The attachments' content as Odoo serves it (``datas`` over XML-RPC) has their checksum:
    every attachment the administrator may read (access rules hide a few, such as the icons of
    menus the administrator does not see, ir_attachment.py _search)."""
    expected = dict(run.sql("SELECT id, checksum FROM ir_attachment WHERE store_fname IS NOT NULL"))
    # the res_field terms: without them the search leaves out the binary fields' attachments
    domain = [("id", "in", sorted(expected)), "|", ("res_field", "=", False), ("res_field", "!=", False)]
    readable = admin("ir.attachment", "search", domain, order="id")
    bad = []
    for first in range(0, len(readable), 100):
        for record in admin("ir.attachment", "read", readable[first : first + 100], ["datas"]):
            if hashlib.sha1(base64.b64decode(record["datas"] or b"")).hexdigest() != expected[record["id"]]:
                bad.append(record["id"])
    check(
        f"{label}: every attachment's content read over XML-RPC has its checksum",
        readable and not bad,
        f"{len(readable) - len(bad)} of the {len(readable)} the administrator reads "
        f"({len(expected)} stored); wrong: {bad[:10]}",
    )
    return len(readable)


# ------------------------------------------------------------------------------ the scan batches


def batch_of(run, phase):
    """The phase's receipt, idempotency key and GS1 UDIs (serial last: no separator needed)."""
    state = run.state
    raws = [
        f"01{state['gtin']}17{EXPIRY}21{state['tag']}{phase[0].upper()}{index:05d}"
        for index in range(state["count"])
    ]
    return state["receipts"][phase], f"resilience-{state['tag']}-{phase}", raws


def footprint(run, phase):
    """What the phase's batch wrote, read in SQL: (picked lines, lines with a lot, lines, lots, keys)."""
    receipt, key, _raws = batch_of(run, phase)
    ((picked, with_lot, lines),) = run.sql(
        "SELECT count(*) FILTER (WHERE picked), count(lot_id), count(*)"
        " FROM stock_move_line WHERE picking_id = %s",
        (receipt,),
    )
    ((lots,),) = run.sql(
        "SELECT count(*) FROM stock_lot WHERE name LIKE %s", (f"{run.state['tag']}{phase[0].upper()}%",)
    )
    ((keys,),) = run.sql("SELECT count(*) FROM md_scan_batch_key WHERE key = %s", (key,))
    return {"picked": picked, "with_lot": with_lot, "lines": lines, "lots": lots, "keys": keys}


def send_batch(run, phase):
    """The phase's batch sent by the warehouse user in a thread: (thread, outcome)."""
    receipt, key, raws = batch_of(run, phase)
    scanner = run.session(WAREHOUSE_USER)
    outcome = {}

    def call():
        start = time.perf_counter()
        try:
            outcome["result"] = scanner("md.scan", "scan_batch", "stock.picking", receipt, raws, key)
        except Exception as error:  # what the kill does to the call is the subject of the check
            outcome["error"] = error
        outcome["seconds"] = time.perf_counter() - start

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    return thread, outcome


def writing_transaction(run, thread, timeout=180):
    """The backend pid of the batch's transaction once it has written (it has a transaction
    id) and run for a second: a kill then lands mid-transaction."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and thread.is_alive():
        rows = run.sql(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = %s AND application_name LIKE 'odoo-%%' AND backend_xid IS NOT NULL"
            " AND state <> 'idle' AND now() - xact_start > interval '1 second'",
            (run.args.db,),
        )
        if len(rows) == 1:
            return rows[0][0]
        time.sleep(0.05)
    return None


def serving_workers(workers, http_port):
    """The workers holding an established connection on Odoo's HTTP port: while the batch runs,
    the one serving it (nothing else is sent to Odoo meanwhile). pg_stat_activity cannot tell:
    every worker's connections carry the master's ``odoo-<pid>`` application_name (the master
    builds the registry and its DSN before forking, odoo/service/server.py preload_registries)."""
    with open("/proc/net/tcp", encoding="ascii") as tcp:
        rows = [line.split() for line in list(tcp)[1:]]
    # columns: sl, local address:port (hex), remote, state (01 = ESTABLISHED), ..., inode (10th)
    inodes = {row[9] for row in rows if row[3] == "01" and int(row[1].split(":")[1], 16) == http_port}
    serving = set()
    for pid in workers:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:  # closed meanwhile
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                serving.add(pid)
    return serving


def check_nothing_written(run, phase, before):
    after = footprint(run, phase)
    check(
        f"{phase}: no partial batch (no picked line, lot, new serial number or idempotency key)",
        after == before and not after["picked"] and not after["with_lot"] and not after["lots"],
        f"before {before}, after {after}",
    )


def check_send_again(run, phase, before):
    """The same batch with the same key: applied in full, then replayed (exactly once)."""
    receipt, key, raws = batch_of(run, phase)
    scanner = run.session(WAREHOUSE_USER)
    start = time.perf_counter()
    result = scanner("md.scan", "scan_batch", "stock.picking", receipt, raws, key)
    seconds = time.perf_counter() - start
    count = len(raws)
    applied = footprint(run, phase)
    check(
        f"{phase}: sent again with its key, the batch is applied in full",
        result["count"] == count
        and not result.get("replayed")
        and applied == dict(before, picked=count, with_lot=count, lines=count, lots=count, keys=1),
        f"{result['count']} scans, replayed {result.get('replayed', False)}; {applied}",
    )
    replay = scanner("md.scan", "scan_batch", "stock.picking", receipt, raws, key)
    check(
        f"{phase}: sent a third time, it is replayed and nothing is added (exactly once)",
        replay.get("replayed") is True and replay["count"] == count and footprint(run, phase) == applied,
        f"replayed {replay.get('replayed')}",
    )
    run.figure(f"{phase}: batch of {count} scans applied in (s)", f"{seconds:.1f}")


# ------------------------------------------------------------------------------ steps


def new_receipt(admin, device_id, supplier_id, count):
    in_type = admin("stock.picking.type", "search", [("code", "=", "incoming")], limit=1)[0]
    receipt = admin(
        "stock.picking",
        "create",
        {
            "picking_type_id": in_type,
            "partner_id": supplier_id,
            "move_ids": [(0, 0, {"name": "resilience", "product_id": device_id, "product_uom_qty": count})],
        },
    )
    admin("stock.picking", "action_confirm", [receipt])
    return receipt


def sign_holds(run, admin):
    """Holds on demo lots, reviewed by the inspector and released by the quality manager:
    signatures the kills and the restores must leave verifiable."""
    lots = admin("stock.lot", "search", [("product_id.md_udi_di", "!=", False)], limit=HELD_LOTS, order="id")
    holds = admin("md.lot.hold", "create", [{"lot_id": lot, "reason": "Resilience check"} for lot in lots])
    for (login, password), meaning in ((INSPECTOR, "reviewed"), (QUALITY_MANAGER, "released")):
        run.session((login, password))("md.lot.hold", "md_sign", holds, meaning, password, "Resilience check")


def step_prepare(run):
    admin = run.session(ADMIN)
    chain_ok(admin, "before the kills")
    device_id = admin.xmlid(DEVICE)
    supplier_id = admin.xmlid(SUPPLIER)
    [device] = admin("product.product", "read", [device_id], ["md_udi_di", "tracking"])
    run.state.update(
        tag="R" + "".join(random.choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=4)),
        gtin=device["md_udi_di"],
        count=run.args.count,
        receipts={
            phase: new_receipt(admin, device_id, supplier_id, run.args.count)
            for phase in ("worker", "primary")
        },
    )
    check("the demo device is serial-tracked", device["tracking"] == "serial", device["md_udi_di"])
    sign_holds(run, admin)
    verify_signatures(admin, "before the kills")
    run.save()


def http_workers(server_pid):
    """The prefork HTTP workers: the Odoo master's children other than its gevent process."""
    workers = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                arguments = cmdline.read().split(b"\0")
        except OSError:  # the process ended meanwhile
            continue
        if ppid == server_pid and b"gevent" not in arguments:
            workers.add(int(entry))
    return workers


def wait_respawn(server_pid, killed, population, timeout=60):
    """Seconds until the master has ``population`` workers again, none of them ``killed``."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        workers = http_workers(server_pid)
        if len(workers) == population and killed not in workers:
            return time.perf_counter() - start
        time.sleep(0.02)
    return None


def wait_backend_gone(run, backend_pid, timeout=300):
    """Seconds until the killed worker's backend has ended (and rolled its transaction back)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if not run.sql("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (backend_pid,)):
            return time.perf_counter() - start
        time.sleep(0.1)
    return None


def step_kill_worker(run):
    phase = "worker"
    before = footprint(run, phase)
    workers = http_workers(run.args.server_pid)
    thread, outcome = send_batch(run, phase)
    backend_pid = writing_transaction(run, thread)
    serving = serving_workers(workers, urllib.parse.urlsplit(run.args.url).port)
    if not check(
        "worker: the batch's transaction found in pg_stat_activity, its HTTP worker by its connection",
        backend_pid and len(serving) == 1,
        f"backend {backend_pid}, workers {sorted(workers)} of which serving {sorted(serving)}",
    ):
        thread.join()
        return
    [odoo_pid] = serving
    os.kill(odoo_pid, signal.SIGKILL)
    respawn = wait_respawn(run.args.server_pid, odoo_pid, len(workers))
    thread.join(60)
    error = outcome.get("error")
    check(
        "worker: the scan_batch call fails with a connection error",
        # the socket closes unanswered: http.client.RemoteDisconnected, a ConnectionResetError
        isinstance(error, ConnectionError),
        f"{type(error).__name__}: {error}" if error else f"answered {outcome.get('result')}",
    )
    check("worker: the master respawned a worker", respawn is not None)
    orphan = wait_backend_gone(run, backend_pid)
    check("worker: the killed worker's backend ended", orphan is not None)
    run.figure("worker: the batch's call failed after (s)", f"{outcome['seconds']:.1f}")
    run.figure("worker: respawned by the master after (s)", f"{respawn:.2f}" if respawn else "never")
    run.figure("worker: its orphaned backend ended after (s)", f"{orphan:.2f}" if orphan else "never")
    check_nothing_written(run, phase, before)
    admin = run.session(ADMIN)
    chain_ok(admin, "worker")
    check_send_again(run, phase, before)
    chain_ok(admin, "worker, after the batch")


def wait_serving(run, steady=10, timeout=180):
    """(seconds until the first answer, seconds until ``steady`` answers in a row, failed calls)
    of a cheap XML-RPC call that reads the database. After a restart of the primary, each
    worker fails one request per connection its pool opened before the crash (see
    EXPECTED_AFTER_PRIMARY_KILL): the workers take turns at accepting, so after ``steady``
    answers in a row both have most likely dropped their dead connections."""
    start, first, in_a_row, failures = time.perf_counter(), None, 0, 0
    while time.perf_counter() - start < timeout and in_a_row < steady:
        try:
            admin = run.session(ADMIN)
            admin("res.users", "read", [admin.uid], ["login"])
            first = first or time.perf_counter() - start
            in_a_row += 1
        except Exception:  # not serving yet: the point of the loop
            failures += 1
            in_a_row = 0
            time.sleep(0.25)
    return first, (time.perf_counter() - start if in_a_row == steady else None), failures


def crash_recovery(log_path, offset):
    """(crash recovery ran, the redo's elapsed time as logged) from the primary's log."""
    with open(log_path, encoding="utf-8", errors="replace") as log:
        log.seek(offset)
        text = log.read()
    redo = re.search(r"redo done at .* elapsed: ([0-9.]+ s)", text)
    recovered = "database system was not properly shut down; automatic recovery in progress" in text
    return recovered, redo.group(1) if redo else "no redo"


def step_kill_primary(run):
    phase = "primary"
    before = footprint(run, phase)
    thread, outcome = send_batch(run, phase)
    backend_pid = writing_transaction(run, thread)
    if not check(
        "primary: the batch's transaction found in pg_stat_activity", backend_pid, f"backend {backend_pid}"
    ):
        thread.join()
        return
    window_start = os.path.getsize(run.args.odoo_log)
    try:
        crash_primary(run, thread, outcome)
        check_after_primary_crash(run, phase, before)
    finally:  # the errors of the kill are expected from the stop to the end of this step
        run.state.setdefault("expected_error_windows", {})[run.args.odoo_log] = [
            window_start,
            os.path.getsize(run.args.odoo_log),
        ]
        run.save()


def crash_primary(run, thread, outcome):
    """Stop the primary as a crash would (immediate: no shutdown checkpoint) while the batch
    runs, start it again (crash recovery) and wait until Odoo serves."""
    args = run.args
    pg_log_offset = os.path.getsize(args.primary_log)
    subprocess.run([args.primary_ctl, "stop"], check=True, stdout=subprocess.DEVNULL)
    thread.join(120)
    error = outcome.get("error")
    check(
        "primary: the scan_batch call fails",
        error is not None,
        f"{type(error).__name__}: {str(error).strip().splitlines()[0][:160]}" if error else "it answered",
    )
    start = time.perf_counter()
    subprocess.run([args.primary_ctl, "start"], check=True, stdout=subprocess.DEVNULL)
    recovery = time.perf_counter() - start
    recovered, redo = crash_recovery(args.primary_log, pg_log_offset)
    check("primary: restarted with crash recovery", recovered)
    first, steady, failures = wait_serving(run)
    check("primary: Odoo serves again", steady is not None, f"{failures} call(s) failed first")
    run.figure("primary: the batch's call failed after (s)", f"{outcome['seconds']:.1f}")
    run.figure("primary: crash recovery until it accepts connections (s)", f"{recovery:.2f} (redo {redo})")
    run.figure("primary: then Odoo's first answer after (s)", f"{first:.2f}" if first else "never")
    run.figure("primary: then 10 answers in a row after (s)", f"{steady:.2f}" if steady else "never")
    run.figure("primary: calls failed meanwhile (stale pooled connections)", failures)


def check_after_primary_crash(run, phase, before):
    check_nothing_written(run, phase, before)
    admin = run.session(ADMIN)
    chain_ok(admin, "primary")
    verify_signatures(admin, "primary, after the restart")
    check_send_again(run, phase, before)
    chain_ok(admin, "primary, after the batch")


def step_snapshot(run):
    """What a backup taken now must restore: the chain head and entries, the signatures, the
    attachments (nothing writes meanwhile: no cron runs, no other client)."""
    label = run.args.label
    admin = run.session(ADMIN)
    verified_to = chain_ok(admin, f"{label} source")
    position, last_hash = chain_head(run)
    check(f"{label} source: verified up to the chain head", verified_to == position, f"position {position}")
    run.state.setdefault("snapshots", {})[label] = {
        "position": position,
        "hash": last_hash,
        "fingerprint": audit_fingerprint(run),
        "signatures": verify_signatures(admin, f"{label} source"),
        "attachments": check_filestore(run, f"{label} source"),
    }
    run.save()
    print(f"  chain head at position {position}: {last_hash}")


def step_write_after_base_backup(run):
    """Audited writes after the base backup (an NCR with an attachment, a hold): only the
    archived WAL carries them to a restore."""
    admin = run.session(ADMIN)
    device_id = admin.xmlid(DEVICE)
    ncr = admin(
        "md.quality.ncr",
        "create",
        {"product_id": device_id, "quantity": 1, "description": "Written after the base backup"},
    )
    content = os.urandom(65536)
    attachment = admin(
        "ir.attachment",
        "create",
        {
            "name": "after-base-backup.bin",
            "datas": base64.b64encode(content).decode(),
            "res_model": "md.quality.ncr",
            "res_id": ncr,
        },
    )
    # the first HELD_LOTS demo lots carry the signed holds of step "prepare"
    lot = admin("stock.lot", "search", [("product_id.md_udi_di", "!=", False)], offset=HELD_LOTS, limit=1)[0]
    hold = admin("md.lot.hold", "create", {"lot_id": lot, "reason": "Placed after the base backup"})
    run.state["after_base_backup"] = {
        "ncr": ncr,
        "attachment": attachment,
        "sha1": hashlib.sha1(content).hexdigest(),
        "hold": hold,
    }
    run.save()


def check_after_base_backup(run, admin):
    """The restore replayed the archived WAL: it has what was written after the base backup."""
    written = run.state["after_base_backup"]
    snapshots = run.state["snapshots"]
    check(
        "pitr: the writes after the base backup moved the chain head",
        snapshots["pitr"]["position"] > snapshots["dump"]["position"],
        f"{snapshots['dump']['position']} -> {snapshots['pitr']['position']}",
    )
    [attachment] = admin("ir.attachment", "read", [written["attachment"]], ["datas", "res_id"])
    check(
        "pitr: the NCR, its attachment and the hold written after the base backup are restored",
        admin("md.quality.ncr", "search_count", [("id", "=", written["ncr"])]) == 1
        and admin("md.lot.hold", "search_count", [("id", "=", written["hold"])]) == 1
        and hashlib.sha1(base64.b64decode(attachment["datas"])).hexdigest() == written["sha1"]
        and attachment["res_id"] == written["ncr"],
    )


def step_verify_restore(run):
    label = run.args.label
    expected = run.state["snapshots"][label]
    position, last_hash = chain_head(run)
    check(
        f"{label} restore: the chain head is the source's at backup time",
        (position, last_hash) == (expected["position"], expected["hash"]),
        f"position {position}, expected {expected['position']}",
    )
    check(
        f"{label} restore: every audit entry is the source's, unchanged",
        audit_fingerprint(run) == expected["fingerprint"],
    )
    admin = run.session(ADMIN)
    verified_to = chain_ok(admin, f"{label} restore")
    check(
        f"{label} restore: verified up to the chain head", verified_to == position, f"position {verified_to}"
    )
    signatures = verify_signatures(admin, f"{label} restore")
    check(f"{label} restore: every signature is there", signatures == expected["signatures"])
    attachments = check_filestore(run, f"{label} restore")
    check(
        f"{label} restore: every attachment is there",
        attachments == expected["attachments"],
        f"{attachments}, expected {expected['attachments']}",
    )
    read_back = check_attachments_over_rpc(run, admin, f"{label} restore")
    if label == "pitr":
        check_after_base_backup(run, admin)
    run.figure(f"{label} restore: audit entries (chain head position)", position)
    run.figure(f"{label} restore: e-signatures verified", signatures)
    run.figure(
        f"{label} restore: attachments verified: files, read over XML-RPC", f"{attachments}, {read_back}"
    )


def log_records(path):
    """(offset, level, text) of each record of an Odoo log, traceback lines included."""
    records = []
    offset = 0
    with open(path, "rb") as log:
        for raw in log:
            line = raw.decode("utf-8", errors="replace")
            match = ODOO_RECORD.match(line)
            if match:
                records.append([offset, match.group(1), line])
            elif records:
                records[-1][2] += line
            offset += len(raw)
    return records


def step_logs(run):
    """No ERROR or CRITICAL in the Odoo logs, except the lost connections of the primary kill."""
    windows = run.state.get("expected_error_windows", {})
    for path in run.args.logs:
        start, end = windows.get(path, (0, -1))
        expected, unexpected = 0, []
        for offset, level, text in log_records(path):
            if level not in ("ERROR", "CRITICAL"):
                continue
            if start <= offset < end and EXPECTED_AFTER_PRIMARY_KILL.search(text):
                expected += 1
            else:
                unexpected.append(text)
        check(
            f"{os.path.basename(path)}: no unexpected ERROR or CRITICAL",
            not unexpected,
            f"{expected} expected (primary kill), {len(unexpected)} unexpected",
        )
        for text in unexpected[:5]:
            print("    " + "\n    ".join(text.splitlines()[:12]))


STEPS = {
    "prepare": step_prepare,
    "kill-worker": step_kill_worker,
    "kill-primary": step_kill_primary,
    "snapshot": step_snapshot,
    "write-after-base-backup": step_write_after_base_backup,
    "verify-restore": step_verify_restore,
    "logs": step_logs,
}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("step", choices=STEPS)
    parser.add_argument("--state", required=True, help="the JSON state shared by the steps")
    parser.add_argument("--figures", required=True, help="the file the figures are appended to")
    parser.add_argument("--url", help="Odoo's URL")
    parser.add_argument("--db")
    parser.add_argument("--pghost", help="the socket directory of the cluster")
    parser.add_argument("--pgport", type=int)
    parser.add_argument("--filestore", help="the database's filestore directory")
    parser.add_argument("--count", type=int, default=4000, help="scans per batch (prepare)")
    parser.add_argument("--server-pid", type=int, help="the Odoo master's pid (kill-worker)")
    parser.add_argument("--primary-ctl", help="a script taking stop|start for the primary (kill-primary)")
    parser.add_argument("--primary-log", help="the primary's server log (kill-primary)")
    parser.add_argument("--odoo-log", help="the Odoo log in which the primary kill may log errors")
    parser.add_argument("--label", choices=("dump", "pitr"), help="the backup (snapshot, verify-restore)")
    parser.add_argument("--logs", nargs="*", default=[], help="the Odoo logs to read (logs)")
    run = Run(parser.parse_args())
    STEPS[run.args.step](run)
    failed = RESULTS.count(False)
    print(f"{run.args.step}: {len(RESULTS) - failed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
