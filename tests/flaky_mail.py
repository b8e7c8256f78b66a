"""E-mail backends for the outbox tests: an SMTP server that fails, slows down or breaks,
or counts its connections.

Set them with settings.MAILERS = {"default": {"BACKEND": "flaky_mail.FlakyBackend",
"OPTIONS": {"failures": 3}}}. Each try of the outbox opens a new connection (a new
backend instance), so the count of tries is kept on the class: `FlakyBackend.reset()`.
"""

import smtplib
import time

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakyBackend(LocmemBackend):
    """Fails the first `failures` sends (-1: every send) with SMTPServerDisconnected, then
    delivers to mail.outbox like locmem. `delay` seconds pass before each answer."""

    tries = 0

    def __init__(self, *args, failures: int = 0, delay: float = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.failures = failures
        self.delay = delay

    @classmethod
    def reset(cls) -> None:
        cls.tries = 0

    def send_messages(self, messages):
        type(self).tries += 1
        time.sleep(self.delay)  # a slow server widens the window two workers could share
        if self.failures < 0 or type(self).tries <= self.failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class BrokenBackend(LocmemBackend):
    """Not an outage: a bug or a malformed message, which no retry will fix."""

    def send_messages(self, messages):
        raise ValueError("Header values may not contain linefeed or carriage return characters")


class RefusingBackend(LocmemBackend):
    """The server refuses the recipient for good (550)."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@exemple.fr": (550, b"No such user")})


class CountingBackend(LocmemBackend):
    """Delivers like locmem and counts the connections opened (`CountingBackend.opened`).
    Addresses starting with "down" meet a dropped connection, "refused" a 550, "broken" a
    malformed message: one bad address among others, the way a mailing meets them."""

    opened = 0

    @classmethod
    def reset(cls) -> None:
        cls.opened = 0

    def open(self):
        if getattr(self, "is_open", False):
            return False
        self.is_open = True
        type(self).opened += 1
        return True

    def close(self):
        self.is_open = False

    def send_messages(self, messages):
        address = messages[0].to[0]
        if address.startswith("down"):
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        if address.startswith("refused"):
            raise smtplib.SMTPRecipientsRefused({address: (550, b"No such user")})
        if address.startswith("broken"):
            raise ValueError("Header values may not contain linefeed or carriage return")
        return super().send_messages(messages)
