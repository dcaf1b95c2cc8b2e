"""A comment's text is turned into safe HTML once per save, not once by the service and again by the model."""

import pytest

from comments import rendering
from comments.models import Comment
from tests.comments.helpers import page, post_comment
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """Each pass of the sanitising pipeline, wherever render_comment is called from."""
    calls = []
    real = rendering._link_bare_urls

    def counting(html):
        calls.append(html)
        return real(html)

    monkeypatch.setattr(rendering, "_link_bare_urls", counting)
    return calls


def test_posting_a_comment_renders_its_text_once(client, renders):
    post = PostFactory()

    post_comment(client, post, comment="Is *this* **once**? https://example.org")

    assert len(renders) == 1
    assert '<a href="https://example.org" rel="nofollow ugc">' in Comment.objects.get().body_html


def test_editing_a_comment_renders_the_new_text_once(client, renders, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    post = PostFactory()
    post_comment(client, post, comment="First version.")
    comment = Comment.objects.get()
    renders.clear()

    client.post(f"/comments/{comment.pk}/edit/", {"comment": "Second version."})

    assert renders == ["Second version."]  # sanitised text, before the paragraphs
    comment.refresh_from_db()
    assert comment.body_html == "<p>Second version.</p>"


@pytest.mark.usefixtures("notified")
def test_sanitised_html_is_stored_on_save_and_the_page_shows_the_stored_copy(client):
    post = PostFactory()
    comment = CommentFactory(post=post, body="First <script>alert(1)</script>version")
    assert "<script" not in comment.body_html

    comment.body = 'Second version, see https://example.org <b onclick="x()">now</b>'
    comment.save()

    stored = Comment.objects.get(pk=comment.pk).body_html
    assert stored == (
        '<p>Second version, see <a href="https://example.org" rel="nofollow ugc">https://example.org</a> <b>now</b></p>'
    )
    # Rendering happens once, on save: the page prints what is stored, it never renders per request.
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>The stored copy</p>")
    assert "The stored copy" in page(client, post)
