"""Profile comment posting in-process (pyinstrument) and list the queries one posted comment costs.

    DJANGO_SETTINGS_MODULE=bench.settings … .venv/bin/python -m bench.profile_posting POST_URL POST_ID OUT.txt

Posts as `make bench` does: an anonymous reader with a form read once from the cached page (no CSRF token,
the site's own Origin), a different text each time (the same text twice is refused as a duplicate). Needs a
seeded bench site (bench/seed.py) in DATABASE_URL, the environment bench/run.py sets.
"""

import re
import secrets
import sys
from pathlib import Path
from urllib.parse import urlencode

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

page_url, post_id, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
client = Client()
page = client.get(page_url).content.decode()
form = {
    "name": "Bench Poster",
    "email": "poster@example.org",
    "url": "",
    "homepage": "",
    "parent": "",
    "timestamp": re.search(r'name="timestamp" value="([^"]+)"', page)[1],
}
posting_url = f"/comments/post/{post_id}/"
run = secrets.token_hex(3)  # texts of their own on every run: the same text twice is refused as a duplicate
serial = 0


def post() -> None:
    global serial
    serial += 1
    # A new reader each time (no cookies kept), as wrk sends it: no session, no messages cookie.
    client.cookies.clear()
    body = urlencode({**form, "comment": f"Comment number {serial} from profile {run}, about fatigue."})
    response = client.post(
        posting_url, body, content_type="application/x-www-form-urlencoded", headers={"origin": "http://testserver"}
    )
    assert response.status_code == 302, (response.status_code, response.content[:500])


for _ in range(5):
    post()
with CaptureQueriesContext(connection) as captured:
    post()
queries = [query["sql"] for query in captured.captured_queries]
profiler = Profiler(interval=0.0002)
with profiler:
    for _ in range(200):
        post()
text = profiler.output_text(unicode=False, color=False, show_all=False)
listing = "\n".join(f"{number:2}. {sql[:300]}" for number, sql in enumerate(queries, 1))
out.write_text(f"{len(queries)} queries per posted comment:\n{listing}\n\n{text}")
print(f"{len(queries)} queries per posted comment:\n{listing}\n")
print(text[:8000])
