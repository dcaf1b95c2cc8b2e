"""A small cluster on one machine: two gunicorn app servers, one task worker, PostgreSQL, Redis and S3.

``make cluster`` runs it in the foreground (Ctrl-C stops it); tests/cluster/cluster_test.py drives it. The app
servers share nothing but the engines: the database (PostgreSQL), the cache, sessions and task queue (Redis,
RQ) and the media (a local S3 endpoint, moto's server mode). PostgreSQL and Redis are the machine's own.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import requests

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _admin_connection(database_url: str):
    parts = urlsplit(database_url)
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    connection.autocommit = True
    return connection, parts.path.lstrip("/")


class Cluster:
    """Start, poke and stop the cluster's processes. Every name it uses carries ``tag``, so runs never collide."""

    def __init__(self, *, database_url: str, redis_url: str, workdir: Path, tag: str | None = None):
        self.tag = tag or uuid.uuid4().hex[:10]
        self.database_url = database_url
        self.redis_url = redis_url
        self.workdir = Path(workdir)
        self.mail_dir = self.workdir / "mail"
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}
        self.s3_endpoint = ""
        self.bucket = f"media-{self.tag}"
        self.queue = f"mssite-{self.tag}"

    # Environment ---------------------------------------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        keep = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "TASKS_", "S3_", "MEDIA_", "EMAIL_", "RQ_"))
        }
        return {
            **keep,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "mssite.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "REDIS_KEY_PREFIX": f"mssite-{self.tag}",
            "TASKS_BACKEND": "rq",
            "TASKS_QUEUE": self.queue,
            "MEDIA_STORAGE": "s3",
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.s3_endpoint,
            "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY_ID": "testing-access-key",
            "S3_SECRET_ACCESS_KEY": "testing-secret-key",
            "STATIC_ROOT": str(self.workdir / "static"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "SITE_URL": self.url("a") if "a" in self.ports else "http://127.0.0.1",
            "SOCIAL_LOGIN_SIMULATION": "false",
            "LOG_LEVEL": "WARNING",
        }

    def url(self, server: str, path: str = "") -> str:
        return f"http://127.0.0.1:{self.ports[server]}{path}"

    # Processes -------------------------------------------------------------------------------------

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.workdir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes[name] = process
        return process

    def manage(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def shell(self, code: str) -> str:
        """Run Python in a Django shell of the cluster; returns its last line of output."""
        lines = self.manage("shell", "--no-imports", "-c", code).strip().splitlines()
        return lines[-1] if lines else ""

    def create_database(self) -> None:
        connection, name = _admin_connection(self.database_url)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()

    def drop_database(self) -> None:
        connection, name = _admin_connection(self.database_url)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()

    def start_s3(self) -> None:
        process = self._spawn("s3", [PYTHON, "-u", "-m", "tests.fakes.s3", self.bucket])
        log = self.workdir / "s3.log"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = re.search(r"S3_ENDPOINT_URL=(\S+)", log.read_text())
            if found:
                self.s3_endpoint = found.group(1)
                return
            if process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"The S3 endpoint did not start:\n{log.read_text()}")

    def start_app(self, name: str) -> None:
        self.ports.setdefault(name, free_port())
        self._spawn(
            name,
            [
                PYTHON, "-m", "gunicorn", "mssite.wsgi",
                "--bind", f"127.0.0.1:{self.ports[name]}",
                "--workers", "2", "--timeout", "60", "--graceful-timeout", "5",
                "--access-logfile", "-",
            ],
        )  # fmt: skip

    def start_worker(self) -> None:
        self._spawn(
            "worker",
            [PYTHON, "manage.py", "rqworker", "--with-scheduler", "--job-class", "django_tasks_rq.Job", self.queue],
        )

    def kill_worker(self) -> None:
        """Kill the worker at once (SIGKILL: no goodbye), as a crash or an OOM kill would."""
        self.stop_process("worker", signal.SIGKILL)

    def stop_process(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def wait_until_up(self, name: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url(name, "/healthz"), timeout=15).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            if self.processes[name].poll() is not None:
                break
            time.sleep(0.3)
        raise RuntimeError(f"{name} did not come up:\n{(self.workdir / f'{name}.log').read_text()[-4000:]}")

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.mail_dir.mkdir(exist_ok=True)
        self.start_s3()
        self.create_database()
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        self.ports = {"a": free_port(), "b": free_port()}
        for name in ("a", "b"):
            self.start_app(name)
        for name in ("a", "b"):
            self.wait_until_up(name)
        self.start_worker()

    def stop(self) -> None:
        for name in list(self.processes):
            self.stop_process(name)
        self._forget_redis_keys()

    def _forget_redis_keys(self) -> None:
        """Delete this run's keys only (its cache prefix and queue); other users of the Redis keep theirs."""
        import redis

        client = redis.Redis.from_url(self.redis_url)
        for pattern in (f"*mssite-{self.tag}*", f"rq:*{self.queue}*"):
            for key in client.scan_iter(match=pattern, count=500):
                client.delete(key)

    # Mail ------------------------------------------------------------------------------------------

    def sent_mail(self) -> list[str]:
        """Every message the worker delivered (Django's file backend: one file per connection)."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            messages += [part for part in path.read_text().split("-" * 79) if part.strip()]
        return messages


def main() -> None:
    database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mssite_cluster")
    if not database_url.startswith("postgres"):
        sys.exit("make cluster needs PostgreSQL: DATABASE_URL=postgres://user@host:5432/name")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    workdir = Path(tempfile.mkdtemp(prefix="mssite-cluster-"))
    cluster = Cluster(database_url=database_url, redis_url=redis_url, workdir=workdir)
    try:
        cluster.start()
        cluster.manage("load_demo")
        print(f"Cluster up (logs and delivered mail in {workdir}):")
        print(f"  app server A  {cluster.url('a')}/")
        print(f"  app server B  {cluster.url('b')}/")
        print(f"  task worker   rqworker on queue {cluster.queue} (Redis {redis_url})")
        print(f"  object store  {cluster.s3_endpoint}/{cluster.bucket}")
        print(f"  database      {database_url}")
        print("Ctrl-C stops everything.", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)
    main()
