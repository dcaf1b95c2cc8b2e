"""`make run` serves where HOST and PORT say, and tells the site its own address (SITE_URL) for email links."""

import os
import subprocess
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def make_run(tmp_path, *variables: str) -> list[str]:
    """Run `make run` with a stand-in Python that prints each command and the SITE_URL it was given."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text('#!/bin/sh\necho "$* SITE_URL=$SITE_URL"\n')
    python.chmod(0o755)
    (venv / ".installed").touch()
    environment = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "HOST", "PORT")}
    result = subprocess.run(
        ["make", "--no-print-directory", "run", f"VENV={venv}", *variables],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if "SITE_URL=" in line]


def test_make_run_on_another_port_points_email_links_at_that_port(tmp_path):
    lines = make_run(tmp_path, "PORT=8061")

    runserver = next(line for line in lines if line.startswith("manage.py runserver"))
    assert runserver == "manage.py runserver 127.0.0.1:8061 SITE_URL=http://127.0.0.1:8061"
    # (the worker, started in the background by the same recipe, inherits the same exported SITE_URL)
    admin = next(line for line in lines if "ensure_demo_admin" in line)
    assert "--url http://127.0.0.1:8061/admin/" in admin


def test_an_explicit_site_url_wins(tmp_path):
    lines = make_run(tmp_path, "PORT=8061", "SITE_URL=https://blog.example.org")

    runserver = next(line for line in lines if line.startswith("manage.py runserver"))
    assert runserver == "manage.py runserver 127.0.0.1:8061 SITE_URL=https://blog.example.org"
