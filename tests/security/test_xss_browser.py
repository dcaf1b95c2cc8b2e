"""The XSS corpus in Chromium, on a representative sample (the full corpus runs server-side in test_xss.py).

For each sampled payload, a site holding it in every field is opened where readers and moderators see it.
Nothing may open a dialog (every payload calls alert), raise an error, trip the Content-Security-Policy
(which would mean injected markup reached the page and tried to run) or leave script-bearing elements or
attributes in the live DOM.
"""

from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse

from . import hostile
from .browser_checks import sign_in, watch
from .xss_payloads import PAYLOADS

pytestmark = pytest.mark.browser

# One of each family: script elements, event handlers, script URLs, Markdown, context break-outs, SVG and
# MathML parsing differentials, entity and control-character obfuscation.
SAMPLE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(14)>",
    "<svg/onload=alert(22)>",
    "<details open ontoggle=alert(25)>",
    '<a href="jav&#x09;ascript:alert(46)">link</a>',
    '<iframe srcdoc="<script>alert(52)</script>"></iframe>',
    "[click](javascript:alert(68))",
    '"><script>alert(74)</script>',
    "</script><script>alert(80)</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(84)>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(86)>",
    'http://example.org/"onmouseover="alert(88)',
]
assert set(SAMPLE) <= set(PAYLOADS)


@pytest.mark.parametrize("payload", SAMPLE, ids=range(len(SAMPLE)))
def test_sampled_payload_runs_nowhere_in_chromium(live_server, context, page, people, payload):
    site = hostile.build(payload, author=people["author_a"], reader=people["reader"])
    watched = watch(page)
    public = [
        site.post.get_absolute_url(),
        site.page.get_absolute_url(),
        site.category.get_absolute_url(),
        "/?s=" + quote(payload),
        f"/author/{site.author.username}/",
    ]
    admin = [
        reverse("admin:comments_comment_changelist"),
        reverse("admin:posts_post_change", args=[site.post.pk]),
        reverse("admin:posts_image_change", args=[site.image.pk]),
    ]
    for url in public:
        check(page, watched, live_server.url + url)
    sign_in(context, live_server.url, people["admin"])
    for url in admin + public[:1]:
        check(page, watched, live_server.url + url)


def check(page, watched, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    # Hover and focus what a reader would, so handlers that need a gesture would fire.
    page.mouse.move(200, 300)
    assert watched.dialogs == [], url
    assert watched.errors == [], url
    assert watched.violations() == [], url
    assert watched.script_bearing_dom(settings.STATIC_URL) == [], url
