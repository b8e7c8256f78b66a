"""The e-mail outbox: each message is a row first, then sent once, whatever happens.

Time is passed forward by moving a row's own dates (next_attempt_at, created_at,
claimed_at) into the past, which is what the outbox compares with the clock.
"""

import email
import os
import smtplib
import subprocess
import sys
import time
from datetime import date, timedelta

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import OperationalError, transaction
from django.utils import timezone
from factories import UserFactory
from flaky_mail import CountingBackend, FlakyBackend
from transactional import restore_reference_data, run_together

from consortium.celery import app as celery_app
from consortium.core import outbox
from consortium.core.enums import OutboxStatus
from consortium.core.models import OutboxMessage
from consortium.core.outbox import (
    Addressee,
    attachment,
    backoff,
    message_id_header,
    outbox_deliver,
    outbox_deliver_many,
    outbox_enqueue,
    outbox_enqueue_many,
    outbox_retry,
    outbox_sweep,
)
from consortium.core.privacy import erase_account, export_for, rule_for
from consortium.core.tasks import outbox_send, outbox_send_batch, outbox_sweep_task

WHEN = date(2027, 3, 29)  # a Monday


@pytest.fixture
def notice(test_templates):
    """Queue the test e-mail `test_notice` (tests/templates/emails) for a user."""

    def enqueue(recipient=None, **options):
        recipient = recipient or UserFactory()
        options.setdefault("target", recipient)
        return outbox_enqueue(
            template="test_notice",
            recipient=recipient,
            context={"title": "L'atelier des tout-petits", "when": WHEN},
            **options,
        )

    return enqueue


@pytest.fixture
def smtp(settings):
    """`smtp(failures=3, delay=0)`: the e-mail server of the test, failing that many times."""

    def configure(*, backend="flaky_mail.FlakyBackend", **options):
        FlakyBackend.reset()
        settings.MAILERS = {"default": {"BACKEND": backend, "OPTIONS": options}}

    return configure


def handed_to_broker(monkeypatch, task) -> list:
    """The first argument of each call of `task` published (publishing is replaced)."""
    handed = []
    monkeypatch.setattr(task, "apply_async", lambda args, **kw: handed.append(args[0]))
    return handed


@pytest.fixture
def published(monkeypatch):
    """The ids of the messages handed to the broker one by one."""
    return handed_to_broker(monkeypatch, outbox_send)


def make_due(message):
    """Pass time forward until the message's retry is due."""
    past = timezone.now() - timedelta(seconds=1)
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=past)


def reload(message) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


# --- Queueing ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "day", "short_day"),
    [("fr", "lundi 29 mars 2027", "29 mars 2027"), ("en", "Monday 29 March 2027", "29 March 2027")],
)
def test_enqueue_renders_in_the_recipient_language(notice, language, day, short_day):
    message = notice(UserFactory(language=language))

    message.refresh_from_db()
    assert message.language == language
    assert message.subject == f"[{language}] L'atelier des tout-petits du {short_day}"
    assert f"Langue : {language}" in message.body_text
    assert f"Date : {day}" in message.body_text
    assert f"<strong>{day}</strong>" in message.body_html
    assert f'<p lang="{language}">' in message.body_html
    assert message.status == OutboxStatus.QUEUED
    assert message.attempts == 0


@pytest.mark.django_db
def test_enqueue_language_comes_from_the_account_not_from_the_active_one(notice):
    from django.utils import translation

    with translation.override("en"):
        message = notice(UserFactory(language="fr"))
    assert message.language == "fr"
    assert "Date : lundi 29 mars 2027" in message.body_text


@pytest.mark.django_db
def test_html_and_text_parts_are_both_sent(notice, mailoutbox):
    message = notice()

    assert outbox_deliver(message_id=message.pk) == OutboxStatus.SENT
    sent = mailoutbox[0]
    assert sent.body == message.body_text
    assert sent.alternatives[0].mimetype == "text/html"
    assert sent.alternatives[0].content == message.body_html
    assert sent.to == [message.recipient_email]
    assert sent.subject == message.subject


