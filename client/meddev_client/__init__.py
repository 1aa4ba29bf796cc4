"""Typed JSON-RPC client for the MedDev ERP contracts (Odoo 18.0). See client/README.md."""

__version__ = "18.0.2.0.0"

from .client import MeddevClient
from .errors import (
    AccessRefused,
    InvalidData,
    LoginFailed,
    MeddevError,
    RecordMissing,
    RuleRefused,
    ServerError,
    TransportError,
)
from .models import (
    BatchResult,
    ChainVerification,
    CustomerRow,
    Hold,
    IngestError,
    IngestResult,
    ParsedUdi,
    ProgressLine,
    ProgressLot,
    Reading,
    RecallScope,
    ScanProgress,
    ScanResult,
    Signature,
    StockRow,
    TraceRow,
)
from .transport import JsonRpcTransport

__all__ = [
    "AccessRefused",
    "BatchResult",
    "ChainVerification",
    "CustomerRow",
    "Hold",
    "IngestError",
    "IngestResult",
    "InvalidData",
    "JsonRpcTransport",
    "LoginFailed",
    "MeddevClient",
    "MeddevError",
    "ParsedUdi",
    "ProgressLine",
    "ProgressLot",
    "Reading",
    "RecallScope",
    "RecordMissing",
    "RuleRefused",
    "ScanProgress",
    "ScanResult",
    "ServerError",
    "Signature",
    "StockRow",
    "TraceRow",
    "TransportError",
]
