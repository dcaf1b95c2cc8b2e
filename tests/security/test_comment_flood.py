"""One comment per 15 seconds per address and per account, however the posts race each other."""

import pytest
from django.core.cache import cache

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
    """The race of two workers, made deterministic: a second post from the same address (on another post, so
    no row lock orders them) arrives between the first's flood check and the moment the first is recorded."""
    post, other_post = PostFactory(), PostFactory()
    save = Comment.save
    refused = []

    def save_and_let_a_second_post_in(comment, *args, **kwargs):
        if comment.body == "First.":
            try:
                guest_post(other_post, "Second, at the same moment.")
            except PostingTooQuickly:
                refused.append("second")
        return save(comment, *args, **kwargs)

    monkeypatch.setattr(Comment, "save", save_and_let_a_second_post_in)

    guest_post(post, "First.")

    assert list(Comment.objects.values_list("body", flat=True)) == ["First."]
    assert refused == ["second"]


def test_a_comment_that_is_not_saved_gives_its_slot_back(monkeypatch):
    post = PostFactory()

    def broken_save(comment, *args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Comment, "save", broken_save)
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
