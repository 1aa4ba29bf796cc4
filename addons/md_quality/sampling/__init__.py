"""ISO 2859-1 sampling by attributes (pure Python, no Odoo import): see iso2859.py."""

from .iso2859 import (
    AQL_LABELS,
    AQLS,
    CODE_LETTERS,
    DISCONTINUED,
    LEVELS,
    REDUCED_SWITCHING_SCORE,
    SEVERITIES,
    LotDecision,
    SamplingPlan,
    aql_index,
    code_letter,
    next_severity,
    sampling_plan,
    update_switching_score,
)
