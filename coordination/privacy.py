"""Personal data held by the coordination app (see consortium.core.privacy).

The mailings a person received, and their choice to leave the mailings, go with their
account. The mailings themselves are the coordination's (their author is kept as a
nullable link, removed with the account).
"""

from consortium.core.privacy import PersonalData, register

from .models import MailingDelivery, MailingOptOut

register(
    PersonalData(
        MailingDelivery, "person__user", ("mailing__subject", "mailing__sent_at"), "delete"
    )
)
register(PersonalData(MailingOptOut, "person__user", ("source", "created_at"), "delete"))
