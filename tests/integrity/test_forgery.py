"""No regulated record can be forged, whatever the path (issue "Integrity by construction", part 3).

An adversarial suite generated from the registry: the models come from
``md.workflow.mixin.md_workflow_specs()`` on the running server, so a regulated model
added later is attacked the day it lands. For every adopting model, as the
administrator and as one user per group that the access lines let write, create or
delete it (each attack only by the users the ACL grants that operation):

1. writes of the state field to every other state (up to 3 records per state present),
   of each transition-only field (one record per state present) and each create-only field
   (one record: the guard does not depend on the state) to a forged value, of every content
   field of a record in each closed state (editable fields excepted) and of every
   state-restricted field outside its states;
2. creates in each later state and with each transition field set, on base values
   copied from an existing record and proven valid by a control create as the
   administrator (deleted afterwards when the model allows, otherwise left);
3. deletions of records that are not in a deletable state or whose parent forbids it
   (up to 3 per state present);
4. each with no context and with every context key the project's code reads (plus
   ``default_<field>`` of the guarded fields with the forged value, ``install_mode``,
   ``import_file``, ``tracking_disable``); the state write also with each key alone (as
   the administrator, one record to one target state, a closed one when there is one),
   creates also with each ``default_<guarded field>`` alone;
5. electronic signatures and audit trail rows: create, write (each field), delete as every
   Medical Devices group and the administrator; signing with a wrong password (a meaning
   the signer may sign; the lockout that three wrong passwords cause is lifted as it comes);
   changing each signed field of a validly signed record (refused, or the signature voided,
   as the model's ``sign_on_change`` says; a change the model allows is undone and the
   record signed again);
6. a user of another company holding every Medical Devices group searches, reads and
   writes records of the main company;
7. the state and transition-field writes again over JSON-RPC (one record per model), the
   error's data name being odoo.exceptions.UserError, AccessError or ValidationError.

An attempt succeeds (a forgery) if the call raised nothing and the data changed (read
back as the administrator), or a record was created or deleted. Refusals must be
UserError, AccessError or ValidationError; any other error fails as "refused with a
traceback". Each test prints its figures (``pytest -s``) and attaches them to the report
(``record_property``):

    forged transitions tried: N, succeeded: 0
    forged signatures tried: N, succeeded: 0
    forged audit rows tried: N, succeeded: 0
    cross-company access tried: N, succeeded: 0

Models with no record to attack are listed as gaps in the printed notes.
"""

import re

import pytest
from integrity_kit import LOG_ACCESS, MD_GROUPS, Session, Tally, run_parallel, states_of

WRONG_PASSWORD = "not-the-password"
COMPANY_B = "H3 Integrity Company B"
COMPANY_B_LOGIN = "forgery_company_b"


# --- helpers ---------------------------------------------------------------------------------


def contexts(world, model, record_id, defaults):
    """No context, then every key at once."""
    return [(None, "none"), (world.all_keys(model, record_id, defaults), "all keys")]


def write_attack(
    world, tally, session, model, record_id, name, value, what, snap, context, label, json_rpc=False
):
    """Write one field; a forgery if its value then differs from the snapshot."""
    if (model, record_id) in world.gone:
        return

    def changed(_result):
        after = world.snapshot(model, [record_id], [name]).get(record_id, {}).get(name)
        before = snap[record_id][name]
        if after == before:
            return None
        snap[record_id][name] = after
        return f"{name} changed from {before!r} to {after!r}"

    tally.attempt(
        session,
        model,
        "write",
        ([record_id], {name: value}),
        what,
        context=context,
        context_label=label,
        changed=changed,
        json_rpc=json_rpc,
    )


def created(world, model):
    def check(result):
        record_id = result[0] if isinstance(result, list) else result
        return f"record {record_id} created" if record_id and world.exists(model, record_id) else None

    return check


def deleted(world, model, record_id):
    def check(_result):
        if world.exists(model, record_id):
            return None
        with world.lock:
            world.gone.add((model, record_id))
        return f"record {record_id} deleted"

    return check


