from . import test_workflow_mixin
from . import test_working_days
