from . import test_document
from . import test_training
from . import test_document_tour
from . import test_recall
from . import test_recall_tour
from . import test_registration
from . import test_qualification
