"""/healthz: what load balancers and monitoring read."""

from consortium.core import health
from consortium.core.services import heartbeat_record

SECRET = "motdepasse-de-la-base@10.0.0.7"


def test_healthy(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]  # a cached "ok" would hide an outage
    body = response.json()
    assert {k: body[k] for k in ("status", "database", "broker")} == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
    }
    assert body["worker"] == {"last_seen": None, "recent": False}
    assert body["outbox"] == {"status": "ok", "retrying": 0}


def test_emails_waiting_for_a_retry_show_without_a_503(client, db):
    from consortium.core.enums import OutboxStatus
    from consortium.core.models import OutboxMessage

    row = {"recipient_email": "a@exemple.fr", "subject": "Rappel", "body_text": "Bonjour"}
    OutboxMessage.objects.create(kind="k", target="t:1", **row)  # fresh: no try yet
    OutboxMessage.objects.create(kind="k", target="t:2", attempts=2, **row)  # SMTP refused
    OutboxMessage.objects.create(
        kind="k", target="t:3", attempts=1, status=OutboxStatus.SENT, **row
    )
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["outbox"] == {"status": "retrying", "retrying": 1}


def test_worker_is_recent_after_a_heartbeat(client, db):
    heartbeat = heartbeat_record(worker="celery@test")
    worker = client.get("/healthz").json()["worker"]
    assert worker == {"last_seen": heartbeat.seen_at.isoformat(), "recent": True}


def test_old_heartbeat_is_not_recent_but_not_an_error(client, db, settings):
    heartbeat_record(worker="celery@test")
    settings.WORKER_HEARTBEAT_MAX_AGE = 0
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"]["recent"] is False


def test_unreachable_broker_is_a_503(client, db, celery_conf):
    # Nothing listens on port 1.
    celery_conf(broker_url="redis://127.0.0.1:1/0", broker_transport_options={})
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["broker"]) == ("error", "ok", "unavailable")
    assert "127.0.0.1" not in response.content.decode()


def test_unwritable_filesystem_queue_is_a_503(client, db, celery_conf, tmp_path):
    missing = str(tmp_path / "absent")
    celery_conf(
        broker_url="filesystem://",
        broker_transport_options={"data_folder_in": missing, "data_folder_out": missing},
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"


class _BrokenConnection:
    def cursor(self):
        raise RuntimeError(f"could not connect: {SECRET}")


def test_unreachable_database_is_a_503_without_details(client, db, monkeypatch):
    monkeypatch.setattr(health, "connection", _BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"]) == ("error", "unavailable")
    assert body["worker"] == {"last_seen": None, "recent": False}
    assert SECRET not in response.content.decode()
    assert "could not connect" not in response.content.decode()
