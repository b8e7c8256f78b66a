"""Evaluations' security events (consortium.core.security): deletions, and measurements
validated or refused by the coordination."""

from consortium.core.security import SecurityKind, security_actions_register

from .enums import EvaluationsAuditAction, ExperimentsAuditAction

security_actions_register(SecurityKind.DELETIONS, EvaluationsAuditAction.QUESTION_DELETED)
security_actions_register(SecurityKind.RIGHTS, ExperimentsAuditAction.MEASUREMENT_TRANSITION)
