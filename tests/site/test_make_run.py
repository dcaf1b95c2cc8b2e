"""`make run` starts the web server and the task worker together; Ctrl-C stops both."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def processes_in_group(pgid: int) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (ProcessLookupError, FileNotFoundError, PermissionError):
            continue
        if command:  # a zombie has no command line
            found.append(command)
    return found


def manage(env: dict, code: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_make_run_serves_runs_queued_tasks_and_ctrl_c_stops_server_and_worker(tmp_path):
    port = free_port()
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "REDIS_", "TASKS_"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "mssite.settings",
        "PYTHONPATH": str(ROOT),
    }
    log = (tmp_path / "make-run.log").open("w")
    make = subprocess.Popen(
        ["make", "run", f"PORT={port}"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                if health.status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert make.poll() is None, (tmp_path / "make-run.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "make-run.log").read_text()
            time.sleep(0.5)
        assert health.json()["queue"]["backend"] == "DatabaseBackend"
        commands = processes_in_group(make.pid)
        assert any("runserver" in command for command in commands)
        assert any("db_worker" in command for command in commands)

        task_id = manage(env, "from tests.site.test_health import waiting_chore; print(waiting_chore.enqueue().id)")
        status = ""
        for _ in range(40):
            status = manage(
                env,
                f"from tests.site.test_health import waiting_chore; print(waiting_chore.get_result('{task_id}').status)",
            )
            if status == "SUCCESSFUL":
                break
            time.sleep(0.5)
        assert status == "SUCCESSFUL"  # the worker beside the server ran it

        os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        make.wait(timeout=30)
        deadline = time.monotonic() + 15
        while processes_in_group(make.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processes_in_group(make.pid) == []
    finally:
        if make.poll() is None or processes_in_group(make.pid):
            os.killpg(make.pid, signal.SIGKILL)
        log.close()
