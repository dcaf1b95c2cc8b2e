"""Profile the anonymous post page with 200 comments in-process (pyinstrument), as rendered on a cache miss.

Run by bench/run.py after seeding (DJANGO_SETTINGS_MODULE=bench.settings). A unique query string makes
every request a full render (the page cache stores only addresses without a query string).
"""

import sys
from pathlib import Path

import django

django.setup()

from django.test import Client  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

url, out = sys.argv[1], Path(sys.argv[2])
client = Client()
for warm in range(5):
    assert client.get(f"{url}?warm={warm}").status_code == 200
profiler = Profiler(interval=0.0005)
with profiler:
    for number in range(40):
        client.get(f"{url}?profile={number}")
text = profiler.output_text(unicode=False, color=False, show_all=False)
out.write_text(text)
print(text[:6000])