@pytest.mark.django_db
def test_enqueue_is_once_per_kind_target_and_address(notice):
    user = UserFactory()
    first = notice(user, kind="reminder:J-1")

    assert notice(user, kind="reminder:J-1") is None
    assert OutboxMessage.objects.count() == 1
    assert OutboxMessage.objects.get().pk == first.pk
    # Another kind, another target or another address is another message.
    assert notice(user, kind="reminder:J-7") is not None
    assert notice(user, kind="reminder:J-1", target=UserFactory()) is not None
    assert notice(UserFactory(), kind="reminder:J-1", target=user) is not None
    assert OutboxMessage.objects.count() == 4


@pytest.mark.django_db
def test_a_refused_duplicate_leaves_the_surrounding_transaction_usable(notice):
    user = UserFactory()
    with transaction.atomic():
        notice(user, kind="once")
        assert notice(user, kind="once") is None
        # Without a savepoint around the insert, PostgreSQL would refuse this query.
        assert OutboxMessage.objects.filter(kind="once").count() == 1


@pytest.mark.django_db(transaction=True)
def test_published_after_commit_only(notice, published):
    with transaction.atomic():
        message = notice()
        assert published == []  # not before the commit: the worker would not see the row
    assert published == [message.pk]

    with pytest.raises(RuntimeError), transaction.atomic():
        rolled_back = notice()
        raise RuntimeError("the request fails after queueing")
    assert published == [message.pk]
    assert not OutboxMessage.objects.filter(pk=rolled_back.pk).exists()


# --- Sending exactly once -----------------------------------------------------------------


@pytest.mark.django_db
def test_send_task_run_twice_sends_one_email(notice, mailoutbox):
    message = notice()

    outbox_send.apply(args=(message.pk,))
    outbox_send.apply(args=(message.pk,))

    assert len(mailoutbox) == 1
    message = reload(message)
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1
    assert message.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_send_task_run_from_two_threads_at_once_sends_one_email(notice, smtp, published):
    # A slow server: should both workers think the row is theirs, both would send.
    smtp(delay=0.3)
    mail.outbox = []
    message = notice()

    results = run_together(
        lambda: outbox_deliver(message_id=message.pk),
        lambda: outbox_deliver(message_id=message.pk),
    )

    assert sorted(results) == ["sent", "skipped"]
    assert len(mail.outbox) == 1
    assert FlakyBackend.tries == 1
    assert reload(message).attempts == 1


@pytest.mark.django_db
def test_message_id_is_the_same_at_every_try_and_differs_between_messages(notice, smtp, mailoutbox):
    smtp(failures=1)
    message, other = notice(), notice()

    outbox_deliver(message_id=message.pk)
    make_due(message)
    outbox_deliver(message_id=message.pk)
    outbox_deliver(message_id=other.pk)

    sent_ids = [sent.message()["Message-ID"] for sent in mailoutbox]
    assert sent_ids == [message_id_header(reload(message)), message_id_header(reload(other))]
    assert sent_ids[0] != sent_ids[1]


# --- Failures: retries with backoff, then failed ----------------------------------------


def test_backoff_doubles_from_the_base_and_stops_at_an_hour(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    waits = [backoff(attempts).total_seconds() for attempts in range(1, 9)]
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]


@pytest.mark.django_db
def test_smtp_failing_three_times_then_succeeding_ends_sent_after_four_attempts(
    notice, smtp, mailoutbox
):
    smtp(failures=3)
    message = notice()

    with pytest.raises(Retry) as retry:
        outbox_send.apply(args=(message.pk,))
    assert retry.value.when == 60  # Celery is asked to run the task again in a minute
    after_first = reload(message)
    assert after_first.status == OutboxStatus.QUEUED
    assert after_first.attempts == 1
    assert after_first.last_error.startswith("SMTPServerDisconnected")
    wait = (after_first.next_attempt_at - timezone.now()).total_seconds()
    assert 55 < wait <= 60
    assert outbox_deliver(message_id=message.pk) == "skipped"  # not due: no extra attempt

    for wait in (120, 240):
        make_due(message)
        with pytest.raises(Retry) as retry:
            outbox_send.apply(args=(message.pk,))
        assert retry.value.when == wait
    make_due(message)
    outbox_send.apply(args=(message.pk,))

    message = reload(message)
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 4
    assert message.last_error == ""
    assert FlakyBackend.tries == 4
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_celery_retry_after_the_sweeper_tried_does_not_cut_the_wait_short(notice, smtp):
    smtp(failures=-1)
    message = notice()
    with pytest.raises(Retry):
        outbox_send.apply(args=(message.pk,))
    make_due(message)
    outbox_sweep()  # the sweeper's try came first, and failed: the next wait is 2 minutes
    assert reload(message).attempts == 2

    outbox_send.apply(args=(message.pk,))  # then the retry Celery held since the first try

    assert reload(message).attempts == 2
    assert FlakyBackend.tries == 2


