"""Production settings an operator can trust: links point at the real site, the load balancer's probe works."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "mssite.settings",
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "kV8#p2!qZr7@xL0m$Wd4^hN6&cT9*yB1(eF3)gJ5-sA8_uQ2+iO7=vR4",
    "DJANGO_ALLOWED_HOSTS": "testserver,example.org",
    "SITE_URL": "https://example.org",
}


def run_python(script: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SITE_URL"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_the_sites_public_address():
    for site_url in ("", "blog.example.org"):
        result = run_python("import django; django.setup()", **{**PRODUCTION, "SITE_URL": site_url})

        assert result.returncode != 0
        assert "SITE_URL must be set to the site's public address" in result.stderr


def test_the_load_balancers_plain_http_probe_of_healthz_is_answered_not_redirected(tmp_path):
    script = """
import django, json
django.setup()
from django.test import Client
client = Client()
print(json.dumps({"healthz": client.get("/healthz").status_code, "home": client.get("/").status_code}))
"""
    result = run_python(script, **PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}")

    assert result.returncode == 0, result.stderr
    statuses = json.loads(result.stdout.strip().splitlines()[-1])
    assert statuses["home"] == 301  # every other plain-HTTP request goes to HTTPS
    assert statuses["healthz"] in (200, 503)  # the probe gets the health answer itself
