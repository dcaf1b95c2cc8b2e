"""`make bench`: one sitting, every speed measurement the site is held to, as ratios to a minimal Django view.

    make bench                                   # PostgreSQL database mssite_bench (dropped and re-created)
    DATABASE_URL=postgres://postgres@host:5432/mssite_bench2 REDIS_URL=redis://127.0.0.1:6379/3 make bench
    BENCH_DURATION=5 .venv/bin/python -m bench.run --no-profile
    .venv/bin/python -m bench.run --only posting     # just comment posting (and the ceiling); prints, keeps the table

What it does: re-creates the database (its name must contain "bench"), migrates, collects static files and
seeds (bench/seed.py: the demo, posts with 0, 200 and 1,000 threaded comments, a signed-in reader) a
production-mode site (bench/settings.py), starts it and the ceiling app (bench/ceiling.py) under the same
gunicorn settings (2 sync workers) on free loopback ports, checks every page shows its N comments, then drives
each page with `wrk -t1 -c8` (3 s warm-up, then BENCH_DURATION seconds, 10 by default). It prints the table and
writes bench/results/latest.md and latest.json. Redis is used when REDIS_URL is set, under a key prefix unique
to the run (deleted at the end).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mssite_bench"
WORKERS = 2
CONNECTIONS = 8
WARMUP_SECONDS = 3
COMMENT_MARK = re.compile(r'<li id="comment-\d+" class="comment depth-')
SIGNED_IN_MARK = re.compile(r"Logged in as|You are commenting (as|using)")
REMEMBERED = "comment_author=Jamie%20Rivers; comment_author_email=jamie.rivers%40example.com"
# `--only NAME`: the rows measured (the ceiling always, for context), to compare before and after a change quickly.
ONLY = {"posting": {"ceiling", "posting", "rss"}}


@dataclass
class Row:
    key: str
    label: str
    requests_per_second: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    ratio: float = 0.0
    target: float | None = None
    p99_target_ms: float | None = None
    unit: str = "req/s"
    notes: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        if self.unit == "MB":
            return self.requests_per_second <= self.target
        value = self.requests_per_second if self.unit != "req/s" else self.ratio
        ok = value >= self.target and not self.errors
        if self.p99_target_ms is not None:
            ok = ok and self.p99_ms < self.p99_target_ms
        return ok


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Debian's wrk…", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, stdout=subprocess.DEVNULL)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
        return shutil.which("wrk")
    sys.exit("make bench needs wrk: sudo apt-get install wrk")


def recreate_database(url: str) -> None:
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not parts.scheme.startswith("postgres"):
        sys.exit("The bench runs on PostgreSQL: DATABASE_URL must be postgres://…")
    if "bench" not in name:
        sys.exit(f"Refusing to drop database {name!r}: a bench database's name contains 'bench'.")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def count_comments(url: str, post_id: int) -> int:
    import psycopg2

    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM comments_comment WHERE post_id = %s", [post_id])
        return cursor.fetchone()[0]


def fetch(url: str, cookie: str = "") -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), dict(error.headers)


def start_gunicorn(app: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    command = [
        PYTHON, "-m", "gunicorn", app,
        "--workers", str(WORKERS), "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn {app} exited; see {log}:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn {app} did not start; see {log}")


def parse_duration(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    value, unit = float(match[1]), match[2]
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(
    wrk_bin: str, url: str, *, duration: int, cookie: str = "", script: Path | None = None, header: str = ""
) -> dict:
    # As every browser does; only pages from the page cache come compressed (stored so once).
    base = [wrk_bin, "-t1", f"-c{CONNECTIONS}", "--latency", "--timeout", "10s", "-H", "Accept-Encoding: gzip"]
    if cookie:
        base += ["-H", f"Cookie: {cookie}"]
    if header:
        base += ["-H", header]
    if script:
        base += ["-s", str(script)]
    subprocess.run([*base, f"-d{WARMUP_SECONDS}s", url], check=True, capture_output=True)
    output = subprocess.run([*base, f"-d{duration}s", url], check=True, capture_output=True, text=True).stdout
    if not re.search(r"^\s+99%\s+\S+\s*$", output, re.M):
        sys.exit(f"wrk's answer for {url} is not understood:\n{output}")
    errors = 0
    for pattern in (
        r"Non-2xx or 3xx responses: (\d+)",
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
    ):
        match = re.search(pattern, output)
        if match:
            errors += sum(int(group) for group in match.groups())
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        # Whole lines of the latency distribution: "96.99%" in the stdev column also ends in "99%".
        "p50": parse_duration(re.search(r"^\s+50%\s+(\S+)\s*$", output, re.M)[1]),
        "p99": parse_duration(re.search(r"^\s+99%\s+(\S+)\s*$", output, re.M)[1]),
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "errors": errors,
        "raw": output,
    }


def lua(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def worker_rss_mb(master: subprocess.Popen) -> list[float]:
    output = subprocess.run(["ps", "-o", "rss=", "--ppid", str(master.pid)], capture_output=True, text=True).stdout
    return [int(line) / 1024 for line in output.split()]


def markdown(rows: list[Row], meta: dict) -> str:
    lines = [
        f"`make bench`, {meta['date']}: {meta['machine']}; gunicorn {WORKERS} sync workers; "
        f"`wrk -t1 -c{CONNECTIONS}` with `Accept-Encoding: gzip`, {WARMUP_SECONDS} s warm-up then {meta['duration']} s; "
        f"PostgreSQL, {'Redis' if meta['redis'] else 'no Redis (embedded caches: database, pages in files)'}; "
        f"commit {meta['git']}.",
        "",
        "| Measurement | req/s | p50 | p99 | Ratio to ceiling | Target | Met |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        if row.unit != "req/s":
            value = f"{row.requests_per_second:,.0f} {row.unit}"
            lines.append(
                f"| {row.label} | {value} | | | | {_target(row)} | {_met(row)} |"
                if row.unit != "MB"
                else f"| {row.label} | {row.requests_per_second:,.0f} MB | | | | {_target(row)} | {_met(row)} |"
            )
            continue
        lines.append(
            f"| {row.label} | {row.requests_per_second:,.1f} | {row.p50_ms:.1f} ms | {row.p99_ms:.1f} ms | "
            f"{row.ratio:.3f}× | {_target(row)} | {_met(row)} |"
        )
    return "\n".join(lines) + "\n"


def _target(row: Row) -> str:
    if row.target is None:
        return ""
    if row.unit == "MB":
        return f"≤ {row.target:.0f} MB"
    if row.unit != "req/s":
        return f"≥ {row.target:.0f} {row.unit}, no errors"
    text = f"≥ {row.target}×"
    return text + (f", p99 < {row.p99_target_ms:.0f} ms" if row.p99_target_ms else "")


def _met(row: Row) -> str:
    return {None: "", True: "yes", False: "**no**"}[row.met]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-profile", action="store_true", help="skip the pyinstrument profile")
    parser.add_argument("--output", help=f"where latest.md and latest.json go ({RESULTS.relative_to(ROOT)}/)")
    parser.add_argument(
        "--only", choices=sorted(ONLY), help="measure just this and the ceiling; prints, writes only with --output"
    )
    args = parser.parse_args()
    duration = int(os.environ.get("BENCH_DURATION", "10"))
    wrk_bin = ensure_wrk()
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL", "")
    prefix = f"mssite-bench-{os.getpid()}-{secrets.token_hex(3)}"
    work = Path(tempfile.mkdtemp(prefix="mssite-bench-"))
    output = Path(args.output or RESULTS)
    output.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # Production refuses to start without its public address; the bench site lives on loopback.
        "SITE_URL": "http://127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_BEHIND_PROXY": "false",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "BENCH_CACHE_PREFIX": prefix,
        "PAGE_CACHE_DIR": str(work / "page-cache"),  # without REDIS_URL: pages of this throw-away site only
        # Side effects (moderation mail) queue in the throw-away database: nothing is left in a shared Redis.
        "TASKS_BACKEND": "database",
        "PYTHONPATH": str(ROOT),
    }
    processes: list[subprocess.Popen] = []
    try:
        print(
            f"Database {database_url} (re-created); cache: {redis_url or 'the embedded defaults (database; pages in files)'}",
            flush=True,
        )
        recreate_database(database_url)
        manage = [PYTHON, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        seeded = subprocess.run(
            [PYTHON, "-m", "bench.seed"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        site_data = json.loads(seeded.stdout.strip().splitlines()[-1])
        posts = {int(size): data for size, data in site_data["posts"].items()}

        if not (args.no_profile or args.only):
            print("Profiling the 200-comment post page (pyinstrument)…", flush=True)
            subprocess.run(
                [PYTHON, "-m", "bench.profile_page", posts[200]["url"], str(output / "profile-post-200.txt")],
                cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip

        site_port, ceiling_port = free_port(), free_port()
        site = start_gunicorn("bench.wsgi:application", site_port, env, work / "site.log")
        processes.append(site)
        ceiling_env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
        processes.append(start_gunicorn("bench.ceiling:application", ceiling_port, ceiling_env, work / "ceiling.log"))
        site_url = f"http://127.0.0.1:{site_port}"

        # Each page must show what it claims before anything is timed.
        checks = {
            "anonymous": "",
            "remembered commenter": REMEMBERED,
            "signed-in reader": site_data["session_cookie"],
        }
        for size, data in posts.items():
            for who, cookie in checks.items():
                status, body, _ = fetch(site_url + data["url"], cookie)
                found = len(COMMENT_MARK.findall(body))
                if status != 200 or found != size:
                    sys.exit(f"{data['url']} for a {who}: HTTP {status}, {found} comments shown, {size} expected")
                if who == "signed-in reader" and not SIGNED_IN_MARK.search(body):
                    sys.exit(f"{data['url']}: the session cookie does not sign the reader in")
        pages = {
            "home": "/",
            "category": site_data["category_url"],
            "tag": site_data["tag_url"],
            "year": site_data["year_url"],
            "feed": "/feed/",
            "comments_feed": f"{posts[200]['url']}feed/",
        }
        for name, path in pages.items():
            status, _, _ = fetch(site_url + path)
            if status != 200:
                sys.exit(f"{name} page {path}: HTTP {status}")
        # The anonymous pages the targets are about must come from the page cache on a second read.
        cached = [posts[200]["url"], posts[1000]["url"], *pages.values()]
        for path in cached:
            fetch(site_url + path)
            _, _, headers = fetch(site_url + path)
            if headers.get("X-Page-Cache") != "hit":
                print(f"Note: {path} is not served from the page cache (X-Page-Cache: {headers.get('X-Page-Cache')})")
        _, sample, _ = fetch(f"http://127.0.0.1:{ceiling_port}/")
        print(f"Checked: every post page shows its 0/200/1,000 comments; ceiling body {len(sample)} bytes.", flush=True)

        miss_script = lua(
            work / "miss.lua",
            'local n = 0\nrequest = function()\n  n = n + 1\n  return wrk.format(nil, wrk.path .. "?miss=" .. n)\nend\n',
        )
        # bench/wsgi.py: each request first invalidates the page cache as a new comment does.
        new_comment_header = "X-Bench-New-Comment: 1"
        rows: list[Row] = []

        def measure(key, label, path, *, cookie="", script=None, target=None, p99=None, base=site_url, header=""):
            if args.only and key not in ONLY[args.only]:
                return None
            print(f"  {label}…", flush=True)
            result = wrk(wrk_bin, base + path, duration=duration, cookie=cookie, script=script, header=header)
            row = Row(key, label, result["rps"], result["p50"], result["p99"], result["errors"], 0.0, target, p99)
            rows.append(row)
            return row

        ceiling = measure("ceiling", "Ceiling: minimal Django view, 7 KB", "/", base=f"http://127.0.0.1:{ceiling_port}")
        measure("home", "Home page, anonymous", "/", target=0.8)
        measure("category", "Category archive, anonymous", pages["category"], target=0.8)
        measure("tag", "Tag archive, anonymous", pages["tag"], target=0.8)
        measure("year", "Year archive, anonymous", pages["year"], target=0.8)
        measure("feed", "Posts feed (RSS), anonymous", "/feed/", target=0.8)
        measure("comments_feed", "Comments feed of the 200-comment post", pages["comments_feed"], target=0.8)
        for size in (200, 1000):
            url = posts[size]["url"]
            signed_target = {200: 0.25, 1000: 0.08}[size]
            measure(
                f"post{size}_anonymous", f"Post, {size:,} comments, anonymous", url,
                target=0.8 if size == 200 else None, p99=20 if size == 200 else None,
            )  # fmt: skip
            measure(f"post{size}_remembered", f"Post, {size:,} comments, remembered commenter", url, cookie=REMEMBERED)
            measure(
                f"post{size}_signed_in", f"Post, {size:,} comments, signed-in reader", url,
                cookie=site_data["session_cookie"], target=signed_target,
            )  # fmt: skip
        measure(
            "post200_miss",
            "Post, 200 comments, first view after a new comment (cache miss)",
            posts[200]["url"],
            header=new_comment_header,
            target=0.1,
        )
        measure(
            "post200_uncached",
            "Post, 200 comments, a query string (never cached: nothing reused but the kept form)",
            posts[200]["url"],
            script=miss_script,
        )
        for row in rows:
            row.ratio = row.requests_per_second / ceiling.requests_per_second

        # Posting: a form read once, then every request a different comment (duplicates are refused).
        target_post = posts[0]
        status, body, headers = fetch(site_url + target_post["url"])
        timestamp = re.search(r'name="timestamp" value="([^"]+)"', body)[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        csrf_cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))
        fields = {"name": "Bench Poster", "email": "poster@example.org", "url": "", "timestamp": timestamp}
        if token:
            fields["csrfmiddlewaretoken"] = token[1]
        form = urllib.parse.urlencode({**fields, "homepage": "", "parent": ""})
        cookie_line = f'["Cookie"] = "csrftoken={csrf_cookie[1]}",' if csrf_cookie else ""
        post_script = lua(
            work / "post.lua",
            "local n = 0\n"
            'wrk.method = "POST"\n'
            "request = function()\n"
            "  n = n + 1\n"
            f'  local body = "{form}&comment=Comment+number+" .. n .. "+from+the+bench%2C+about+fatigue."\n'
            '  return wrk.format("POST", wrk.path, {["Content-Type"] = "application/x-www-form-urlencoded", '
            f'["Origin"] = "{site_url}", {cookie_line}}}, body)\n'
            "end\n",
        )
        before = count_comments(database_url, target_post["post_id"])
        print("  Posting comments…", flush=True)
        base = [wrk_bin, "-t1", f"-c{CONNECTIONS}", "--timeout", "10s", "-s", str(post_script)]
        started = time.time()
        result = subprocess.run(
            [*base, f"-d{duration}s", f"{site_url}/comments/post/{target_post['post_id']}/"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        elapsed = time.time() - started
        stored = count_comments(database_url, target_post["post_id"]) - before
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
        posting = Row("posting", "Comments posted and stored per second", stored / elapsed, unit="comments/s")
        posting.errors = int(errors[1]) if errors else 0
        posting.target = 150
        posting.notes.append(f"{stored} stored in {elapsed:.1f} s, {posting.errors} error responses")
        rows.append(posting)

        rss = worker_rss_mb(site)
        rows.append(Row("rss", "Largest site worker RSS after the run", max(rss), unit="MB", target=150))
        rows[-1].notes.append(f"workers: {', '.join(f'{value:.0f} MB' for value in rss)}")
        rows[-1].errors = 0

        meta = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{os.cpu_count()} cores",
            "duration": duration,
            "redis": bool(redis_url),
            "database": urllib.parse.urlsplit(database_url)._replace(netloc="…").geturl(),
            "git": subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
            ).stdout.strip(),
        }
        table = markdown(rows, meta)
        # RSS is not a ratio: its "met" is "at most".
        print()
        print(table)
        if args.only and not args.output:
            return  # a partial run never replaces the committed table
        (output / "latest.md").write_text(table)
        payload = {"meta": meta, "rows": [{**asdict(row), "met": row.met} for row in rows]}
        (output / "latest.json").write_text(json.dumps(payload, indent=2) + "\n")
        print(f"Written to {output / 'latest.md'} and {output / 'latest.json'}")
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if redis_url:
            _delete_prefix(redis_url, prefix)
        shutil.rmtree(work, ignore_errors=True)


def _delete_prefix(redis_url: str, prefix: str) -> None:
    try:
        import redis
    except ImportError:
        return
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        client.delete(key)


if __name__ == "__main__":
    main()
