"""A mistyped DJANGO_ENV refuses to start instead of quietly serving development settings in public."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mssite.settings import environment_name

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_SECRETS = {
    "DJANGO_SECRET_KEY": "kV8#p2!qZr7@xL0m$Wd4^hN6&cT9*yB1(eF3)gJ5-sA8_uQ2+iO7=vR4",
    "DJANGO_ALLOWED_HOSTS": "example.org",
    "SITE_URL": "https://example.org",
}


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


@pytest.mark.parametrize("value", ["prod", "staging", "dev", "production-eu", "live"])
def test_an_unknown_environment_refuses_to_start(value):
    result = run_manage("check", DJANGO_ENV=value, **PRODUCTION_SECRETS)

    assert result.returncode != 0
    assert "DJANGO_ENV must be one of development, production, test" in result.stderr
    assert repr(value) in result.stderr


@pytest.mark.parametrize("value", [" production", "Production", "PRODUCTION\n", "\tproduction "])
def test_production_with_stray_case_or_spaces_is_still_production(value):
    script = "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)"

    result = run_manage("shell", "-c", script, DJANGO_ENV=value, **PRODUCTION_SECRETS)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["False", "True"]


@pytest.mark.parametrize(("value", "name"), [(None, "development"), ("", "development"), (" Test ", "test")])
def test_known_names_are_normalised(value, name):
    assert environment_name(value) == name


def test_the_error_names_what_was_typed():
    with pytest.raises(ImproperlyConfigured, match="not 'staging'"):
        environment_name("staging")