def content_fields(world, model):
    """What a closed state freezes: stored fields but bookkeeping, chatter, signatures and
    the declared editable fields (md.workflow.mixin._md_content_fields)."""
    spec = world.spec(model)
    free = LOG_ACCESS | world.non_content | set(spec["editable_fields"])
    return sorted(
        name for name, field in world.fields[model].items() if field.get("store") and name not in free
    )


def stored_fields(world, model):
    return [
        name for name, field in world.fields[model].items() if field.get("store") and name != "display_name"
    ]


# --- 1-4: writes, creates, deletions ------------------------------------------------------------


def attack_writes(world, tally, model, json_rpc=False):
    spec = world.spec(model)
    state_field = spec["state_field"]
    states = states_of(spec)
    if not world.records[model]:
        if not json_rpc:
            tally.note(f"gap: {model} has no record to attack (writes and deletions untested)")
        return
    one_each = world.samples(model, per_group=1)
    samples = one_each[:1] if json_rpc else world.samples(model, per_group=3)
    snap = world.snapshot(model, [record["id"] for record in samples], stored_fields(world, model))
    samples = [record for record in samples if record["id"] in snap]
    one_each = [record for record in one_each if record["id"] in snap]
    if not samples:
        return
    writers = world.users_for(model, "write")

    def each(record, name, value, what, state=None):
        current = {key: snap[record["id"]].get(key, False) for key in spec["transition_fields"]}
        defaults = world.guarded_defaults(model, current, state)
        if name in defaults or name in spec["create_only_fields"]:
            defaults[name] = value
        for session in writers:
            for context, label in contexts(world, model, record["id"], defaults):
                write_attack(
                    world,
                    tally,
                    session,
                    model,
                    record["id"],
                    name,
                    value,
                    what,
                    snap,
                    context,
                    label,
                    json_rpc,
                )

    # 1. the state, to every other state
    if state_field:
        for record in samples:
            current = snap[record["id"]][state_field]
            for state in states:
                if state != current:
                    each(
                        record,
                        state_field,
                        state,
                        f"write {state_field}={state!r} on #{record['id']} ({current})",
                        state,
                    )
    # 1. transition-only fields
    for record in samples if json_rpc else one_each:
        for name in spec["transition_fields"]:
            value = world.forged(model, name, snap[record["id"]].get(name, False))
            if value is not None:
                each(record, name, value, f"write transition field {name}={value!r} on #{record['id']}")
    if json_rpc:
        return
    # 4. the state with each context key alone, as the administrator: one record (an open one
    # when there is one) to one target state (a closed one when there is one)
    if state_field and one_each:
        record = min(one_each, key=lambda record: (world.closed(model, record), record["id"]))
        current = snap[record["id"]][state_field]
        targets = [state for state in states if state != current]
        closed = [state for state in targets if state in spec["closed_states"]]
        target = (closed or targets or [None])[-1]
        for key in world.keys if target else ():
            value = key_alone_value(world, model, record["id"], key, target)
            if value is not None:
                write_attack(
                    world,
                    tally,
                    world.admin,
                    model,
                    record["id"],
                    state_field,
                    target,
                    f"write {state_field}={target!r} on #{record['id']} ({current})",
                    snap,
                    {key: value},
                    f"key {key}",
                )
    # 1. create-only fields after creation (fixed whatever the state: one record, an open one
    # when there is one, so that only this guard can refuse)
    for record in sorted(one_each, key=lambda record: (world.closed(model, record), record["id"]))[:1]:
        for name in spec["create_only_fields"]:
            value = world.forged(model, name, snap[record["id"]].get(name, False))
            if value is not None:
                each(record, name, value, f"write create-only field {name}={value!r} on #{record['id']}")
    # 1. content of a closed record (one per model: every closed state freezes the same content;
    # a record closed by its own state rather than by its parent's when there is one)
    guarded = {state_field, *spec["transition_fields"], *spec["create_only_fields"]}
    closed_records = [record for record in one_each if world.closed(model, record)]
    closed_records.sort(key=lambda record: world.state(model, record) not in spec["closed_states"])
    for record in closed_records[:1]:
        for name in content_fields(world, model):
            if name in guarded:
                continue
            value = world.forged(model, name, snap[record["id"]].get(name, False))
            if value is not None:
                each(record, name, value, f"write {name}={value!r} on closed #{record['id']}")
    for name, allowed in sorted(spec["field_states"].items()):
        for record in one_each:
            if world.closed(model, record) or snap[record["id"]].get(state_field) in allowed:
                continue
            value = world.forged(model, name, snap[record["id"]].get(name, False))
            if value is not None:
                state = snap[record["id"]].get(state_field)
                each(record, name, value, f"write {name}={value!r} on #{record['id']} in state {state!r}")


