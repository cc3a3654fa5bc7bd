"""Help for workers in hardship: household files (困难职工档案), campaigns (送温暖, 金秋助学, 医疗互助),
applications with multi-level review, and the money side (payments, disbursement batches, the ledger)."""

from .campaigns import Application, ApplicationStatus, Campaign, CampaignKind, Enrollment, ReviewDecision
from .documents import AidDocument
from .files import (
    Cause,
    FileEvent,
    FileObjection,
    FileStatus,
    HardshipCategory,
    HardshipFile,
    HouseholdMember,
    RegionRule,
)
from .money import BatchStatus, DisbursementBatch, LedgerEntry, LedgerKind, Payment, PaymentStatus

__all__ = [
    "AidDocument", "Application", "ApplicationStatus", "BatchStatus", "Campaign", "CampaignKind", "Cause",
    "DisbursementBatch", "Enrollment", "FileEvent", "FileObjection", "FileStatus", "HardshipCategory", "HardshipFile",
    "HouseholdMember", "LedgerEntry", "LedgerKind", "Payment", "PaymentStatus", "RegionRule", "ReviewDecision",
]
