from zhijia.core.errors import ErrorCode

# Members domain codes reuse the shared enum; listed here so callers import from their own domain.
DUPLICATE_MEMBER = ErrorCode.DUPLICATE_MEMBER
UNION_NOT_ACCEPTING = ErrorCode.UNION_NOT_ACCEPTING
UNDERAGE = ErrorCode.UNDERAGE
