"""Who may do what on the coordinator's desk (pure predicates)."""

from consortium.core.permissions import can_observe, is_coordinator


def may_see_desk(user) -> bool:
    """The coordinator and the Département's management (Observation group)."""
    return can_observe(user)


def may_act(user) -> bool:
    """Only the coordinator handles what the desk lists; observers read it."""
    return is_coordinator(user)


def may_read_mailings(user) -> bool:
    """The coordination and the Observation group read mailings and their status."""
    return can_observe(user)


def may_write_mailings(user) -> bool:
    """Only the coordination writes, tests and sends mailings."""
    return is_coordinator(user)
