"""While the database is away every page answers 503 with Retry-After, says nothing was saved, and needs no database."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from tests.comments.helpers import comment_data, post_url
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


def database_down(error=OperationalError):
    """Every query fails, as when the database server is stopped or unreachable."""
    failure = error("could not connect to server: Connection refused")
    return mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=failure)


def assert_outage_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Back in a moment" in html
    assert "Nothing was saved" in html
    assert "Traceback" not in html
    assert "Connection refused" not in html


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_post_page_answers_503_while_the_database_is_down(reader, error):
    post = PostFactory()

    with database_down(error):
        response = reader.get(post.get_absolute_url())

    assert_outage_page(response)


def test_a_comment_posted_while_the_database_is_down_is_reported_as_not_saved(reader):
    post = PostFactory()
    data = comment_data(post, comment="Typed during the outage.")

    with database_down():
        response = reader.post(post_url(post), data)

    assert_outage_page(response)
    assert "it was <strong>not saved</strong>" in response.content.decode()


def test_a_visit_with_a_session_to_look_up_is_a_503_too(reader):
    reader.cookies["sessionid"] = "a-session-the-database-must-look-up"

    with database_down():
        response = reader.get("/")

    assert_outage_page(response)


def test_the_site_recovers_when_the_database_is_back(reader):
    post = PostFactory()
    with database_down():
        assert reader.get(post.get_absolute_url()).status_code == 503

    assert reader.get(post.get_absolute_url()).status_code == 200


def test_other_server_errors_keep_the_500_page(reader):
    with mock.patch("posts.views.render", side_effect=RuntimeError("a bug")):
        response = reader.get("/")

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong" in response.content.decode()
