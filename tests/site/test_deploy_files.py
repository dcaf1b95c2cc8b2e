"""The example deployment files of docs/deploy/ are real: nginx accepts the site file, systemd the units."""

import datetime
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy"
VENV_BIN = Path(sys.executable).parent


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "blog.example.org")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def test_the_nginx_site_file_passes_nginx_t(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: `make nginx` installs Debian's (the test set-up does)"
    cert, key = self_signed_certificate(tmp_path)
    site = (DEPLOY / "mssite.nginx").read_text()
    site = site.replace("/etc/letsencrypt/live/blog.example.org/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/blog.example.org/privkey.pem", str(key))
    (tmp_path / "mssite.conf").write_text(site)
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / name).mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp_path}/client_body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/mssite.conf;
}}
"""
    )

    result = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    assert "[warn]" not in result.stderr, result.stderr


def units_for_this_machine(tmp_path: Path) -> list[Path]:
    """The example units with /srv/mssite pointed at this checkout, so systemd can find every program."""
    env_file = tmp_path / "env"
    env_file.write_text("DJANGO_ENV=production\n")
    units = []
    for unit in sorted(DEPLOY.glob("mssite-*.service")) + sorted(DEPLOY.glob("mssite-*.timer")):
        text = unit.read_text()
        text = text.replace("/srv/mssite/.venv/bin/", f"{VENV_BIN}/").replace("/srv/mssite", str(ROOT))
        text = text.replace("/etc/mssite/env", str(env_file))
        text = re.sub(r"^(User|Group)=mssite$", r"\1=root", text, flags=re.MULTILINE)
        copy = tmp_path / unit.name
        copy.write_text(text)
        units.append(copy)
    return units


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    units = units_for_this_machine(tmp_path)
    assert {unit.name for unit in units} == {
        "mssite-web.service",
        "mssite-worker.service",
        "mssite-backup.service",
        "mssite-backup.timer",
    }

    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *map(str, units)],
        capture_output=True,
        text=True,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "notice"},
    )

    assert result.returncode == 0, result.stderr  # e.g. "Command … is not executable", "Unknown key name"
    assert result.stderr == ""


def test_the_worker_units_command_lines_are_ones_this_site_accepts(tmp_path):
    worker = (DEPLOY / "mssite-worker.service").read_text()
    database = re.search(r"^ExecStart=\S+ manage.py (.+)$", worker, re.MULTILINE)[1].split()
    rq = re.search(r"^# ExecStart=\S+ manage.py (.+)$", worker, re.MULTILINE)[1].split()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "mssite.settings",
    }
    env.pop("REDIS_URL", None)
    env.pop("TASKS_BACKEND", None)

    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    ran = subprocess.run(
        [sys.executable, "manage.py", *database, "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
    assert database[0] == "db_worker"
    helped = subprocess.run(
        [sys.executable, "manage.py", rq[0], "--help"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert helped.returncode == 0, helped.stderr
    assert {"--with-scheduler", "--job-class"} <= set(rq)
    assert all(option in helped.stdout for option in ("--with-scheduler", "--job-class"))


def test_the_worker_unit_queues_unfinished_renditions_each_time_it_starts(tmp_path):
    worker = (DEPLOY / "mssite-worker.service").read_text()
    before_start = re.search(r"^ExecStartPre=-\S+ manage.py (.+)$", worker, re.MULTILINE)[1].split()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "mssite.settings",
    }
    env.pop("REDIS_URL", None)
    env.pop("TASKS_BACKEND", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    ran = subprocess.run(
        [sys.executable, "manage.py", *before_start], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert ran.returncode == 0, ran.stderr
    assert "Renditions queued for 0 image(s)." in ran.stdout