def key_alone_value(world, model, record_id, key, state):
    """The value of one context key sent alone: ``default_<field>`` forged for a field of the
    model (None for a default of another model's field), else a plausible value."""
    if not key.startswith("default_"):
        return world.context_value(key, model, record_id)
    name = key[len("default_") :]
    value = world.guarded_defaults(model, {}, state).get(name)
    return world.forged(model, name, False) if value is None else value


def attack_deletions(world, tally, model):
    records = [record for record in world.alive(model) if world.undeletable(model, record)]
    if world.records[model] and not records:
        tally.note(f"gap: {model} has no undeletable record (deletion untested)")
    forged = False
    for record in world.samples(model, per_group=3, records=records):
        defaults = world.guarded_defaults(model, {})
        for session in world.users_for(model, "unlink"):
            for context, label in contexts(world, model, record["id"], defaults):
                if (model, record["id"]) in world.gone:
                    break
                tally.attempt(
                    session,
                    model,
                    "unlink",
                    ([record["id"]],),
                    f"delete #{record['id']} ({world.state(model, record)})",
                    context=context,
                    context_label=label,
                    changed=deleted(world, model, record["id"]),
                )
                forged = forged or ((model, record["id"]) in world.gone and context is not None)
    if forged:
        find_culprit_key(
            world, tally, model, [record for record in records if (model, record["id"]) not in world.gone]
        )


def find_culprit_key(world, tally, model, records):
    """After a deletion went through with every context key: which key alone does it (as the
    administrator, on the records left)? Only run when a forgery was found."""
    records = list(records)
    for key in world.keys:
        if not records:
            return
        record = records[0]
        value = key_alone_value(world, model, record["id"], key, None)
        if value is None:
            continue
        tally.attempt(
            world.admin,
            model,
            "unlink",
            ([record["id"]],),
            f"delete #{record['id']} ({world.state(model, record)}), to find the key",
            context={key: value},
            context_label=f"key {key}",
            changed=deleted(world, model, record["id"]),
        )
        if (model, record["id"]) in world.gone:
            records.pop(0)


def unique_columns(world, model):
    rows = world.admin(
        "ir.model.constraint",
        "search_read",
        [("model", "=", model), ("type", "=", "u")],
        fields=["definition"],
    )
    columns = []
    for row in rows:
        found = re.search(r"unique\s*\(([^)]*)\)", row["definition"] or "", re.IGNORECASE)
        if found:
            columns.append([column.strip() for column in found.group(1).split(",")])
    return columns


def base_values(world, model, source, suffix_every_char, with_many2many):
    """Values of a new record copied from ``source``: stored, writable, not one2many, not
    guarded; char fields made unique with a suffix; unique constraints on relations satisfied
    with other ids. Returns (values, suffix) or (None, None)."""
    spec = world.spec(model)
    guarded = {spec["state_field"], *spec["transition_fields"]}
    uniques = unique_columns(world, model)
    unique_names = {name for columns in uniques for name in columns}
    tag = world.tag()
    skipped = ("one2many", "reference", "json", "properties") + (() if with_many2many else ("many2many",))
    vals = {}
    for name, field in world.fields[model].items():
        if not field.get("store") or name in LOG_ACCESS or name in world.non_content or name in guarded:
            continue
        if field["type"] in skipped or (field.get("readonly") and not field.get("required")):
            continue
        value = source.get(name, False)
        if field["type"] == "many2one":
            value = value and value[0]
        elif field["type"] == "many2many":
            value = [(6, 0, value)] if value else False
        if value is False and field["type"] != "boolean":
            continue
        if field["type"] == "char" and (suffix_every_char or name in unique_names or name == "name"):
            value = f"{value} {tag}"
        vals[name] = value
    for columns in uniques:
        if any(world.fields[model].get(name, {}).get("type") == "char" and name in vals for name in columns):
            continue
        if not satisfy_unique(world, model, vals, columns):
            return None, None
    return vals, tag


