"""E-mail backends for the outbox tests: an SMTP server that fails, slows down or breaks.

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
