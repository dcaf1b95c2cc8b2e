"""Operators: `manage.py check --deploy` in production names what would quietly break the site."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks

from comments.checks import is_loopback

PROJECT = Path(settings.BASE_DIR)
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "blog.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def deploy_check(**environment) -> str:
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "SITE_URL", "EMAIL_BACKEND")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(PRODUCTION, **environment)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.stdout + result.stderr


def test_production_with_development_defaults_warns_about_mail_and_site_address():
    # Production refuses to start without SITE_URL; one left at make run's loopback address is warned about.
    output = deploy_check(SITE_URL="http://127.0.0.1:8000")

    assert "comments.W001" in output  # mail to the console
    assert "comments.W003" in output  # SITE_URL on loopback
    assert "comments.W002" not in output  # the embedded default cache (the database) is shared by workers


def run_deploy_checks() -> set[str]:
    return {message.id for message in checks.run_checks(include_deployment_checks=True)}


def test_a_per_process_cache_with_several_workers_expected_is_named(settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert "comments.W002" in run_deploy_checks()  # the README's deployment runs three workers

    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert "comments.W002" in run_deploy_checks()

    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert "comments.W002" not in run_deploy_checks()

    monkeypatch.delenv("WEB_CONCURRENCY")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "c"}}
    assert "comments.W002" not in run_deploy_checks()


def test_a_configured_production_site_has_none_of_these_warnings():
    output = deploy_check(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        REDIS_URL="redis://127.0.0.1:6379/0",
        SITE_URL="https://blog.example.org",
    )

    for check_id in ("comments.W001", "comments.W002", "comments.W003"):
        assert check_id not in output


def test_the_checks_run_only_with_deploy(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.SITE_URL = "http://127.0.0.1:8000"

    everyday = {message.id for message in checks.run_checks(include_deployment_checks=False)}
    deploy = {message.id for message in checks.run_checks(include_deployment_checks=True)}

    assert "comments.W001" not in everyday
    assert {"comments.W001", "comments.W003"} <= deploy


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8061", True),
        ("http://[::1]:8000", True),
        ("http://0.0.0.0:8000", True),
        ("http://app.localhost", True),
        ("https://blog.example.org", False),
        ("http://192.0.2.10", False),
    ],
)
def test_loopback_addresses(url, loopback):
    assert is_loopback(url) is loopback
