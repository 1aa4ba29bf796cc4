"""The lifecycle guard of regulated records.

21 CFR 11.10(f): operational system checks enforce the permitted sequencing of
steps; ISO 13485:2016 4.2.5: quality records remain legible, identifiable and
retrievable, and changes to them are identifiable. A regulated record moves
through its states only by its workflow methods, whatever the path a caller
takes (form, XML-RPC, JSON-RPC, context keys, another company).

A model adopts the guard with ``_inherit = [..., "md.workflow.mixin"]`` and
declarations, and writes no guard of its own:

- ``_md_state_field``: the lifecycle state (default ``"state"``; ``None`` for
  a line that has no state of its own and follows its parent);
- ``_md_transition_fields``: the fields, besides the state, that only its
  transitions write (who decided, when, the outcome...);
- ``_md_create_only_fields``: fixed once the record exists;
- ``_md_closed_states``: states in which the record is read-only;
- ``_md_editable_fields``: fields that stay editable in a closed state;
- ``_md_field_states``: ``{field: states}`` for fields editable only in some
  states (the content of a document, fixed once it leaves draft);
- ``_md_deletable_states``: states in which the record may be deleted
  (default: its first state only; ``()``: never); a line without a state is
  kept once one of its transition fields is set;
- ``_md_parent_field``: for a line of a regulated record (a CAPA action, an
  NCR disposition...): the line is read-only, and cannot be added or deleted,
  once its parent is closed;
- ``_md_parent_states``: the parent's states in which its lines can be
  added, changed or deleted (default: added and changed while the parent is
  not closed, deleted only while it is in its first state).

Transitions are opened only by server code: ``with records._md_transition():``
or ``records._md_write_transition(vals)`` inside a workflow method, and
``Model._md_create_transition(vals_list)`` for a record created in a later
state. The open transitions live in a context variable: no context key, value,
default or RPC argument can open one, and a transition opens only the records
it names (and their lines).

Every regulated record also gets records retention (``md.retention.mixin``):
the retention policies of its model keep it, undeletable and unarchivable,
for its period (ISO 13485:2016 4.2.5).
"""

import contextlib
import contextvars

from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.models import LOG_ACCESS_COLUMNS

from .module_data import module_data_uninstalling

# {model name: frozenset of ids, or None for every record of the model (creation)}
_OPEN_TRANSITIONS = contextvars.ContextVar("md_open_transitions", default=None)
# Fields of these models never make a record's content (chatter, activities, signatures).
NON_CONTENT_MODELS = (
    "mail.thread",
    "mail.activity.mixin",
    "mail.thread.main.attachment",
    "md.signable.mixin",
)


@contextlib.contextmanager
def _opened(model_name, ids):
    opened = dict(_OPEN_TRANSITIONS.get() or {})
    if ids is None or opened.get(model_name, frozenset()) is None:
        opened[model_name] = None
    else:
        opened[model_name] = opened.get(model_name, frozenset()) | frozenset(ids)
    token = _OPEN_TRANSITIONS.set(opened)
    try:
        yield
    finally:
        _OPEN_TRANSITIONS.reset(token)


def _is_open(records):
    opened = _OPEN_TRANSITIONS.get() or {}
    if records._name not in opened:
        return False
    ids = opened[records._name]
    return ids is None or set(records._ids) <= ids


