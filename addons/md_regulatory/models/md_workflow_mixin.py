import contextlib
import contextvars

from odoo import models
from odoo.exceptions import UserError

# Set while one of our workflow methods writes lifecycle fields. An RPC caller
# cannot set a context variable, so its write() never passes for a transition.
_IN_TRANSITION = contextvars.ContextVar("md_workflow_in_transition", default=False)


@contextlib.contextmanager
def workflow_transition():
    """Lets the writes inside the block change lifecycle fields."""
    token = _IN_TRANSITION.set(True)
    try:
        yield
    finally:
        _IN_TRANSITION.reset(token)


def in_workflow_transition():
    return _IN_TRANSITION.get()


class MdWorkflowMixin(models.AbstractModel):
    """The lifecycle of a regulated record: its state moves only through its
    workflow methods, in the permitted order (21 CFR 11.10(f): operational
    checks enforce the permitted sequencing of steps; ISO 13485:2016 4.2.5),
    never through a plain write from a form or an RPC call."""

    _name = "md.workflow.mixin"
    _description = "Regulated Record Lifecycle"

    def _md_write_workflow(self, vals):
        """Write lifecycle fields: only the record's workflow methods call this."""
        with workflow_transition():
            self.write(vals)

    def _md_check_state(self, allowed, action):
        """Refuse ``action`` (a translated label) on the records not in an ``allowed`` state."""
        wrong = self.filtered(lambda record: record.state not in allowed)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(action)s is not possible for %(records)s (state: %(states)s).",
                    action=action,
                    records=", ".join(wrong.mapped("display_name")),
                    states=", ".join(labels[state] for state in sorted(set(wrong.mapped("state")))),
                )
            )