def renewed(world, vals, tag):
    """The values with a fresh unique suffix (each create attempt its own)."""
    fresh = world.tag()
    return {
        name: value.replace(tag, fresh) if isinstance(value, str) and tag in value else value
        for name, value in vals.items()
    }


def satisfy_unique(world, model, vals, columns):
    domain = [(name, "=", vals.get(name, False)) for name in columns]
    if not world.admin(model, "search_count", domain, context={"active_test": False}):
        return True
    for name in columns:
        field = world.fields[model].get(name, {})
        if field.get("type") != "many2one":
            continue
        for candidate in world.admin(field["relation"], "search", [], limit=40, order="id desc"):
            trial = {**vals, name: candidate}
            domain = [(column, "=", trial.get(column, False)) for column in columns]
            if not world.admin(model, "search_count", domain, context={"active_test": False}):
                vals[name] = candidate
                return True
    return False


def control_create(world, tally, model):
    """Base values for creates, copied from an existing record and proven valid by one create
    as the administrator (deleted afterwards when the model allows it, otherwise left).
    Returns (values, suffix, source id), or None. When the ACL lets nobody create the model
    (the administrator included), the unproven values are returned: every create is refused."""
    records = sorted(
        world.alive(model),
        key=lambda record: (world.closed(model, record), world.undeletable(model, record), record["id"]),
    )
    if not records:
        tally.note(f"gap: {model} has no record to copy base values from (creates untested)")
        return None
    error, refused_by_acl = "", None
    for record in records[:3]:
        source = world.admin(model, "read", [record["id"]], context={"active_test": False})[0]
        for suffix_every_char, with_many2many in ((True, False), (True, True), (False, True)):
            vals, tag = base_values(world, model, source, suffix_every_char, with_many2many)
            if vals is None:
                error = "no free combination for a unique constraint"
                continue
            outcome = world.admin.try_call(model, "create", vals)
            if not outcome.raised:
                world.admin.try_call(model, "unlink", [outcome.result])
                return vals, tag, record["id"]
            error = f"{outcome.name}: {outcome.message.splitlines()[0] if outcome.message else ''}"
            if not outcome.clear:
                tally.tracebacks.append(f"{model} | admin | control create from #{record['id']} | {error}")
            if outcome.name == "AccessError" and not world.group_may_any(model, "create"):
                refused_by_acl = (vals, tag, record["id"])
                break
        if refused_by_acl:
            tally.note(f"{model}: the ACL lets nobody create it (forged creates tried as the administrator)")
            return refused_by_acl
    tally.note(f"gap: {model}: no valid base values for creates (control create refused: {error[:200]})")
    return None


def attack_creates(world, tally, model):
    spec = world.spec(model)
    state_field = spec["state_field"]
    control = control_create(world, tally, model)
    if control is None:
        return
    base, tag, source_id = control
    creators = world.users_for(model, "create")
    later = [state for state in states_of(spec) if state != spec["initial_state"]] if state_field else []
    variants = [(f"create in state {state!r}", state_field, state, state) for state in later]
    for name in spec["transition_fields"]:
        value = world.forged(model, name, False)
        if value is not None:
            variants.append((f"create with {name}={value!r}", name, value, None))
    for what, name, value, state in variants:
        defaults = world.guarded_defaults(model, {}, state)
        defaults[name] = value
        for session in creators:
            for context, label in contexts(world, model, source_id, defaults):
                tally.attempt(
                    session,
                    model,
                    "create",
                    ({**renewed(world, base, tag), name: value},),
                    what,
                    context=context,
                    context_label=label,
                    changed=created(world, model),
                )
    # the guarded values given only as context defaults
    for name, value in world.guarded_defaults(model, {}).items():
        if value is None:
            continue
        for session in creators:
            tally.attempt(
                session,
                model,
                "create",
                (renewed(world, base, tag),),
                f"create with default_{name}={value!r} in the context",
                context={f"default_{name}": value},
                context_label=f"key default_{name}",
                changed=created(world, model),
            )


