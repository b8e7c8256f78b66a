"""Mailings: the coordination writes them, the Observation group reads them (no form);
members read the ones they received under /espace/messages/; the unsubscribe link works
for everyone, without login (its signed token is the key)."""

from access import coordination_only, everyone, network, post_only
from factories import CoordinatorFactory

from coordination import services


def _pk(samples):
    return {"pk": samples["mailing_draft"].pk}


ROUTES = {
    "coordination:mailings": network(
        newcomer=404, pending=404, member=404, observer=200, coordinator=200
    ),
    "coordination:mailing": network(
        newcomer=404, pending=404, member=404, observer=200, coordinator=200, kwargs=_pk
    ),
    "coordination:mailing_create": coordination_only(),
    "coordination:mailing_edit": coordination_only(kwargs=_pk),
    "coordination:mailing_test": coordination_only(coordinator=405, kwargs=_pk),
    "coordination:mailing_send": coordination_only(coordinator=405, kwargs=_pk),
    "coordination:mailing_cancel": coordination_only(coordinator=405, kwargs=_pk),
    # Members: the mailings they received; the sample one went to the need's author (the
    # member) and its supporter (the other member), not to the referent.
    "coordination:my_mailings": network(),
    "coordination:my_mailing": network(
        referent=404,
        observer=404,
        coordinator=404,
        kwargs=lambda s: {"pk": s["mailing_sent"].pk},
    ),
    "coordination:my_subscription": post_only(),
    "coordination:unsubscribe": everyone(
        200, kwargs=lambda s: {"token": s["mailing_unsubscribe_token"]}
    ),
}


def samples(base: dict) -> dict:
    coordinator = CoordinatorFactory()
    fields = {"subject": "Rencontre", "body": "Bonjour", "everyone": False, "sectors": []}
    draft = services.mailing_create(actor=coordinator, fields=fields, m2m={})
    sent = services.mailing_create(actor=coordinator, fields=fields, m2m={"needs": [base["need"]]})
    services.mailing_send(actor=coordinator, mailing=sent)  # the need's author: the member
    return {
        "mailing_draft": draft,
        "mailing_sent": sent,
        "mailing_unsubscribe_token": services.unsubscribe_token(base["member"]),
    }