@pytest.mark.django_db
def test_waits_between_attempts_grow_exponentially(notice, smtp, settings):
    smtp(failures=-1)
    settings.OUTBOX_MAX_ATTEMPTS = 5
    message = notice()
    waits = []
    for _ in range(4):
        make_due(message)
        outbox_deliver(message_id=message.pk)
        waits.append(round((reload(message).next_attempt_at - timezone.now()).total_seconds()))
    assert waits == [60, 120, 240, 480]


@pytest.mark.django_db
def test_smtp_failing_forever_ends_failed_after_the_bound(notice, smtp, settings, mailoutbox):
    smtp(failures=-1)
    settings.OUTBOX_MAX_ATTEMPTS = 4
    message = notice()

    for _ in range(3):
        make_due(message)
        with pytest.raises(Retry):
            outbox_send.apply(args=(message.pk,))
    make_due(message)
    outbox_send.apply(args=(message.pk,))  # the last try: no retry, no exception
    for _ in range(3):
        make_due(message)
        outbox_send.apply(args=(message.pk,))
        outbox_sweep()

    message = reload(message)
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 4
    assert message.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert FlakyBackend.tries == 4
    assert mailoutbox == []


@pytest.mark.django_db
def test_an_error_no_retry_can_fix_fails_at_once_instead_of_looping(notice, smtp, caplog):
    smtp(backend="flaky_mail.BrokenBackend")
    message = notice()

    outbox_send.apply(args=(message.pk,))

    message = reload(message)
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 1
    assert message.last_error.startswith("ValueError: Header values")
    assert "cannot be sent" in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error", [smtplib.SMTPServerDisconnected("gone"), ConnectionRefusedError(111, "refused")]
)
def test_connection_errors_are_retried(notice, monkeypatch, error):
    message = notice()

    def refuse(self):
        raise error

    monkeypatch.setattr(outbox.EmailMultiAlternatives, "send", refuse)
    assert outbox_deliver(message_id=message.pk) == "retry"
    assert reload(message).status == OutboxStatus.QUEUED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "status"),
    [
        (smtplib.SMTPRecipientsRefused({"x@exemple.fr": (450, b"4.2.0 Greylisted")}), "retry"),
        (smtplib.SMTPSenderRefused(451, b"4.3.0 Try again later", "ne-pas-repondre@x.fr"), "retry"),
        (smtplib.SMTPRecipientsRefused({"x@exemple.fr": (550, b"No such user")}), "failed"),
        (
            smtplib.SMTPSenderRefused(553, b"5.7.1 Sender rejected", "ne-pas-repondre@x.fr"),
            "failed",
        ),
    ],
)
def test_a_4xx_refusal_is_tried_again_and_a_5xx_one_fails(notice, monkeypatch, error, status):
    # Found by the fault drills (benchmarks/faults.py): a greylisting server's 450 at RCPT
    # failed the message for good, as a 550 does.
    message = notice()

    def refuse(self):
        raise error

    monkeypatch.setattr(outbox.EmailMultiAlternatives, "send", refuse)
    assert outbox_deliver(message_id=message.pk) == status
    expected = OutboxStatus.QUEUED if status == "retry" else OutboxStatus.FAILED
    assert reload(message).status == expected


# --- A database that restarts while sending ----------------------------------------------


@pytest.fixture
def flaky_recording(monkeypatch):
    """`flaky_recording(n)`: recording "sent" meets a dropped connection n times first."""
    monkeypatch.setattr(outbox, "MARK_SENT_PAUSE_SECONDS", 0)
    record = outbox.outbox_record_sent
    failures = []

    def configure(count):
        def flaky(**kwargs):
            if len(failures) < count:
                failures.append(kwargs)
                raise OperationalError("server closed the connection unexpectedly")
            return record(**kwargs)

        monkeypatch.setattr(outbox, "outbox_record_sent", flaky)
        return failures

    return configure


