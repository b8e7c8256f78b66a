#!/bin/sh
# Entry point of the image: refuse to start production without a secret key; with
# RUN_MIGRATIONS=1 (docker-compose sets it on the web service only), apply the database
# migrations first; then run the command (gunicorn by default, or celery worker/beat).
set -eu

case "${DJANGO_SETTINGS_MODULE:-}" in
    *production*)
        if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
            echo "entrypoint: DJANGO_SECRET_KEY is empty. Set it in .env (see .env.example)," \
                "for example to the output of:" \
                "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'" >&2
            exit 64
        fi
        ;;
esac

if [ "${RUN_MIGRATIONS:-0}" = "1" ]; then
    echo "entrypoint: applying migrations" >&2
    python manage.py migrate --noinput
fi

exec "$@"