def attack_model(world, tally, model):
    attack_writes(world, tally, model)
    attack_creates(world, tally, model)
    attack_deletions(world, tally, model)


def test_forged_transitions(world, record_property):
    tally = Tally("forged transitions")
    run_parallel(lambda model: attack_model(world, tally, model), world.models)
    # 7. the state and transition-field writes again over JSON-RPC
    run_parallel(lambda model: attack_writes(world, tally, model, json_rpc=True), world.models)
    tally.report(record_property)


# --- 5: signatures ------------------------------------------------------------------------------


def signature_rules(world):
    return world.admin(
        "md.signature.rule",
        "search_read",
        [("model", "in", world.models)],
        fields=["model", "meaning_code", "group_ids"],
        order="model, id",
    )


def rule_groups(world, rule):
    return [world.group_xmlid[group] for group in rule["group_ids"] if group in world.group_xmlid]


def signatures_of(world, model, record_id, valid_only=False):
    domain = [("res_model", "=", model), ("res_id", "=", record_id)]
    if valid_only:
        domain.append(("voided", "=", False))
    return world.admin("md.signature", "search", domain)


def unlock(world, session):
    """Lift a signing lockout of the user (the administrator is a security manager)."""
    locked = world.admin(
        "md.signature.lockout", "search", [("user_id", "=", session.uid), ("state", "=", "locked")]
    )
    if locked:
        world.admin("md.signature.lockout", "action_unlock", locked)


def attack_wrong_passwords(world, tally, rules, group, models):
    """Sign a record of each model with a wrong password, as the attacker of ``group``: refused,
    no signature left. Records and meanings are tried until the credential check is reached (a
    request refused before it, e.g. for the record's state, counts as an attempt too). Three
    wrong passwords lock the signer out: the lockout is lifted and the attacks go on."""
    session = world.attacker(group)
    unlock(world, session)
    reached = 0
    for model in models:
        candidates = sorted(
            world.alive(model), key=lambda record: (world.closed(model, record), record["id"])
        )
        if not candidates:
            tally.note(f"gap: {model} has no record to sign with a wrong password")
            continue
        model_rules = [rule for rule in rules if rule["model"] == model and group in rule_groups(world, rule)]
        reached_model, refusal = 0, ""
        for context, label in contexts(world, model, candidates[0]["id"], {}):
            for rule, record in ((rule, record) for rule in model_rules for record in candidates[:3]):
                outcome = wrong_password_attempt(
                    world, tally, session, model, rule, record["id"], context, label
                )
                if "locked for your account" in outcome.message or "now locked" in outcome.message:
                    unlock(world, session)
                if "wrong login or password" in outcome.message.lower():
                    reached_model += 1
                    break
                refusal = (outcome.message or outcome.name).splitlines()[0][:120]
        if not reached_model:
            tally.note(f"gap: {model}: no wrong-password signing reached the credential check ({refusal})")
        reached += reached_model
    return reached


def wrong_password_attempt(world, tally, session, model, rule, record_id, context, label):
    before = len(signatures_of(world, model, record_id))

    def left_signature(_result):
        after = len(signatures_of(world, model, record_id))
        return f"signed with a wrong password ({before} -> {after} signatures)"

    outcome = tally.attempt(
        session,
        model,
        "md_sign",
        ([record_id], rule["meaning_code"], WRONG_PASSWORD, "Forged signature"),
        f"md_sign #{record_id} as {rule['meaning_code']!r} with a wrong password",
        context=context,
        context_label=label,
        changed=left_signature,
    )
    if outcome.raised and len(signatures_of(world, model, record_id)) != before:
        tally.forgeries.append(
            f"{model} | {session.label} | a refused md_sign left a signature on #{record_id}"
        )
    return outcome


