from . import md_lot_hold_wizard
from . import md_udi_export
from . import md_scan_count
from . import md_label_print
from . import md_label_print_line
from . import md_env_reading_upload
from . import md_env_record_print
