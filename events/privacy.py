"""Personal data held by the events app (see consortium.core.privacy)."""

from consortium.core.privacy import PersonalData, register

from .models import Attendance, CalendarFeed, Registration

# Registrations and attendance are kept for the network's counts (who came is
# anonymised: the person goes, the organisation's name stays).
register(
    PersonalData(
        Registration,
        "person__user",
        ("event__title", "status", "organization_name", "created_at", "cancelled_at"),
        "anonymise",
        {"person": None},
    )
)
# Presences follow their registration, which is anonymised (not deleted) just above.
register(
    PersonalData(
        Attendance,
        "registration__person__user",
        ("session__starts_at", "present"),
        "cascade",
    )
)
register(PersonalData(CalendarFeed, "person__user", ("token",), "cascade"))
