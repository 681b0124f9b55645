"""Who may read the audit trail (nobody may write it: there is no route that could)."""

from .matrix import AUDIT_READERS, access

ROUTES = [
    access("audit:list", GET=AUDIT_READERS),
    access("audit:verify", GET=AUDIT_READERS),
    access("api-audit-event-list", GET=AUDIT_READERS),
]
