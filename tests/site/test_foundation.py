"""The base every feature stands on: health check, error pages, settings per environment."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_unknown_page_gets_the_themed_404(client, settings):
    response = client.get("/no/such/page/here/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert settings.SITE_NAME in html
    assert 'name="robots" content="noindex"' in html


@pytest.mark.django_db
def test_server_error_shows_the_themed_500_without_a_traceback(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    with mock.patch("posts.views.render", side_effect=RuntimeError("secret internals")):
        response = client.get("/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert settings.SITE_NAME in html
    assert "secret internals" not in html
    assert "Traceback" not in html


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="example.org")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 60)

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_production_passes_the_deployment_checklist_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="kV8#p2!qZr7@xL0m$Wd4^hN6&cT9*yB1(eF3)gJ5-sA8_uQ2+iO7=vR4",
        DJANGO_ALLOWED_HOSTS="example.org",
        # What the README's deployment sets: real mail and the public address (comments.W001 and W003 otherwise).
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        SITE_URL="https://example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_defaults_need_no_configuration():
    result = run_manage("check")

    assert result.returncode == 0, result.stderr


def test_production_behind_its_proxy_counts_readers_not_the_proxy_and_queues_background_work_in_the_database():
    script = (
        "from django.conf import settings; "
        "print(settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.SECURE_PROXY_SSL_HEADER[0], "
        "settings.TASKS['default']['BACKEND'])"
    )
    result = run_manage(
        "shell",
        "-c",
        script,
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="kV8#p2!qZr7@xL0m$Wd4^hN6&cT9*yB1(eF3)gJ5-sA8_uQ2+iO7=vR4",
        DJANGO_ALLOWED_HOSTS="example.org",
        SITE_URL="https://example.org",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["1", "HTTP_X_FORWARDED_PROTO", "django_tasks_db.DatabaseBackend"]
