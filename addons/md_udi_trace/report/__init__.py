from . import report_udi_label
