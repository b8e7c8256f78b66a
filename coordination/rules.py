"""Who may do what on the coordinator's desk (pure predicates)."""

from consortium.core.permissions import can_observe, is_coordinator


def may_see_desk(user) -> bool:
    """The coordinator and the Département's management (Observation group)."""
    return can_observe(user)


def may_act(user) -> bool:
    """Only the coordinator handles what the desk lists; observers read it."""
    return is_coordinator(user)