def obtain_signature(world, rules, model):
    """A record of ``model`` with a valid signature: an existing one, else a legitimate signing.
    Returns (record id, valid signature ids) or (None, why not)."""
    for signature in world.admin(
        "md.signature", "search_read", [("res_model", "=", model), ("voided", "=", False)], fields=["res_id"]
    ):
        if world.exists(model, signature["res_id"]):
            return signature["res_id"], signatures_of(world, model, signature["res_id"], valid_only=True)
    reason = "no signature rule" if world.records[model] else "no record"
    candidates = sorted(world.alive(model), key=lambda record: (world.closed(model, record), -record["id"]))
    for rule in (rule for rule in rules if rule["model"] == model):
        groups = rule_groups(world, rule)
        if not groups:
            continue
        signer = world.attacker(groups[0])
        unlock(world, signer)
        for record in candidates[:4]:
            outcome = signer.try_call(
                model,
                "md_sign",
                [record["id"]],
                rule["meaning_code"],
                signer.password,
                "Integrity suite: a legitimate signature to attack",
            )
            if not outcome.raised:
                return record["id"], signatures_of(world, model, record["id"], valid_only=True)
            first_line = outcome.message.splitlines()[0] if outcome.message else outcome.name
            reason = f"{rule['meaning_code']}: {first_line}"
    return None, reason


def attack_signed_content(world, tally, rules, model):
    """Change each signed field of a validly signed record: refused, or (sign_on_change "void")
    the signatures voided. A change the model allows is not repeated by the other users: it is
    undone, the record signed again, and the next field attacked."""
    spec = world.spec(model)
    record_id, signatures = obtain_signature(world, rules, model)
    if record_id is None:
        tally.note(f"gap: {model}: no validly signed record to attack ({signatures[:160]})")
        return
    writers = world.users_for(model, "write")
    names = [name for name in spec["signed_fields"] if name in world.fields[model]]
    for name in names:
        snap = world.snapshot(model, [record_id], [name])
        before = snap[record_id][name]
        value = world.forged(model, name, before)
        if value is None:
            continue
        verdict = {}

        def changed(_result, rid=record_id, field=name, old=before, valid=signatures, verdict=verdict):
            after = world.snapshot(model, [rid], [field])[rid][field]
            if after == old:
                return None
            verdict["accepted"] = True
            if spec["sign_on_change"] == "refuse":
                return f"signed field {field} changed ({old!r} -> {after!r}), sign_on_change is refuse"
            kept = world.admin("md.signature", "search", [("id", "in", valid), ("voided", "=", False)])
            if kept:
                return f"signed field {field} changed ({old!r} -> {after!r}), signatures {kept} kept"
            return None

        for session in writers:
            for context, label in contexts(world, model, record_id, world.guarded_defaults(model, {})):
                if verdict:
                    break
                tally.attempt(
                    session,
                    model,
                    "write",
                    ([record_id], {name: value}),
                    f"change signed field {name}={value!r} of signed #{record_id}",
                    context=context,
                    context_label=label,
                    changed=changed,
                )
        if verdict:
            restore(world, model, record_id, name, before)
            if not signatures_of(world, model, record_id, valid_only=True):
                record_id, signatures = obtain_signature(world, rules, model)
                if record_id is None:
                    tally.note(f"gap: {model}: not signed again after a voiding change ({signatures[:120]})")
                    return


def restore(world, model, record_id, name, value):
    """Put back a value an allowed change replaced (binaries are read by size: left)."""
    kind = world.fields[model][name]["type"]
    if kind == "binary":
        return
    if kind in ("one2many", "many2many"):
        value = [(6, 0, value)]
    world.admin.try_call(model, "write", [record_id], {name: value})


