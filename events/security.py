"""Meetings' security events (consortium.core.security): deletions."""

from consortium.core.security import SecurityKind, security_actions_register

from .enums import EventsAuditAction

security_actions_register(SecurityKind.DELETIONS, EventsAuditAction.SESSION_DELETED)
