from . import md_gate_override_wizard
from . import md_gate_override_wizard_line
from . import md_recall_hold_release
from . import md_recall_report_export
from . import md_recall_contact_wizard
from . import stock_return_picking
from . import md_validation_report_import
