from . import test_security_groups
from . import test_workflow_mixin
from . import test_working_days
from . import test_signable_mixin
from . import test_audit_trail
from . import test_retention
from . import test_event_outbox
from . import test_row_lock
