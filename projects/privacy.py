"""Personal data held by the projects app (see consortium.core.privacy).

What a person chose (follows, digests received) goes with their account. What they wrote
or did for the network (dossiers, practices, review comments, workflow steps, published
opportunities and resources) stays with the network, without their name.
"""

from consortium.core.privacy import PersonalData, register

from .models import (
    DigestDelivery,
    Dossier,
    DossierTransition,
    Opportunity,
    OpportunityFollow,
    Practice,
    PracticeComment,
    PracticeTransition,
    Project,
    Resource,
)

# Deadline alerts they asked for, and the weekly digests sent to them.
register(
    PersonalData(OpportunityFollow, "person__user", ("opportunity__title", "created_at"), "delete")
)
register(
    PersonalData(
        DigestDelivery,
        "person__user",
        ("week", "covered_until", "opportunity_count", "resource_count", "created_at"),
        "delete",
    )
)
# The dossiers they are responsible for: the link goes with the person (the M2M rows
# cascade), the dossier stays with its organisation.
register(
    PersonalData(
        Dossier.owners.through,
        "person__user",
        ("dossier__organization__name", "dossier__title", "dossier__status"),
        "cascade",
    )
)
register(
    PersonalData(
        Dossier,
        "created_by",
        ("organization__name", "title", "status", "created_at"),
        "anonymise",
        {"created_by": None},
    )
)
register(
    PersonalData(
        Practice,
        "proposed_by__user",
        ("title", "status", "created_at", "published_at"),
        "anonymise",
        {"proposed_by": None},
    )
)
register(
    PersonalData(
        PracticeComment,
        "author",
        ("practice__title", "body", "created_at"),
        "anonymise",
        {"author": None},
    )
)
for transition, target in ((DossierTransition, "dossier"), (PracticeTransition, "practice")):
    register(
        PersonalData(
            transition,
            "actor",
            (f"{target}__title", "from_status", "to_status", "comment", "created_at"),
            "anonymise",
            {"actor": None},
        )
    )
for created in (Opportunity, Project, Resource):
    register(
        PersonalData(
            created, "created_by", ("title", "created_at"), "anonymise", {"created_by": None}
        )
    )
