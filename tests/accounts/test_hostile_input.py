"""Whatever is typed into the address bar or posted at the account URLs, the answer is a page, never a 500."""

import pytest

from comments.models import Comment
from tests.accounts.conftest import case_for, log_in_with, with_profile
from tests.comments.helpers import comment_data, post_url
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

GETS = [
    "/accounts/change/?next=javascript:alert(1)",
    "/accounts/change/?next=//evil.example/",
    "/accounts/change/?next=" + "a" * 5000,
    "/accounts/google/login/callback/",
    "/accounts/google/login/callback/?code=x",
    "/accounts/google/login/callback/?state=" + "x" * 5000 + "&code=y",
    "/accounts/facebook/login/callback/?error=server_error&state=abc",
    "/accounts/twitter_oauth2/login/callback/?error=access_denied",
    "/accounts/wordpress_com/login/callback/?code=%00&state=%00",
    "/accounts/wordpress_com/login/?process=hijack",
    "/accounts/simulated/google/authorize/",
    "/accounts/simulated/nonexistent/authorize/",
    "/accounts/nonexistent/login/",
    "/accounts/3rdparty/signup/",
    "/accounts/3rdparty/login/error/",
]


@pytest.mark.parametrize("url", GETS)
def test_hostile_get_gets_a_page_not_a_server_error(client, url):
    response = client.get(url)

    assert response.status_code < 500


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/google/login/?process=hijack",
        "/accounts/google/login/?next=https://evil.example/",
        "/accounts/facebook/login/?process=connect",  # connect while signed out
        "/accounts/twitter_oauth2/login/?process=redirect&next=%00",
    ],
)
def test_hostile_login_start_gets_a_page_not_a_server_error(client, url):
    response = client.post(url)

    assert response.status_code < 500
    if response.status_code == 302:
        assert "evil.example" not in response["Location"].split("?")[0]


@pytest.mark.parametrize(
    "data",
    [
        {"account": "not-a-number"},
        {"account": "99999999999999999999999"},
        {"account": ""},
        {},
    ],
)
def test_hostile_disconnect_is_refused_with_a_message(client, provider_api, case, data):
    log_in_with(client, provider_api, case)

    response = client.post("/accounts/3rdparty/", data)

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [{"comments": "delete"}, {"comments": "DELETE", "confirm": "on"}, {"confirm": "x" * 10000}, {}],
)
def test_hostile_delete_is_refused_with_a_message(client, provider_api, case, data):
    log_in_with(client, provider_api, case)

    response = client.post("/accounts/delete/", data)

    assert response.status_code in {200, 400}
    assert "_auth_user_id" in client.session


def test_a_hostile_profile_from_a_provider_cannot_inject_markup_or_links(client, provider_api):
    post = PostFactory()
    hostile = with_profile(
        case_for("wordpress_com"),
        display_name='<script>alert("name")</script>Eve',
        profile_URL="javascript:alert(document.cookie)",
        avatar_URL='https://evil.example/a.png" onerror="alert(1)',
    )
    log_in_with(client, provider_api, hostile, next_url=f"{post.get_absolute_url()}#respond")

    client.post(post_url(post), comment_data(post, comment="Hello.", name=None, email=None))
    comment = Comment.objects.get()
    comment.approve()
    page = client.get(post.get_absolute_url()).content.decode()

    assert comment.author_url == ""
    assert "javascript:" not in page
    assert '<script>alert("name")' not in page
    assert 'onerror="alert(1)' not in page
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;Eve" in page  # shown as text, form and comment
