"""The vocabulary of the access matrix: roles, expected answers and row builders.

`tests/test_access_matrix.py` holds the project's table; each module of
`tests/access_rows/` adds the rows of one area (its `ROUTES`) and the sample objects they
need (its `samples(base)`), so that areas grow without editing one shared file.
"""

from collections.abc import Callable
from dataclasses import dataclass

# newcomer: signed up and confirmed, no profile yet; pending: asked to join, not yet
# validated; member and referent: of the sample organisation; other_member: of another one;
# observer_with_profile: an observer who opened /espace/ once, which gave them an active
# profile: every page answers them as it answers the observer (read-only all the same).
ROLES = (
    "anonymous",
    "newcomer",
    "pending",
    "member",
    "referent",
    "other_member",
    "observer",
    "observer_with_profile",
    "coordinator",
)
# Roles expected to get exactly the answers of another one (no column of their own).
SAME_AS = {"observer_with_profile": "observer"}


@dataclass(frozen=True)
class Redirect:
    """A 302 to `path`; `with_next`: the query carries ?next=<the requested path>."""

    path: str
    with_next: bool = False


LOGIN = Redirect("/accounts/login/", with_next=True)
ADMIN_LOGIN = Redirect("/admin/login/", with_next=True)
# allauth asks for the password again before a change to the second factor.
REAUTHENTICATE = Redirect("/accounts/reauthenticate/", with_next=True)
HOME = Redirect("/")
SPACE = Redirect("/espace/")
# Where the coordination and the Observation group land once signed in.
DESK = Redirect("/coordination/")

Expect = int | Redirect


@dataclass(frozen=True)
class Row:
    anonymous: Expect
    newcomer: Expect
    observer: Expect
    coordinator: Expect
    # Builds the URL kwargs from the sample objects (see `samples`).
    kwargs: Callable[[dict], dict] | None = None
    # The network's roles; None: as the newcomer (pages outside the network).
    pending: Expect | None = None
    member: Expect | None = None
    referent: Expect | None = None
    other_member: Expect | None = None

    def expected(self, role: str) -> Expect:
        value = getattr(self, SAME_AS.get(role, role))
        return self.newcomer if value is None else value


def network(
    *,
    anonymous: Expect = LOGIN,
    newcomer: Expect = SPACE,
    pending: Expect = SPACE,
    member: Expect = 200,
    referent: Expect | None = None,
    other_member: Expect | None = None,
    observer: Expect = 200,
    coordinator: Expect = 200,
    kwargs=None,
) -> Row:
    """A page of the network: members only; pending partners are sent to their status page."""
    return Row(
        anonymous,
        newcomer,
        observer,
        coordinator,
        kwargs,
        pending=pending,
        member=member,
        referent=member if referent is None else referent,
        other_member=member if other_member is None else other_member,
    )


def coordination_only(
    *, others: Expect = 404, coordinator: Expect = 200, observer: Expect | None = None, kwargs=None
) -> Row:
    """Coordination pages: 404 for every other signed-in role (their existence is not told);
    `observer`: what the Observation group gets when it reads the page."""
    return network(
        newcomer=others,
        pending=others,
        member=others,
        observer=others if observer is None else observer,
        coordinator=coordinator,
        kwargs=kwargs,
    )


def post_only(*, others: Expect = 405, kwargs=None, **roles: Expect) -> Row:
    """A form target: a GET changes nothing (405). Login first; outside the network, the
    status page first."""
    columns = [role for role in ROLES[1:] if role not in SAME_AS]
    expectations = dict.fromkeys(columns, others) | {"newcomer": SPACE, "pending": SPACE}
    expectations |= roles
    return network(kwargs=kwargs, **expectations)


def everyone(expect: Expect, kwargs=None) -> Row:
    return Row(expect, expect, expect, expect, kwargs)


def signed_in(expect: Expect, *, anonymous: Expect = LOGIN, kwargs=None) -> Row:
    return Row(anonymous, expect, expect, expect, kwargs)


def admin(coordinator: Expect, *, anonymous: Expect = ADMIN_LOGIN, kwargs=None) -> Row:
    """Admin pages: non-staff users are sent to the admin login page like anonymous ones."""
    return Row(anonymous, ADMIN_LOGIN, ADMIN_LOGIN, coordinator, kwargs)


def admin_model(
    prefix: str,
    *,
    add: int = 200,
    change: int = 200,
    delete: int = 200,
    history: int = 200,
    changelist: int = 200,
) -> dict[str, Row]:
    """The five admin routes of one registered model, for the coordinator's permissions.

    Anonymous visitors meet LoginRequiredMiddleware first (ModelAdmin views are not marked
    login_not_required, unlike the admin site's own views), hence the site's login page.
    """
    by_id = _kwargs_for(prefix)
    return {
        f"admin:{prefix}_changelist": admin(changelist, anonymous=LOGIN),
        f"admin:{prefix}_add": admin(add, anonymous=LOGIN),
        f"admin:{prefix}_change": admin(change, anonymous=LOGIN, kwargs=by_id),
        f"admin:{prefix}_delete": admin(delete, anonymous=LOGIN, kwargs=by_id),
        f"admin:{prefix}_history": admin(history, anonymous=LOGIN, kwargs=by_id),
    }


def _kwargs_for(prefix: str):
    return lambda samples: {"object_id": samples[prefix].pk}
