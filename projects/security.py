"""Projects' security events (consortium.core.security): a partner taken off a project
loses its access to it."""

from consortium.core.security import SecurityKind, security_actions_register

from .enums import ProjectsAuditAction

security_actions_register(SecurityKind.RIGHTS, ProjectsAuditAction.PARTNER_SET)
security_actions_register(SecurityKind.DELETIONS, ProjectsAuditAction.PARTNER_REMOVED)