@pytest.mark.django_db
def test_a_database_error_when_recording_sent_does_not_send_twice(
    notice, flaky_recording, mailoutbox
):
    failures = flaky_recording(2)
    message = notice()

    outbox_send.apply(args=(message.pk,))

    assert len(failures) == 2
    assert reload(message).status == OutboxStatus.SENT
    # Later, the sweeper finds nothing to recover or send.
    OutboxMessage.objects.filter(pk=message.pk).update(
        claimed_at=timezone.now() - outbox.sending_timeout() - timedelta(seconds=5)
    )
    assert outbox_sweep() == 0
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_longer_outage_records_sent_in_a_retry_that_does_not_send(
    notice, flaky_recording, mailoutbox
):
    failures = flaky_recording(outbox.MARK_SENT_TRIES)
    message = notice()

    with pytest.raises(Retry) as retry:
        outbox_send.apply(args=(message.pk,))
    assert retry.value.when <= 30
    assert isinstance(retry.value.exc, outbox.SentNotRecorded)
    assert len(failures) == outbox.MARK_SENT_TRIES
    assert reload(message).status == OutboxStatus.SENDING

    retry.value.sig.apply()  # the retry, as Celery would run it (its arguments too)

    assert reload(message).status == OutboxStatus.SENT
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_send_task_is_retried_on_a_database_error(notice, monkeypatch, mailoutbox):
    message = notice()

    def down(*args, **kwargs):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(outbox, "_claim", down)
    with pytest.raises(Retry) as retry:
        outbox_send.apply(args=(message.pk,))
    assert isinstance(retry.value.exc, OperationalError)
    assert retry.value.when <= 1  # backoff: 1 s at the first retry (jittered), then 2, 4…
    monkeypatch.undo()

    outbox_send.apply(args=(message.pk,))  # the retry, the database back
    assert reload(message).status == OutboxStatus.SENT
    assert len(mailoutbox) == 1


def test_a_row_sending_is_recovered_just_after_the_send_tasks_time_limit(settings):
    assert outbox_send.time_limit == settings.OUTBOX_SEND_TIME_LIMIT
    assert outbox_send_batch.time_limit == settings.OUTBOX_SEND_TIME_LIMIT
    margin = timedelta(seconds=settings.OUTBOX_SENDING_MARGIN)
    assert outbox.sending_timeout() == timedelta(seconds=outbox_send.time_limit) + margin
    assert outbox.sending_timeout() <= timedelta(minutes=2)
    settings.OUTBOX_SEND_TIME_LIMIT = 45  # one source of truth: the threshold follows
    assert outbox.sending_timeout() == timedelta(seconds=45) + margin


# --- The sweeper --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_row_stuck_in_sending_is_put_back_and_sent_by_the_sweeper(notice, settings, mailoutbox):
    stuck, busy = notice(), notice()
    long_ago = timezone.now() - outbox.sending_timeout() - timedelta(seconds=5)
    # A worker claimed `stuck` and died; another is sending `busy` right now.
    OutboxMessage.objects.filter(pk=stuck.pk).update(
        status=OutboxStatus.SENDING, claimed_at=long_ago, attempts=1
    )
    OutboxMessage.objects.filter(pk=busy.pk).update(
        status=OutboxStatus.SENDING, claimed_at=timezone.now() - timedelta(seconds=30), attempts=1
    )

    assert outbox_sweep() == 1

    assert reload(stuck).status == OutboxStatus.SENT
    assert reload(stuck).attempts == 2
    assert reload(busy).status == OutboxStatus.SENDING
    assert [sent.to for sent in mailoutbox] == [[stuck.recipient_email]]


@pytest.mark.django_db
def test_the_sweeper_leaves_fresh_rows_to_their_task_then_sends_them(notice, settings, mailoutbox):
    message = notice()

    outbox_sweep_task.apply()
    assert reload(message).status == OutboxStatus.QUEUED

    created = timezone.now() - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE + 1)
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=created)
    outbox_sweep_task.apply()
    assert reload(message).status == OutboxStatus.SENT
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_sweeper_does_not_send_a_retry_before_its_time(notice, smtp, mailoutbox):
    smtp(failures=1)
    message = notice()
    outbox_deliver(message_id=message.pk)

    assert outbox_sweep() == 0
    make_due(message)
    assert outbox_sweep() == 1
    assert len(mailoutbox) == 1


