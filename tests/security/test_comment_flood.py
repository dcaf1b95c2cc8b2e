"""One comment per 15 seconds per address and per account, however the posts race each other."""

import pytest
from django.core.cache import cache

from comments import services
from comments.models import Comment
from comments.services import PostingTooQuickly, post_comment
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.COMMENTS_FLOOD_SECONDS = 15
    cache.clear()
    yield
    cache.clear()


def guest_post(post, body: str, ip: str = "203.0.113.7") -> Comment:
    return post_comment(
        target=post, parent=None, body=body, author_name="Flo", author_email="flo@example.org", ip_address=ip
    )


def test_a_second_post_arriving_while_the_first_is_being_saved_is_refused(monkeypatch):
    """The race of two workers, made deterministic: the second post arrives between the first's flood check
    and the moment the first is saved and recorded."""
    post = PostFactory()
    render = services.render_comment
    refused = []

    def render_and_let_a_second_post_in(body: str) -> str:
        if body == "First.":
            try:
                guest_post(post, "Second, at the same moment.")
            except PostingTooQuickly:
                refused.append("second")
        return render(body)

    monkeypatch.setattr(services, "render_comment", render_and_let_a_second_post_in)

    guest_post(post, "First.")

    assert list(Comment.objects.values_list("body", flat=True)) == ["First."]
    assert refused == ["second"]


def test_a_refused_comment_gives_its_slot_back(monkeypatch):
    post = PostFactory()

    def broken_render(body: str) -> str:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(services, "render_comment", broken_render)
    with pytest.raises(RuntimeError):
        guest_post(post, "Lost to a crash.")
    monkeypatch.undo()

    assert guest_post(post, "Sent again at once.").pk


def test_another_address_is_not_held_back():
    post = PostFactory()
    guest_post(post, "From one reader.")

    with pytest.raises(PostingTooQuickly):
        guest_post(post, "Same reader again.")
    assert guest_post(post, "Another reader.", ip="198.51.100.3").pk
