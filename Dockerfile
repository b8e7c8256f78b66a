# Production image of the consortium portal: gunicorn by default; the same image runs the
# Celery worker and beat (see docker-compose.yml). Build: docker build -t consortium-portal .
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=consortium.settings.production

# WeasyPrint (PDF) needs Pango and HarfBuzz's subsetter (without it PDFs are ~4x slower);
# DejaVu gives it a font with every French glyph; gettext compiles the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

# pg_dump and pg_restore for `manage.py backup` / `restore`, of the server's major version
# (postgres:15 in docker-compose.yml), from the PostgreSQL project's repository: Debian's own
# client is newer, and a client of 17 or later writes `SET transaction_timeout`, which a
# server of 15 rejects when restoring.
ARG PG_MAJOR=15
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} \
    && rm -rf /var/lib/apt/lists/*
ENV DJANGO_BACKUP_PG_BIN_DIR=/usr/lib/postgresql/${PG_MAJOR}/bin

# The code belongs to root and is read-only for the process; only var/ and the user's home
# (where gunicorn puts its control socket, for gunicornc) are writable.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app

WORKDIR /app

# Runtime dependencies only (no test tools), in their own layer for the build cache.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files and translations are built into the image. The production settings need a
# secret key to load: this one exists only during these two commands.
RUN export DJANGO_SECRET_KEY=build-only-not-a-secret \
    && python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore=.venv --ignore=var \
    && mkdir -p var/media var/celery var/mail var/backups \
    && chown -R app:app var/media var/celery var/mail var/backups \
    && chmod 0755 docker/entrypoint.sh

USER app

EXPOSE 8000

# /healthz answers 200 when the database and the broker answer (503 otherwise).
# The worker and beat services of docker-compose.yml replace or disable this check.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "consortium.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