@pytest.fixture
def unreachable_broker(celery_conf):
    """Celery publishing for real (not eagerly) to a Redis nobody listens to."""

    def forget_connections():
        # The app keeps its connection and producer pools for the broker it first used.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    forget_connections()
    celery_conf(task_always_eager=False, broker_url="redis://127.0.0.1:1/0")
    yield
    forget_connections()


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_registration_succeeds_and_the_sweeper_sends_later(
    unreachable_broker, settings, caplog
):
    from event_factories import EventFactory
    from member_factories import PersonFactory

    from events.enums import RegistrationStatus
    from events.services import registration_create

    restore_reference_data()
    mail.outbox = []
    event = EventFactory()
    person = PersonFactory()

    started = time.monotonic()
    registration = registration_create(event=event, person=person, actor=person.user)
    elapsed = time.monotonic() - started

    assert elapsed < 5, f"the registration waited {elapsed:.1f} s for the broker"
    assert registration.status == RegistrationStatus.CONFIRMED
    message = OutboxMessage.objects.get(recipient=person.user)
    assert message.status == OutboxStatus.QUEUED
    assert message.attempts == 0
    assert "left for the sweeper" in caplog.text
    assert mail.outbox == []

    assert outbox_sweep() == 0  # still within the grace left to the (lost) task
    created = timezone.now() - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE + 1)
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=created)
    assert outbox_sweep() == 1
    assert reload(message).status == OutboxStatus.SENT
    assert [sent.to for sent in mail.outbox] == [[person.user.email]]


# --- Attachments, retry by hand, personal data ---------------------------------------------


@pytest.mark.django_db
def test_text_and_binary_attachments_arrive_intact(notice, mailoutbox):
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:Éveil – atelier\r\nEND:VCALENDAR\r\n"
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) + b"\n%%EOF\n"
    message = notice(
        attachments=[
            attachment(filename="rencontre.ics", content=ics, mimetype="text/calendar"),
            attachment(filename="attestation.pdf", content=pdf, mimetype="application/pdf"),
        ]
    )

    outbox_deliver(message_id=message.pk)

    sent = mailoutbox[0]
    assert [(a.filename, a.mimetype) for a in sent.attachments] == [
        ("rencontre.ics", "text/calendar"),
        ("attestation.pdf", "application/pdf"),
    ]
    # Through the wire format, as a mail client reads it.
    parsed = email.message_from_bytes(sent.message().as_bytes())
    parts = {part.get_filename(): part for part in parsed.walk() if part.get_filename()}
    assert parts["attestation.pdf"].get_payload(decode=True) == pdf
    ics_part = parts["rencontre.ics"]
    received = ics_part.get_payload(decode=True).decode(ics_part.get_content_charset())
    assert received.splitlines() == ics.splitlines()  # SMTP carries lines, ends them in CRLF
    assert sent.attachments[0].content == ics


@pytest.mark.django_db
def test_outbox_retry_gives_failed_messages_a_new_series(
    notice, django_capture_on_commit_callbacks, mailoutbox
):
    failed, also_failed, sent = notice(), notice(), notice()
    OutboxMessage.objects.filter(pk__in=[failed.pk, also_failed.pk]).update(
        status=OutboxStatus.FAILED, attempts=6, last_error="SMTPServerDisconnected: gone"
    )
    outbox_deliver(message_id=sent.pk)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_retry(messages=OutboxMessage.objects.all()) == 2

    assert {m.to[0] for m in mailoutbox} == {failed.recipient_email, also_failed.recipient_email}
    for message in (failed, also_failed):
        message = reload(message)
        assert message.status == OutboxStatus.SENT
        assert message.attempts == 1
    assert reload(sent).attempts == 1  # not sent again


@pytest.mark.django_db
def test_a_persons_emails_are_exported_and_erased_with_their_account(notice):
    user, other = UserFactory(), UserFactory()
    mine = notice(user, kind="mine")
    theirs = notice(other, kind="theirs", target=user)

    rule = rule_for(OutboxMessage)
    assert rule is not None
    assert rule.erasure == "delete"
    exported = export_for(user=user)["core.outboxmessage"]
    assert [row["kind"] for row in exported] == ["mine"]
    assert exported[0]["subject"] == mine.subject

    erase_account(user=user)
    assert not OutboxMessage.objects.filter(pk=mine.pk).exists()
    assert OutboxMessage.objects.filter(pk=theirs.pk).exists()


