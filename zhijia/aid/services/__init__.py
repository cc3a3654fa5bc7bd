"""Writes for hardship aid, one function per business action: files.py (household files), applications.py
(campaigns, applications and their review), payments.py (payments, batches, ledger)."""
