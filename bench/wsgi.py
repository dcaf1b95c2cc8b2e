"""The benchmarked site's WSGI application: mssite's own, plus one bench-only switch.

A request carrying the header ``X-Bench-New-Comment: 1`` first invalidates the page cache exactly as a new
comment does (``posts.pagecache.invalidate``), so wrk can measure "the first view after a new comment":
every such request is one. Only ``make bench`` serves this module; production serves ``mssite.wsgi``.
"""

from mssite.wsgi import application as site
from posts import pagecache


def application(environ, start_response):
    if environ.get("HTTP_X_BENCH_NEW_COMMENT"):
        pagecache.invalidate(footer=False)  # what a saved comment calls (comments are not in the footer)
    return site(environ, start_response)
