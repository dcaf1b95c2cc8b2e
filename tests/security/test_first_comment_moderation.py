"""'A previously approved comment' is a regular's name and email together, never an email address alone."""

import pytest
from django.core.cache import cache

from comments.models import Comment
from tests.comments.helpers import configure, post_comment
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Comment.Status


@pytest.fixture(autouse=True)
def _first_comments_held():
    cache.clear()
    configure(require_previous_approval=True)
    yield
    cache.clear()


@pytest.fixture
def post():
    post = PostFactory()
    CommentFactory(post=post, author_name="Ada Reader", author_email="ada@example.org", status=S.APPROVED)
    return post


def status_of_new(body: str) -> str:
    return Comment.objects.get(body=body).status


def test_a_known_email_under_another_name_waits_for_a_moderator(client, post):
    post_comment(client, post, name="Mallory", email="ada@example.org", comment="Buy my miracle cure.")

    assert status_of_new("Buy my miracle cure.") == S.PENDING


def test_a_known_name_with_another_email_waits_for_a_moderator(client, post):
    post_comment(client, post, name="Ada Reader", email="mallory@example.net", comment="Buy my miracle cure.")

    assert status_of_new("Buy my miracle cure.") == S.PENDING


def test_a_regular_with_the_same_name_and_email_is_published_at_once(client, post):
    post_comment(client, post, name="  ada reader ", email="ADA@example.org", comment="Me again, thanks!")

    assert status_of_new("Me again, thanks!") == S.APPROVED


def test_a_signed_in_reader_is_known_by_their_account(client, post):
    reader = UserFactory(username="gina", email="gina@example.org")
    CommentFactory(post=post, user=reader, author_name="Gina", author_email="", status=S.APPROVED)
    client.force_login(reader)

    post_comment(client, post, name="Gina G.", email="", comment="Signed in and known.")

    assert status_of_new("Signed in and known.") == S.APPROVED


def test_a_first_time_guest_waits(client, post):
    post_comment(client, post, name="New Person", email="new@example.org", comment="Hello, first time here.")

    assert status_of_new("Hello, first time here.") == S.PENDING
