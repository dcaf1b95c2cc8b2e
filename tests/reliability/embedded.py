"""The site as `make run` configures it (development settings, SQLite file, no Redis), in separate processes.

Each `run()` is a new Python process, as each gunicorn worker is: what one counts, the others must see.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class EmbeddedSite:
    def __init__(self, folder: Path):
        self.environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_", "DATABASE_"))}
        self.environ.update(
            DATABASE_URL=f"sqlite:///{folder / 'site.sqlite3'}",
            MEDIA_ROOT=str(folder / "media"),
            DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1",
            LOG_LEVEL="ERROR",
        )
        self.manage("migrate", "--noinput", "-v0")

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.environ, capture_output=True, text=True
        )
        if check and result.returncode != 0:
            raise AssertionError(result.stderr)
        return result

    def start(self, script: str) -> subprocess.Popen:
        """A worker process running `script` in a Django shell, started without waiting for it."""
        return subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=self.environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, script: str) -> str:
        """Run `script` in its own process; its last line of output."""
        out, err = self.start(script).communicate(timeout=120)
        lines = out.strip().splitlines()
        if not lines:
            raise AssertionError(err)
        return lines[-1]
