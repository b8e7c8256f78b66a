"""Personal data held by the members app (see consortium.core.privacy)."""

from consortium.core.privacy import PersonalData, register

from .models import (
    Action,
    Affiliation,
    ConsentRecord,
    GroupDocument,
    GroupMembership,
    Need,
    NeedSupport,
    Organization,
    Person,
)

register(
    PersonalData(
        Person,
        "user",
        ("job_title", "phone", "status", "wants_reminders", "wants_digest", "created_at"),
        "cascade",
    )
)
register(
    PersonalData(
        Affiliation,
        "person__user",
        ("organization__name", "is_referent", "status", "created_at"),
        "cascade",
    )
)
register(
    PersonalData(
        ConsentRecord,
        "person__user",
        ("purpose", "given", "wording_version", "wording", "created_at"),
        "cascade",
    )
)
register(
    PersonalData(
        GroupMembership,
        "person__user",
        ("group__title", "status", "is_facilitator", "created_at"),
        "cascade",
    )
)
register(PersonalData(NeedSupport, "person__user", ("need__title", "created_at"), "cascade"))
# Needs, documents and actions belong to the network: kept, without their author.
register(
    PersonalData(
        Need,
        "author__user",
        ("title", "description", "status", "is_anonymous", "created_at"),
        "anonymise",
        {"author": None, "is_anonymous": True},
    )
)
register(
    PersonalData(
        GroupDocument,
        "added_by__user",
        ("group__title", "title", "url", "created_at"),
        "anonymise",
        {"added_by": None},
    )
)
register(
    PersonalData(
        Action,
        "owner__user",
        ("group__title", "title", "status", "due_date"),
        "anonymise",
        {"owner": None},
    )
)
# Organisations outlive the person who created or validated them.
register(
    PersonalData(
        Organization, "created_by", ("name", "created_at"), "anonymise", {"created_by": None}
    )
)
