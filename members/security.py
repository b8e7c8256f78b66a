"""The network's security events (consortium.core.security): who gets in, and who goes."""

from consortium.core.security import SecurityKind, security_actions_register

from .enums import MembersAuditAction

security_actions_register(
    SecurityKind.RIGHTS,
    MembersAuditAction.PERSON_VALIDATED,
    MembersAuditAction.PERSON_REFUSED,
    MembersAuditAction.ORGANIZATION_VALIDATED,
    MembersAuditAction.ORGANIZATION_REFUSED,
    MembersAuditAction.AFFILIATION_ACCEPTED,
    MembersAuditAction.AFFILIATION_REFUSED,
    MembersAuditAction.NETWORK_IMPORTED,
)
security_actions_register(
    SecurityKind.DELETIONS,
    MembersAuditAction.ACCOUNT_DELETED,
    MembersAuditAction.ORGANIZATION_ARCHIVED,
)