def attack_rows(world, tally, model, users, targets, create_vals, fields_of=None):
    """Create, write (each stored field, or ``fields_of(target)``) and delete rows of an
    append-only model."""
    names = [name for name in stored_fields(world, model) if name not in LOG_ACCESS]

    def attack_field(job):
        target, name, snap = job
        value = world.forged(model, name, snap[target][name])
        if value is None:
            return
        for session in users:
            for context, label in contexts(world, model, target, {}):
                what = f"write {name}={value!r} on #{target}"
                write_attack(world, tally, session, model, target, name, value, what, snap, context, label)

    jobs = []
    for target in targets:
        snap = world.snapshot(model, [target], names)
        jobs += [(target, name, snap) for name in (fields_of(target) if fields_of else names)]
    run_parallel(attack_field, jobs)
    for target in targets:
        for session in users:
            for context, label in contexts(world, model, target, {}):
                tally.attempt(
                    session,
                    model,
                    "unlink",
                    ([target],),
                    f"delete #{target}",
                    context=context,
                    context_label=label,
                    changed=deleted(world, model, target),
                )
    for what, vals in create_vals:
        for session in users:
            for context, label in contexts(world, model, targets[0] if targets else False, {}):
                tally.attempt(
                    session,
                    model,
                    "create",
                    (vals,),
                    what,
                    context=context,
                    context_label=label,
                    changed=created(world, model),
                )


def copied_vals(world, model, row, skip=()):
    vals = {}
    for name, value in row.items():
        field = world.fields[model].get(name)
        if not field or not field.get("store") or name in LOG_ACCESS or name in skip:
            continue
        vals[name] = value[0] if field["type"] == "many2one" and value else value
    return vals


def test_forged_signatures(world, record_property):
    tally = Tally("forged signatures")
    rules = signature_rules(world)
    users = [world.admin] + [world.attacker(group) for group in MD_GROUPS]
    tally.lap("users")
    # each model once, by the first group of its first rule; one thread per signer
    by_group = {}
    for model in sorted({rule["model"] for rule in rules}):
        groups = rule_groups(world, next(rule for rule in rules if rule["model"] == model))
        if groups:
            by_group.setdefault(groups[0], []).append(model)
    jobs = sorted(by_group.items())
    reached = sum(run_parallel(lambda job: attack_wrong_passwords(world, tally, rules, *job), jobs))
    tally.note(f"wrong-password signings that reached the credential check: {reached}")
    tally.lap("wrong passwords")
    signable = [model for model in world.models if world.spec(model)["signed_fields"]]
    for model in signable:  # sequential: allowed changes and signings write shared rows
        attack_signed_content(world, tally, rules, model)
        tally.lap(f"signed content {model}")
    valid = world.admin("md.signature", "search", [("voided", "=", False)], limit=1, order="id desc")
    voided = world.admin("md.signature", "search", [("voided", "=", True)], limit=1, order="id desc")
    if not valid:
        tally.note("gap: md.signature: no signature to change or delete")
    create_vals = []
    if valid:
        row = world.admin("md.signature", "read", valid)[0]
        vals = copied_vals(world, "md.signature", row)
        create_vals = [
            ("create a copy of a signature", {**vals, "reason": "Forged"}),
            ("create a signature of another record", {**vals, "res_id": row["res_id"] + 1}),
        ]
    # every field of a valid signature; the voiding fields of a voided one (un-voiding it)
    void_fields = ["voided", "voided_at", "void_reason"]
    names = [name for name in stored_fields(world, "md.signature") if name not in LOG_ACCESS]
    attack_rows(
        world,
        tally,
        "md.signature",
        users,
        valid + voided,
        create_vals,
        fields_of=lambda target: void_fields if target in voided else names,
    )
    tally.lap("signature rows")
    tally.report(record_property)


# --- 5: audit trail rows ------------------------------------------------------------------------


def test_forged_audit_rows(world, record_property):
    tally = Tally("forged audit rows")
    users = [world.admin] + [world.attacker(group) for group in MD_GROUPS]
    before = world.admin("md.audit.entry", "verify_chain")
    linked = world.admin(
        "md.audit.entry", "search", [("chain_position", "!=", False)], limit=1, order="id desc"
    )
    if not linked:
        tally.note("gap: md.audit.entry: no linked entry to change or delete")
    create_vals = []
    if linked:
        row = world.admin("md.audit.entry", "read", linked)[0]
        chain = ("chain_position", "prev_hash", "entry_hash")
        vals = copied_vals(world, "md.audit.entry", row, skip=chain)
        create_vals = [
            ("create an entry", {**vals, "new_value": "forged"}),
            ("create an entry with a chain position", {**vals, **{name: row[name] for name in chain}}),
        ]
    attack_rows(world, tally, "md.audit.entry", users, linked, create_vals)
    after = world.admin("md.audit.entry", "verify_chain")
    if before["ok"] and not after["ok"]:
        tally.forgeries.append(f"md.audit.entry | - | the hash chain broke during the attacks: {after}")
    tally.note(f"audit chain before: {before}, after: {after}")
    tally.report(record_property)


