from . import test_signature
from . import test_audit_trail
from . import test_signature_tour
from . import test_signature_report
from . import test_document
from . import test_training
from . import test_document_tour
