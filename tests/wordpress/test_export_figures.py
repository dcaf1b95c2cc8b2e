"""A figure exported to WordPress shows there: the original file, with the attachment's wp-image class.

WordPress imports the attachment's original file and regenerates its own sizes; our renditions
(…-480w.webp, …-960w.png) are never imported, so a figure pointing at them would be broken there.
"""

import io
import re

import pytest

from posts.services import add_image
from tests.factories import PostFactory, UserFactory
from tests.posts_authoring.imagefiles import image_bytes, upload
from wordpress import wxr
from wordpress.services import export_wxr

pytestmark = pytest.mark.django_db


def _exported_items() -> dict[str, wxr.Item]:
    out = io.StringIO()
    export_wxr(out=out, base_url="https://ms.example.org")
    records = wxr.read(io.BytesIO(out.getvalue().encode()))
    return {record.title: record for record in records if isinstance(record, wxr.Item)}


@pytest.fixture
def scan():
    return add_image(
        file=upload(image_bytes(size=(1200, 800)), "mri-scan.png"), alt_text="An MRI scan", caption="Lesions"
    )


def test_a_captioned_figure_is_exported_as_wordpress_stores_it(scan):
    PostFactory(title="With a figure", author=UserFactory(), body=f"Look:\n\n[figure {scan.pk}]")

    items = _exported_items()

    attachment_id = items["An MRI scan"].post_id
    body = items["With a figure"].content
    original = f"https://ms.example.org{scan.file.url}"
    assert f'[caption id="attachment_{attachment_id}" align="aligncenter" width="1200"]' in body
    assert f'<img class="size-full wp-image-{attachment_id}" src="{original}" alt="An MRI scan"' in body
    assert "Lesions[/caption]" in body


def test_no_exported_body_references_a_rendition_wordpress_never_imports(scan):
    scan.caption = ""
    scan.save()
    PostFactory(title="Plain figure", author=UserFactory(), body=f"[figure {scan.pk}]")

    items = _exported_items()

    body = items["Plain figure"].content
    urls = re.findall(r'(?:src|srcset|href)="([^"]+)"', body)
    assert urls
    assert all(url == items["An MRI scan"].attachment_url for url in urls)
    assert "-480w" not in body
    assert ".webp" not in body
    assert f"wp-image-{items['An MRI scan'].post_id}" in body