def test_a_fresh_process_hands_a_queued_message_to_its_send_task():
    """The outbox asks for the send task by its registered name: a process that never
    imported the tasks module (a web worker, a command) must find it all the same."""
    code = (
        "import django; django.setup();"
        "from celery import current_app;"
        "from consortium.core.outbox import OUTBOX_SEND_TASK;"
        "print(OUTBOX_SEND_TASK in current_app.tasks)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "consortium.settings.test"}
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert found.stdout.strip().endswith("True")


# --- Mailings: rendered once per language, inserted in bulk, sent in batches ------------


@pytest.fixture
def mailing(test_templates):
    """Queue the test e-mail `test_notice` for users at once (outbox_enqueue_many)."""

    def enqueue(users, kind="mailing"):
        return outbox_enqueue_many(
            template="test_notice",
            addressees=[Addressee(user, target=user) for user in users],
            context={"title": "L'atelier des tout-petits", "when": WHEN},
            kind=kind,
        )

    return enqueue


@pytest.fixture
def batches(monkeypatch):
    """The batches of ids handed to the broker."""
    return handed_to_broker(monkeypatch, outbox_send_batch)


@pytest.fixture
def counting(settings):
    """The e-mail server counts its connections (flaky_mail.CountingBackend)."""
    CountingBackend.reset()
    settings.MAILERS = {"default": {"BACKEND": "flaky_mail.CountingBackend"}}
    return CountingBackend


@pytest.mark.django_db
def test_a_mailing_is_rendered_once_per_language_with_a_row_per_person(mailing, monkeypatch):
    renders = []
    render_email = outbox.render_email
    monkeypatch.setattr(
        outbox, "render_email", lambda **kw: renders.append(kw) or render_email(**kw)
    )
    french = UserFactory.create_batch(3, language="fr")
    english = UserFactory.create_batch(2, language="en")

    messages = mailing([*french, *english])

    assert sorted(render["language"] for render in renders) == ["en", "fr"]
    rows = OutboxMessage.objects.order_by("pk")
    assert [row.pk for row in messages] == [row.pk for row in rows]
    assert [(row.recipient, row.recipient_email, row.language) for row in rows] == [
        (user, user.email, user.language) for user in [*french, *english]
    ]
    assert {row.target for row in rows} == {f"core.user:{user.pk}" for user in [*french, *english]}
    english_row = rows.get(recipient=english[0])
    assert english_row.subject == "[en] L'atelier des tout-petits du 29 March 2027"
    assert "<strong>Monday 29 March 2027</strong> &amp; L&#x27;atelier" in english_row.body_html
    assert "Date : lundi 29 mars 2027" in rows.get(recipient=french[0]).body_text
    assert all(row.status == OutboxStatus.QUEUED and row.attempts == 0 for row in rows)


@pytest.mark.django_db
def test_a_mailing_again_queues_nothing_more_and_new_people_only(mailing, batches):
    users = UserFactory.create_batch(3)
    with transaction.atomic():
        mailing(users)
        assert mailing(users) == []  # refused copies, the transaction still usable
        latecomer = UserFactory()
        assert [row.recipient for row in mailing([*users, latecomer])] == [latecomer]
        assert OutboxMessage.objects.count() == 4
    assert len(mailing(users, kind="another")) == 3


@pytest.mark.django_db
def test_a_mailing_asks_for_delivery_after_commit_in_batches(
    mailing, batches, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_BATCH_SIZE = 2
    with django_capture_on_commit_callbacks() as callbacks:
        messages = mailing(UserFactory.create_batch(5))
        assert batches == []  # not before the commit: the worker would not see the rows
    for callback in callbacks:
        callback()
    ids = [message.pk for message in messages]
    assert batches == [ids[0:2], ids[2:4], ids[4:]]


@pytest.mark.django_db
def test_a_batch_goes_over_one_connection_and_records_every_row(
    mailing, counting, mailoutbox, django_assert_max_num_queries
):
    messages = mailing(UserFactory.create_batch(45))
    ids = [message.pk for message in messages]

    # Claim (2), then "sent" recorded per group of 20: not two queries per message.
    with django_assert_max_num_queries(8):
        result = outbox_deliver_many(message_ids=ids)

    assert result["sent"] == ids
    assert counting.opened == 1
    assert sorted(sent.to[0] for sent in mailoutbox) == sorted(m.recipient_email for m in messages)
    rows = OutboxMessage.objects.filter(pk__in=ids)
    assert {(row.status, row.attempts) for row in rows} == {(OutboxStatus.SENT, 1)}
    sent_ids = [sent.message()["Message-ID"] for sent in mailoutbox]
    assert sent_ids == [message_id_header(row) for row in rows.order_by("pk")]


@pytest.mark.django_db
def test_a_batch_with_nothing_left_to_send_opens_no_connection(mailing, counting):
    messages = mailing(UserFactory.create_batch(2))
    OutboxMessage.objects.update(status=OutboxStatus.SENT)

    result = outbox_deliver_many(message_ids=[message.pk for message in messages])

    assert result["skipped"] == [message.pk for message in messages]
    assert counting.opened == 0


@pytest.mark.django_db(transaction=True)
def test_two_batches_on_the_same_rows_send_each_row_once(test_templates, smtp):
    smtp(delay=0.05)  # a slow server: the two batches overlap
    mail.outbox = []
    users = UserFactory.create_batch(6)
    with transaction.atomic():  # no task yet: both batches run below, at once
        messages = outbox_enqueue_many(
            template="test_notice",
            addressees=[Addressee(user) for user in users],
            context={"title": "Atelier", "when": WHEN},
            kind="mailing",
        )
        transaction.get_connection().run_on_commit = []
    ids = [message.pk for message in messages]

    first, second = run_together(
        lambda: outbox_deliver_many(message_ids=ids),
        lambda: outbox_deliver_many(message_ids=ids[::-1]),
    )

    assert sorted(first["sent"] + second["sent"]) == ids
    assert sorted(first["skipped"] + second["skipped"]) == ids
    assert sorted(sent.to[0] for sent in mail.outbox) == sorted(user.email for user in users)
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}


# A dropped connection, a refused address, a malformed message (flaky_mail.CountingBackend).
BAD_ADDRESSES = ("down", "refused", "broken")


@pytest.mark.django_db
def test_a_failing_message_in_a_batch_does_not_lose_the_others(mailing, counting, mailoutbox):
    good = UserFactory.create_batch(2)
    down, refused, broken = (UserFactory(email=f"{name}@exemple.fr") for name in BAD_ADDRESSES)
    messages = mailing([good[0], down, refused, broken, good[1]])
    by_user = {message.recipient: message.pk for message in messages}

    with pytest.raises(Retry) as retry:
        outbox_send_batch.apply(args=([message.pk for message in messages],))

    assert retry.value.when == 60  # the row a dropped connection met, in a minute
    assert retry.value.sig.args == ([by_user[down]],)
    assert sorted(sent.to[0] for sent in mailoutbox) == sorted(user.email for user in good)
    # The dropped connection was opened again for the rest of the batch.
    assert counting.opened == 2
    row = OutboxMessage.objects.get
    assert row(pk=by_user[down]).status == OutboxStatus.QUEUED
    assert row(pk=by_user[down]).last_error.startswith("SMTPServerDisconnected")
    assert row(pk=by_user[refused]).status == OutboxStatus.FAILED
    assert row(pk=by_user[broken]).status == OutboxStatus.FAILED
    assert {row(pk=by_user[user]).status for user in good} == {OutboxStatus.SENT}

    make_due(row(pk=by_user[down]))
    OutboxMessage.objects.filter(pk=by_user[down]).update(recipient_email="back@exemple.fr")
    retry.value.sig.apply()  # the retry, as Celery would run it: that row only
    assert row(pk=by_user[down]).status == OutboxStatus.SENT
    assert row(pk=by_user[down]).attempts == 2
    assert len(mailoutbox) == 3


@pytest.mark.django_db
def test_a_batch_out_of_time_queues_the_rest_again_as_it_was(mailing, smtp, settings, batches):
    smtp(delay=0.3)
    settings.OUTBOX_SEND_TIME_LIMIT = 1  # a batch stops trying after 0.5 s
    mail.outbox = []
    messages = mailing(UserFactory.create_batch(5))
    ids = [message.pk for message in messages]

    outbox_send_batch.apply(args=(ids,))

    assert len(mail.outbox) == 2
    assert batches == [ids[2:]]  # asked for again, in a new batch
    rest = OutboxMessage.objects.filter(pk__in=ids[2:])
    assert set(rest.values_list("status", "attempts")) == {(OutboxStatus.QUEUED, 0)}
    assert not rest.filter(claimed_at__isnull=False).exists()


@pytest.mark.django_db
def test_a_batch_sent_but_not_recorded_is_recorded_by_a_retry_that_does_not_send(
    mailing, flaky_recording, mailoutbox
):
    failures = flaky_recording(outbox.MARK_SENT_TRIES)
    messages = mailing(UserFactory.create_batch(3))
    ids = [message.pk for message in messages]

    with pytest.raises(Retry) as retry:
        outbox_send_batch.apply(args=(ids,))
    assert isinstance(retry.value.exc, outbox.SentNotRecorded)
    assert failures[0] == {"message_ids": ids}
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENDING}

    retry.value.sig.apply()  # the retry, as Celery would run it

    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert len(mailoutbox) == 3


