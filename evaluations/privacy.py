"""Personal data held by the evaluations app (see consortium.core.privacy).

Responses are anonymous by construction: a Response and its Answers point to the survey
only, never to a person or an invitation (evaluations.models). What links a person to a
survey is their Invitation: the secret link (stored as a SHA-256 digest), whether they
answered (yes / no, no date) and, until they submit, their draft. It is kept while it is
needed (not to invite someone twice, to let them come back to their draft) and until
SURVEY_INVITATION_RETENTION_DAYS after the survey closed; then the daily purge removes
the person, the link and any draft, and keeps the anonymous row for the response rate.
Deleting one's account removes the person from their invitations at once (the draft too).
"""

from consortium.core.privacy import PersonalData, register

from .models import Invitation

register(
    PersonalData(
        Invitation,
        "person__user",
        ("survey__title", "created_at", "completed", "draft"),
        "anonymise",
        {"person": None, "token_hash": None, "draft": {}, "draft_saved_at": None},
    )
)
