"""Plural labels of the members' Jinja2 fragments (jinja2/members/): written in Python so
that `makemessages` finds them, with the same messages as the template language's."""

from django.utils.translation import ngettext


def supports(count: int) -> str:
    """ "3 personnes ont aussi ce besoin"."""
    return ngettext(
        "%(counter)s personne a aussi ce besoin",
        "%(counter)s personnes ont aussi ce besoin",
        count,
    ) % {"counter": count}