@pytest.mark.django_db
def test_rows_a_dead_worker_left_sending_are_sent_by_the_sweeper_over_one_connection(
    mailing, counting, mailoutbox, settings
):
    settings.OUTBOX_BATCH_SIZE = 3
    messages = mailing(UserFactory.create_batch(3))
    long_ago = timezone.now() - outbox.sending_timeout() - timedelta(seconds=5)
    OutboxMessage.objects.update(status=OutboxStatus.SENDING, claimed_at=long_ago, attempts=1)

    assert outbox_sweep() == 3

    assert counting.opened == 1
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxStatus.SENT, 2)}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.recipient_email for m in messages)


# --- Personal parts of a mailing: a marker per name, replaced in each row ---------------


@pytest.mark.django_db
def test_a_mailing_puts_each_persons_values_and_headers_in_their_row_only(
    test_templates, monkeypatch
):
    renders = []
    render_email = outbox.render_email
    monkeypatch.setattr(
        outbox, "render_email", lambda **kw: renders.append(kw) or render_email(**kw)
    )
    first, second = UserFactory.create_batch(2, language="fr")
    links = {first: "https://exemple.fr/d/a?x=1&y=2", second: "https://exemple.fr/d/b"}

    messages = outbox_enqueue_many(
        template="test_personal",
        addressees=[
            Addressee(
                user,
                target=user,
                values={"link": links[user]},
                headers={"List-Unsubscribe": f"<{links[user]}>"},
            )
            for user in (first, second)
        ],
        context={"title": "Atelier"},
        kind="mailing",
        headers={"X-Shared": "oui"},
        personal=("link",),
    )

    assert len(renders) == 1  # still one render per language
    by_user = {message.recipient: OutboxMessage.objects.get(pk=message.pk) for message in messages}
    row = by_user[first]
    assert "Se désabonner : https://exemple.fr/d/a?x=1&y=2" in row.body_text
    assert 'href="https://exemple.fr/d/a?x=1&amp;y=2"' in row.body_html  # escaped in HTML
    assert row.headers == {
        "X-Shared": "oui",
        "List-Unsubscribe": "<https://exemple.fr/d/a?x=1&y=2>",
    }
    assert "https://exemple.fr/d/b" in by_user[second].body_text
    assert "/d/a" not in by_user[second].body_text + by_user[second].body_html
    assert "OUTBOX" not in row.body_html + row.body_text + row.subject


