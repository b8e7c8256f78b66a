"""The hand-over of a batch to a real SMTP server (the fault drills' sink, in a thread):
each row is recorded sent just before the end of its message goes out, so a worker killed
mid-batch leaves no message the server accepted unrecorded, and the sweeper's second try
sends none twice (benchmarks/faults.py, drill a, found 18 sent twice out of 1,100)."""

import importlib.util
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from consortium.core import outbox
from consortium.core.enums import OutboxStatus
from consortium.core.models import OutboxMessage
from consortium.core.outbox import message_id_header, outbox_deliver_many, outbox_sweep

pytestmark = pytest.mark.django_db
FAULTS = Path(__file__).resolve().parent.parent / "benchmarks" / "faults.py"


@pytest.fixture
def sink(settings, tmp_path):
    spec = importlib.util.spec_from_file_location("benchmarks_faults", FAULTS)
    faults = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(faults)
    server = faults.SmtpSink(tmp_path)
    server.up()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    yield server
    server.close()


def rows(count: int) -> list[OutboxMessage]:
    return [
        OutboxMessage.objects.create(
            kind="drill",
            target=f"t:{i}",
            recipient_email=f"p{i}@exemple.fr",
            subject="Rappel",
            body_text=f"Bonjour,\n.\n..une ligne qui commence par un point {i}",
        )
        for i in range(count)
    ]


class Killed(BaseException):
    """The worker's death (SIGKILL): nothing after it runs, no except clause catches it."""


def test_a_batch_over_smtp_is_recorded_and_received_intact(sink):
    messages = rows(5)
    result = outbox_deliver_many(message_ids=[m.pk for m in messages])
    assert sorted(result["sent"]) == [m.pk for m in messages]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert sorted(mid for mid, _ in sink.accepted) == sorted(map(message_id_header, messages))
    first = (sink.folder / "000000.eml").read_bytes()
    assert b"\r\n.\r\n..une ligne" in first  # dot-stuffing undone by the server


def test_a_worker_killed_mid_batch_sends_no_message_twice(sink, monkeypatch):
    messages = rows(30)
    record = outbox.outbox_record_sent
    calls = []

    def dies_at_the_third_record(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise Killed
        return record(**kwargs)

    monkeypatch.setattr(outbox, "outbox_record_sent", dies_at_the_third_record)
    with pytest.raises(Killed):
        outbox_deliver_many(message_ids=[m.pk for m in messages])
    monkeypatch.setattr(outbox, "outbox_record_sent", record)
    # Later, the sweeper takes back the rows the dead worker left "sending".
    past = timezone.now() - outbox.sending_timeout() - timedelta(seconds=1)
    OutboxMessage.objects.filter(status=OutboxStatus.SENDING).update(claimed_at=past)
    outbox_sweep()
    received = Counter(mid for mid, _ in sink.accepted)
    assert received == Counter(map(message_id_header, messages))  # each exactly once
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_a_refusal_at_the_end_of_the_message_puts_the_recorded_row_back(sink, monkeypatch):
    (message,) = rows(1)
    hand_over = outbox._data_recorded_first

    def end_refused(smtp, data, message_pk, recorded):
        hand_over(smtp, data, message_pk, recorded)
        return 451, b"4.3.0 Queue full, try again later"

    monkeypatch.setattr(outbox, "_data_recorded_first", end_refused)
    result = outbox_deliver_many(message_ids=[message.pk])
    assert result["retry"] == [message.pk] and result["sent"] == []
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.QUEUED
