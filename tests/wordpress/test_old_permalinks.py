"""Old /YYYY/MM/DD/slug/ links keep working after the move, whatever time zone the old site was in."""

import io
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from django.test import override_settings

from comments.models import Comment
from posts.models import Post
from tests.wordpress.conftest import THEME_TEST_DATA
from wordpress import wxr as wxr_format
from wordpress.services import export_wxr, import_wxr

pytestmark = pytest.mark.django_db


def _reaches(client, path: str, post: Post) -> bool:
    response = client.get(path, follow=True)
    return response.status_code == 200 and response.context and response.context.get("post") == post


def test_a_post_written_in_the_evening_at_utc_minus_8_keeps_its_old_address(wxr, client):
    item = wxr.item(5, "New year", slug="new-year", date_gmt="2024-01-02 04:00:00").replace(
        "<wp:post_date>2024-01-02 04:00:00</wp:post_date>", "<wp:post_date>2024-01-01 20:00:00</wp:post_date>"
    )

    import_wxr(source=wxr.write(item))

    post = Post.objects.get(legacy_id=5)
    assert post.get_absolute_url() == "/2024/01/02/new-year/"  # our date, in our time zone (UTC)
    response = client.get("/2024/01/01/new-year/")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/2024/01/02/new-year/")


def test_the_export_gives_the_old_local_date_back(wxr):
    item = wxr.item(5, "New year", slug="new-year", date_gmt="2024-01-02 04:00:00").replace(
        "<wp:post_date>2024-01-02 04:00:00</wp:post_date>", "<wp:post_date>2024-01-01 20:00:00</wp:post_date>"
    )
    import_wxr(source=wxr.write(item))

    out = io.StringIO()
    export_wxr(out=out)

    exported = next(r for r in wxr_format.read(io.BytesIO(out.getvalue().encode())) if isinstance(r, wxr_format.Item))
    assert (exported.post_date, exported.post_date_gmt) == ("2024-01-01 20:00:00", "2024-01-02 04:00:00")


def test_importing_again_adds_no_second_redirect(wxr):
    item = wxr.item(5, "New year", slug="new-year", date_gmt="2024-01-02 04:00:00").replace(
        "<wp:post_date>2024-01-02 04:00:00</wp:post_date>", "<wp:post_date>2024-01-01 20:00:00</wp:post_date>"
    )
    export = wxr.write(item)
    import_wxr(source=export)
    report = import_wxr(source=export)

    assert report.total_changes == 0
    assert Post.objects.get(legacy_id=5).previous_slugs.count() == 1


@pytest.mark.parametrize("time_zone", ["UTC", "America/Los_Angeles"])
def test_every_old_link_of_the_theme_test_data_reaches_its_post(client, time_zone):
    with override_settings(TIME_ZONE=time_zone):
        import_wxr(source=THEME_TEST_DATA)
        links = {}
        with THEME_TEST_DATA.open("rb") as source:
            for record in wxr_format.read(source, with_comments=False):
                if (
                    isinstance(record, wxr_format.Item)
                    and record.post_type == "post"
                    and record.status == "publish"
                    and not record.password
                ):
                    path = urlsplit(record.link).path
                    if re.match(r"^/\d{4}/\d{2}/\d{2}/[^/]+/$", path):
                        links[record.post_id] = path
        assert len(links) == 48  # the dated links of the published posts (one more is password-protected)
        broken = [
            path
            for legacy_id, path in links.items()
            if not _reaches(client, path, Post.objects.get(legacy_id=legacy_id))
        ]
        assert broken == []


def test_post_and_comment_dates_come_from_the_gmt_fields_not_the_blogs_local_time(wxr):
    # The old blog was in New York (UTC-4 in May): local and GMT differ by four hours.
    item = wxr.item(
        1, "Dated", date_gmt="2024-05-01 14:00:00", comments=(wxr.comment(10, date_gmt="2024-05-02 13:30:00"),)
    )
    item = item.replace("<wp:post_date>2024-05-01 14:00:00", "<wp:post_date>2024-05-01 10:00:00")
    item = item.replace("<wp:comment_date>2024-05-02 13:30:00", "<wp:comment_date>2024-05-02 09:30:00")
    assert "10:00:00" in item
    assert "09:30:00" in item

    import_wxr(source=wxr.write(item))

    assert Post.objects.get(legacy_id=1).published_at == datetime(2024, 5, 1, 14, 0, tzinfo=UTC)
    assert Comment.objects.get(legacy_id=10).created_at == datetime(2024, 5, 2, 13, 30, tzinfo=UTC)
