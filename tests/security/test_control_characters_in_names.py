"""A commenter name carries no terminal escape codes or invisible reordering marks, on the site or in the admin."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from comments.models import Comment
from tests.comments.helpers import post_comment
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = [
    pytest.param("\x1b[2J\x1b[31mAdmin", id="terminal-escape"),
    pytest.param("Ada\rReader", id="carriage-return"),
    pytest.param("Ada\x9bReader", id="c1-csi"),
    pytest.param("Ada \u202egpj.exe", id="right-to-left-override"),
    pytest.param("Ada\u2066Reader", id="bidi-isolate"),
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_comment_form_refuses_a_name_with_control_characters_and_keeps_the_comment(client, name):
    post = PostFactory()

    response = post_comment(client, post, name=name, comment="My carefully written comment.")

    assert response.status_code == 400
    page = response.content.decode()
    assert "Your name contains invisible control characters" in page
    assert "My carefully written comment." in page
    assert not Comment.objects.exists()


def test_ordinary_names_in_any_script_are_welcome(client):
    post = PostFactory()

    response = post_comment(client, post, name="Zoë Ōtani-Müller (محمد) 王", comment="Hello from everywhere.")

    assert response.status_code == 302
    assert Comment.objects.get().author_name == "Zoë Ōtani-Müller (محمد) 王"


@pytest.fixture
def editor_client(client):
    client.force_login(UserFactory(username="eddie", is_staff=True, is_superuser=True))
    return client


def change(editor_client, comment, **fields):
    data = {
        "status": comment.status,
        "body": comment.body,
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "author_url": "",
        **fields,
    }
    return editor_client.post(reverse("admin:comments_comment_change", args=[comment.pk]), data)


def test_the_admin_refuses_a_name_with_control_characters(editor_client):
    comment = CommentFactory(author_name="Ada")

    response = change(editor_client, comment, author_name="\x1b[31mAda")

    assert response.status_code == 200
    assert "Your name contains invisible control characters" in response.content.decode()
    comment.refresh_from_db()
    assert comment.author_name == "Ada"
