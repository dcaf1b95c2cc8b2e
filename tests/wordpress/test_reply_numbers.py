"""On an imported site a reader replies to the person whose number they see: ?replytocom=N is the #comment-N number."""

import pytest

from comments.models import Comment
from posts.models import Post
from tests.comments.helpers import comment_data, post_url
from wordpress.services import import_wxr

pytestmark = pytest.mark.django_db


@pytest.fixture
def clashing(wxr):
    """Two imported comments: Alice (WordPress ID 900) and Bob, whose WordPress ID is the key Alice has here."""
    import_wxr(source=wxr.write(wxr.item(1, "Discussed", comments=(wxr.comment(900, author="Alice"),))))
    alice = Comment.objects.get(legacy_id=900)
    bob_number = alice.pk
    assert bob_number != 900
    second = wxr.item(
        1, "Discussed", comments=(wxr.comment(900, author="Alice"), wxr.comment(bob_number, author="Bob"))
    )
    import_wxr(source=wxr.write(second))
    return Post.objects.get(legacy_id=1), alice, Comment.objects.get(legacy_id=bob_number)


def test_reply_links_carry_the_number_the_anchor_shows(client, clashing):
    post, alice, bob = clashing

    html = client.get(post.get_absolute_url()).content.decode()

    assert f'href="?replytocom={bob.legacy_id}#respond" data-comment-id="{bob.legacy_id}"' in html
    assert 'href="?replytocom=900#respond" data-comment-id="900"' in html


def test_replytocom_opens_the_form_under_the_comment_with_that_number(client, clashing):
    post, alice, bob = clashing

    html = client.get(f"{post.get_absolute_url()}?replytocom={bob.legacy_id}").content.decode()

    assert "Leave a Reply to Bob" in html
    assert f'name="parent" value="{bob.legacy_id}"' in html


def test_a_reply_posted_with_that_number_goes_under_the_right_person(client, clashing):
    post, alice, bob = clashing

    client.post(post_url(post), comment_data(post, parent=str(bob.legacy_id), email="alice@example.org", name="Ada"))

    reply = Comment.objects.exclude(pk__in=[alice.pk, bob.pk]).get()
    assert reply.parent == bob