@pytest.mark.django_db
def test_a_personal_name_without_a_value_is_refused(test_templates):
    with pytest.raises(ValueError, match="link"):
        outbox_enqueue_many(
            template="test_personal",
            addressees=[Addressee(UserFactory())],
            context={"title": "Atelier"},
            kind="mailing",
            personal=("link",),
        )
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_stored_attachment_is_read_from_the_storage_when_sent(test_templates, mailoutbox):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from consortium.core.outbox import stored_attachment

    PDF = "application/pdf"
    name = default_storage.save("envois/programme.pdf", ContentFile(b"%PDF-1.4 programme"))
    [message] = outbox_enqueue_many(
        template="test_personal",
        addressees=[Addressee(UserFactory(), values={"link": "https://exemple.fr/"})],
        context={"title": "Atelier"},
        kind="mailing",
        attachments=[stored_attachment(filename="programme.pdf", stored_name=name, mimetype=PDF)],
        personal=("link",),
    )
    stored = OutboxMessage.objects.get(pk=message.pk).attachments
    assert stored == [{"filename": "programme.pdf", "stored_name": name, "mimetype": PDF}]

    outbox_deliver(message_id=message.pk, due_only=False)

    [sent] = mailoutbox
    assert sent.attachments[0].filename == "programme.pdf"
    assert sent.attachments[0].content == b"%PDF-1.4 programme"