class MdWorkflowMixin(models.AbstractModel):
    _name = "md.workflow.mixin"
    _description = "Regulated Record Lifecycle"
    _inherit = ["md.retention.mixin"]

    _md_state_field = "state"
    _md_transition_fields = ()
    _md_create_only_fields = ()
    _md_closed_states = ()
    _md_editable_fields = ()
    _md_field_states = {}
    _md_deletable_states = None
    _md_parent_field = None
    _md_parent_states = None

    # --- opening transitions (server code only) -------------------------------

    def _md_transition(self):
        """Context manager: the writes inside it may change these records' lifecycle fields."""
        return _opened(self._name, self.ids)

    def _md_write_transition(self, vals):
        """Write lifecycle fields: only the record's workflow methods call this."""
        with self._md_transition():
            return self.write(vals)

    @api.model
    def _md_create_transition(self, vals_list):
        """Create records in a later state or with lifecycle fields (workflow methods only)."""
        with _opened(self._name, None):
            return self.create(vals_list)

    def _md_in_transition(self):
        """Whether a transition of these records, or of their parents, is under way."""
        if _is_open(self):
            return True
        parents = self[self._md_parent_field] if self._md_parent_field else None
        return bool(parents) and _is_open(parents)

    # --- declarations -------------------------------------------------------------

    @api.model
    def _md_guarded_fields(self):
        """The state and the transition-only fields."""
        state = {self._md_state_field} if self._md_state_field else set()
        return state | set(self._md_transition_fields)

    @api.model
    def _md_initial_state(self):
        """The first state: the state field's default, else its first value."""
        if not self._md_state_field:
            return None
        field = self._fields[self._md_state_field]
        if field.default and not field.compute:
            return field.default(self.browse())
        return field.get_values(self.env)[0]

    @api.model
    def _md_content_fields(self):
        """Stored fields that make the record's content (what a closed state freezes)."""
        free = set(LOG_ACCESS_COLUMNS) | {"id"} | set(self._md_editable_fields)
        for model_name in NON_CONTENT_MODELS:
            if model_name in self.env:
                free |= set(self.env[model_name]._fields)
        return {name for name, field in self._fields.items() if field.store and name not in free}

    def _md_state_in(self, states):
        return (
            self.filtered(lambda record: record[self._md_state_field] in states)
            if self._md_state_field
            else self.browse()
        )

    def _md_closed(self):
        """The records that are closed, themselves or through their parent."""
        closed = self._md_state_in(self._md_closed_states)
        parents = self[self._md_parent_field] if self._md_parent_field else None
        if hasattr(parents, "_md_closed"):
            frozen = parents._md_closed()
            if self._md_parent_states is not None:
                frozen |= parents - parents._md_state_in(self._md_parent_states)
            closed |= self.filtered(lambda record: record[self._md_parent_field] in frozen)
        return closed

    # --- create -------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not _is_open(self):
            self.browse().check_access("create")  # access rights answer before the lifecycle does
            self._md_check_create(vals_list)
        records = super().create(vals_list)
        if not records._md_in_transition():
            records._md_check_created()
        records._md_check_signed_parents()
        return records

    def _md_check_create(self, vals_list):
        """Refuse lifecycle values given at creation (in the values or as context defaults)."""
        initial = self._md_initial_state()
        state_computed = bool(self._md_state_field and self._fields[self._md_state_field].compute)
        defaults = {key[8:]: value for key, value in self.env.context.items() if key.startswith("default_")}
        for vals in vals_list:
            if self._md_parent_of_vals_in_transition(vals):
                continue
            values = {**defaults, **vals}
            given = {
                name
                for name in self._md_guarded_fields() & set(values)
                if values[name]
                and (name != self._md_state_field or state_computed or values[name] != initial)
            }
            if given:
                raise UserError(
                    self.env._(
                        "%(fields)s of a new %(model)s follow its workflow and cannot be set when creating "
                        "it.",
                        fields=self._md_field_labels(given),
                        model=self._description,
                    )
                )

    def _md_parent_of_vals_in_transition(self, vals):
        parent_id = self._md_parent_field and vals.get(self._md_parent_field)
        if not parent_id:
            return False
        return _is_open(self.env[self._fields[self._md_parent_field].comodel_name].browse(parent_id))

    def _md_check_created(self):
        state_field = self._md_state_field
        if state_field and not self._fields[state_field].compute:
            initial = self._md_initial_state()
            if self.filtered(lambda record: record[state_field] != initial):
                raise UserError(
                    self.env._(
                        "A new %(model)s starts as %(state)s and moves on only through its workflow.",
                        model=self._description,
                        state=self._md_state_label(initial),
                    )
                )
        self._md_check_parent_not_closed(self.env._("Adding lines"))

    def _md_check_parent_not_closed(self, action):
        closed = self._md_closed() if self._md_parent_field else None
        if closed:
            raise UserError(
                self.env._(
                    "%(action)s is not possible: %(parents)s no longer takes changes of its lines.",
                    action=action,
                    parents=", ".join(closed[self._md_parent_field]._md_closing_names()),
                )
            )

    def _md_closing_names(self):
        """Names of what closes these records: their own closed state, or the ancestor whose state
        no longer takes changes of its lines."""
        own = self._md_state_in(self._md_closed_states)
        names = own.sudo().mapped("display_name")
        parents = (self - own)[self._md_parent_field] if self._md_parent_field else None
        if hasattr(parents, "_md_closing_names"):
            if self._md_parent_states is not None:
                outside = parents - parents._md_state_in(self._md_parent_states)
                names += outside.sudo().mapped("display_name")
                parents -= outside
            names += parents._md_closing_names()
        return list(dict.fromkeys(names)) or self.sudo().mapped("display_name")

    def _md_check_signed_parents(self):
        """A line added to a signed record changes its signed content: the record's own rule
        refuses the change or voids its signatures (21 CFR 11.70)."""
        for model_name, field_name in self.env["md.signature"]._md_signed_references(self._name):
            field = self.env[model_name]._fields[field_name]
            if field.type == "one2many":
                parents = self.sudo()[field.inverse_name].filtered(lambda r, m=model_name: r._name == m)
                parents._md_check_signed_content()

    # --- write --------------------------------------------------------------------

    def write(self, vals):
        if self and not self._md_in_transition():
            self.browse().check_access("write")  # access rights answer before the lifecycle does
            self._md_check_write(vals)
        return super().write(vals)

    def _md_check_write(self, vals):
        changed = self._md_changed_fields(vals)
        forbidden = changed & self._md_guarded_fields()
        if forbidden:
            raise UserError(
                self.env._(
                    "%(fields)s of %(records)s change only through the workflow (its buttons or business "
                    "methods), never by editing the record.",
                    fields=self._md_field_labels(forbidden),
                    records=self._md_names(),
                )
            )
        frozen = changed & set(self._md_create_only_fields)
        if frozen:
            raise UserError(
                self.env._(
                    "%(fields)s of %(records)s are fixed once the record exists.",
                    fields=self._md_field_labels(frozen),
                    records=self._md_names(),
                )
            )
        self._md_check_field_states(changed)
        content = changed & self._md_content_fields()
        closed = self._md_closed() if content else self.browse()
        if closed:
            raise UserError(
                self.env._(
                    "%(records)s is closed: %(fields)s can no longer be changed.",
                    records=", ".join(closed._md_closing_names()),
                    fields=self._md_field_labels(content),
                )
            )

    def _md_check_field_states(self, changed):
        for name in sorted(changed & set(self._md_field_states)):
            allowed = self._md_field_states[name]
            wrong = self - self._md_state_in(allowed)
            if wrong:
                raise UserError(
                    self.env._(
                        "%(field)s of %(records)s can be changed only while it is %(states)s.",
                        field=self._md_field_labels([name]),
                        records=wrong._md_names(),
                        states=", ".join(self._md_state_label(state) for state in allowed),
                    )
                )

    def _md_changed_fields(self, vals):
        """The stored fields of ``vals`` whose value differs from the current one on some record."""
        changed = set()
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None or not field.store:
                continue
            if field.type in ("one2many", "many2many"):
                changed.add(name)
                continue
            for record in self:
                if field.convert_to_record(field.convert_to_cache(value, record), record) != record[name]:
                    changed.add(name)
                    break
        return changed

    def copy_data(self, default=None):
        # A copy starts a new lifecycle: it never inherits a decision.
        guarded = self._md_guarded_fields()
        return [
            {name: value for name, value in vals.items() if name not in guarded}
            for vals in super().copy_data(default=default)
        ]

    # --- unlink ---------------------------------------------------------------------

    @api.ondelete(at_uninstall=True)
    def _md_unlink_only_unused(self):
        if module_data_uninstalling(self):  # Odoo's uninstall flag alone is a context key
            return
        # ISO 13485 4.2.5: a quality record that has been used is kept, never deleted.
        if self._md_in_transition():
            return
        used = self._md_used() | self._md_closed() | self._md_parent_used()
        if used:
            raise UserError(
                self.env._(
                    "%(records)s cannot be deleted: a quality record is kept once it has left its first "
                    "state (ISO 13485 4.2.5). Cancel, withdraw or archive it instead.",
                    records=used._md_names(),
                )
            )
        self.env["md.signature"]._md_check_no_signed_dependents(self)

    def _md_used(self):
        """The records past their first state: with a state, those not in a deletable state;
        without one, those with a transition recorded."""
        if not self._md_state_field:
            return self.filtered(lambda record: any(record[name] for name in self._md_transition_fields))
        deletable = self._md_deletable_states
        if deletable is None:
            deletable = (self._md_initial_state(),)
        return self - self._md_state_in(deletable)

    def _md_parent_used(self):
        """The lines whose parent no longer lets them be deleted."""
        parents = self[self._md_parent_field] if self._md_parent_field else None
        if not hasattr(parents, "_md_used"):
            return self.browse()
        if self._md_parent_states is None:
            frozen = parents._md_used()
        else:
            frozen = parents - parents._md_state_in(self._md_parent_states)
        return self.filtered(lambda record: record[self._md_parent_field] in frozen)

    # --- messages and helpers ---------------------------------------------------------

    def _md_names(self):
        return ", ".join(self.sudo().mapped("display_name"))

    @api.model
    def _md_field_labels(self, names):
        return ", ".join(sorted(self._fields[name]._description_string(self.env) for name in names))

    @api.model
    def _md_state_label(self, state):
        return dict(self._fields[self._md_state_field]._description_selection(self.env)).get(state, state)

    def _md_check_state(self, allowed, action):
        """Refuse ``action`` (a translated label) on the records not in an ``allowed`` state."""
        wrong = self - self._md_state_in(allowed)
        if wrong:
            states = sorted(set(wrong.mapped(self._md_state_field)))
            raise UserError(
                self.env._(
                    "%(action)s is not possible for %(records)s (state: %(states)s).",
                    action=action,
                    records=wrong._md_names(),
                    states=", ".join(self._md_state_label(state) for state in states),
                )
            )

    @api.model
    def md_workflow_specs(self):
        """XML-RPC ``md_workflow_specs()`` -> ``{model: declarations}`` of every model adopting the
        lifecycle guard, read from the registry (validation evidence, the adversarial suite)."""
        if not self.env.user.has_group("md_base.group_md_user"):
            raise AccessError(self.env._("Only Medical Devices users can read the lifecycle declarations."))
        mixin = self.pool["md.workflow.mixin"]
        return {
            name: self.env[name]._md_workflow_spec()
            for name, model_class in sorted(self.pool.items())
            if issubclass(model_class, mixin) and not model_class._abstract and not model_class._transient
        }

    @api.model
    def _md_workflow_spec(self):
        """The declarations of this model, as plain data (tests and the adversarial suite)."""
        state_field = self._md_state_field
        signable = "md.signable.mixin" in self.env and isinstance(self, self.pool["md.signable.mixin"])
        return {
            "state_field": state_field,
            "initial_state": self._md_initial_state(),
            "states": self._fields[state_field].get_values(self.env) if state_field else [],
            "state_computed": bool(state_field and self._fields[state_field].compute),
            "transition_fields": sorted(self._md_transition_fields),
            "create_only_fields": sorted(self._md_create_only_fields),
            "closed_states": sorted(self._md_closed_states),
            "editable_fields": sorted(self._md_editable_fields),
            "field_states": {name: list(states) for name, states in self._md_field_states.items()},
            "deletable_states": None
            if self._md_deletable_states is None
            else list(self._md_deletable_states),
            "parent_field": self._md_parent_field,
            "parent_states": None if self._md_parent_states is None else list(self._md_parent_states),
            "signed_fields": list(self._md_signed_fields) if signable else [],
            "sign_on_change": self._md_sign_on_change if signable else None,
        }