# --- 6: another company -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def company_b_user(server, admin, world):
    """A user of company B only, holding every Medical Devices group."""
    companies = admin("res.company", "search", [("name", "=", COMPANY_B)])
    company_b = companies[0] if companies else admin("res.company", "create", {"name": COMPANY_B})
    password = COMPANY_B_LOGIN + "-Pw1!"
    if not admin("res.users", "search", [("login", "=", COMPANY_B_LOGIN)], context={"active_test": False}):
        admin(
            "res.users",
            "create",
            {
                "name": "Forgery Company B",
                "login": COMPANY_B_LOGIN,
                "password": password,
                "company_id": company_b,
                "company_ids": [(6, 0, [company_b])],
                "groups_id": [(6, 0, [world.group_id[group] for group in MD_GROUPS])],
            },
        )
    rpc = type(admin)(server["url"], server["db"], COMPANY_B_LOGIN, password)
    return company_b, Session.of(rpc, "company B user (every Medical Devices group)")


def pick_write_field(world, model):
    spec = world.spec(model) if model in world.specs else None
    guarded = (
        {spec["state_field"], *spec["transition_fields"], *spec["create_only_fields"]} if spec else set()
    )
    names = [
        name
        for name in stored_fields(world, model)
        if name not in guarded | LOG_ACCESS | world.non_content and name != "company_id"
    ]
    for kinds in (("char", "text"), ("boolean", "integer", "float", "date", "datetime", "many2one")):
        for name in names:
            if world.fields[model][name]["type"] in kinds:
                return name
    return None


def attack_other_company(world, tally, company_b, session, model):
    a_ids = world.admin(
        model,
        "search",
        [("company_id", "=", world.main_company)],
        limit=3,
        order="id desc",
        context={"active_test": False},
    )
    if not a_ids:
        tally.note(f"gap: {model} has no record of the main company (cross-company untested)")
        return
    if model in world.by_id:
        a_ids.sort(
            key=lambda record_id: world.closed(model, world.by_id[model].get(record_id, {"id": record_id}))
        )
    name = pick_write_field(world, model)
    snap = world.snapshot(model, a_ids[:1], [name]) if name else {}
    variants = [
        (None, "none"),
        ({"active_test": False}, "active_test=False"),
        ({"allowed_company_ids": [company_b, world.main_company]}, "allowed_company_ids=[B, main]"),
    ]
    for context, label in variants:
        tally.attempt(
            session,
            model,
            "search",
            ([("id", "in", a_ids)],),
            f"search main-company records {a_ids}",
            context=context,
            context_label=label,
            changed=lambda result: f"found {result}" if result else None,
        )
        tally.attempt(
            session,
            model,
            "read",
            (a_ids, ["display_name"]),
            f"read main-company records {a_ids}",
            context=context,
            context_label=label,
            changed=lambda result: f"read {[row['id'] for row in result]}" if result else None,
        )
        if name:
            value = world.forged(model, name, snap[a_ids[0]][name])
            write_attack(
                world,
                tally,
                session,
                model,
                a_ids[0],
                name,
                value,
                f"write {name}={value!r} on main-company #{a_ids[0]}",
                snap,
                context,
                label,
            )


def test_cross_company_access(world, company_b_user, record_property):
    tally = Tally("cross-company access")
    company_b, session = company_b_user
    models = [*world.models, "md.signature", "md.audit.entry"]
    run_parallel(lambda model: attack_other_company(world, tally, company_b, session, model), models)
    tally.report(record_property)
