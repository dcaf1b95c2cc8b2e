"""What a reader sees in the comment form: provider icons signed out, their provider identity signed in."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from mssite.settings.social import CREDENTIAL_VARIABLES, endpoint_settings, social_providers
from tests.accounts.conftest import API, CASES, case_for, log_in_with
from tests.accounts.html import button_named, elements, submits_with_post, visible_text
from tests.comments.helpers import comment_data, configure, post_url
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

BRANDS = {case.provider_id: case.brand for case in CASES}


@pytest.fixture
def post():
    return PostFactory(title="Vitamin D and relapses")


def providers_without(*missing: str) -> dict:
    """SOCIALACCOUNT_PROVIDERS as the environment would give it with `missing` providers' credentials unset."""
    credentials = dict(settings.SOCIAL_LOGIN_TEST_CREDENTIALS)
    for provider_id in missing:
        for variable in CREDENTIAL_VARIABLES[provider_id]:
            credentials.pop(variable)
    return social_providers(
        credentials,
        endpoints={
            provider_id: endpoint_settings(provider_id, authorize_base=API, api_base=API)
            for provider_id in CREDENTIAL_VARIABLES
        },
    )


def sign_in(client, provider_api, post, provider_id: str):
    response = log_in_with(client, provider_api, case_for(provider_id), next_url=f"{post.get_absolute_url()}#respond")
    assert response.status_code == 302
    return case_for(provider_id)


def test_signed_out_form_offers_one_post_button_per_provider_with_an_accessible_name(client, post):
    page = client.get(post.get_absolute_url()).content.decode()

    assert "Fill in your details below or click an icon to log in:" in visible_text(page)
    for provider_id, brand in BRANDS.items():
        found = button_named(page, f"Log in with {brand}")
        assert found is not None, brand
        method, action = submits_with_post(*found)
        assert method == "post"
        assert action.startswith(f"/accounts/{provider_id}/login/?")
        assert "next=%2F" in action
        assert "%23respond" in action
    icons = [attrs for attrs, _ in elements(page, "button") if "provider-icon" in attrs.get("class", "")]
    assert len(icons) == 4


def test_provider_without_credentials_has_no_icon_and_no_login(client, post):
    with override_settings(SOCIALACCOUNT_PROVIDERS=providers_without("google")):
        page = client.get(post.get_absolute_url()).content.decode()
        start = client.post("/accounts/google/login/")

    assert button_named(page, "Log in with Google") is None
    assert "img/providers/google.svg" not in page
    for brand in ("WordPress.com", "X", "Facebook"):
        assert button_named(page, f"Log in with {brand}") is not None
    assert start.status_code == 404


def test_no_provider_configured_means_no_icons_and_no_broken_promise(client, post):
    with override_settings(SOCIALACCOUNT_PROVIDERS=providers_without(*CREDENTIAL_VARIABLES)):
        page = client.get(post.get_absolute_url()).content.decode()

    assert "social-login-icons" not in page
    assert "id_email" in page  # guests still comment with name and email


@pytest.mark.parametrize("provider_id", list(BRANDS))
def test_signed_in_reader_sees_their_provider_and_avatar_instead_of_the_guest_fields(
    client, provider_api, post, provider_id
):
    configure(remote_avatars=True)  # the provider's picture is shown only when remote pictures are on
    case = sign_in(client, provider_api, post, provider_id)

    page = client.get(post.get_absolute_url()).content.decode()

    text = visible_text(page)
    assert f"You are commenting using your {case.brand} account. ( Log Out / Change )" in text
    assert case.display_name in text
    assert any(
        attrs.get("src") == case.avatar_url and "comment-signed-in-avatar" in attrs.get("class", "")
        for attrs, _ in elements(page, "img")
    )
    for field in ("id_name", "id_email", "id_url", "id_save_details"):
        assert f'id="{field}"' not in page
    assert "social-login-icons" not in page


def test_log_out_signs_the_reader_out_and_returns_to_the_post(client, provider_api, post):
    sign_in(client, provider_api, post, "google")
    page = client.get(post.get_absolute_url()).content.decode()
    method, action = submits_with_post(*button_named_text(page, "Log Out"))
    assert method == "post"

    response = client.post(action, comment_data(post))

    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#respond"
    assert "_auth_user_id" not in client.session
    page = client.get(post.get_absolute_url()).content.decode()
    assert button_named(page, "Log in with Google") is not None


def test_change_lets_the_reader_pick_another_provider_and_come_back(client, provider_api, post):
    sign_in(client, provider_api, post, "google")
    page = client.get(post.get_absolute_url()).content.decode()
    change_url = re.search(r'<a href="([^"]+)">Change</a>', page).group(1)

    choose = client.get(change_url.replace("&amp;", "&"))

    assert choose.status_code == 200
    choose_page = choose.content.decode()
    assert "Choose how to comment" in visible_text(choose_page)
    assert f'href="{post.get_absolute_url()}#respond"' in choose_page
    for brand in BRANDS.values():
        button, form = button_named(choose_page, f"Log in with {brand}")
        method, action = submits_with_post(button, form)
        assert method == "post"
        assert "%23respond" in action

    response = log_in_with(client, provider_api, case_for("facebook"), next_url=f"{post.get_absolute_url()}#respond")

    assert response["Location"] == f"{post.get_absolute_url()}#respond"
    page = client.get(post.get_absolute_url()).content.decode()
    assert "You are commenting using your Facebook account." in visible_text(page)


@pytest.mark.parametrize("provider_id", list(BRANDS))
def test_comments_carry_the_provider_name_avatar_and_profile_link(client, provider_api, post, provider_id):
    configure(remote_avatars=True)  # the provider's picture is shown only when remote pictures are on
    case = sign_in(client, provider_api, post, provider_id)

    response = client.post(post_url(post), comment_data(post, name=None, email=None))

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.author_name == case.display_name
    assert comment.author_avatar_url == case.avatar_url
    assert comment.author_url == case.profile_url
    comment.approve()
    page = client.get(post.get_absolute_url()).content.decode()
    assert any(
        attrs.get("src") == case.avatar_url and "avatar" in attrs.get("class", "").split()
        for attrs, _ in elements(page, "img")
    )
    if case.profile_url:
        assert f'<a href="{case.profile_url}" rel="external nofollow ugc" class="url">{case.display_name}</a>' in page
    else:
        assert f'<b class="fn">{case.display_name}</b>' in page


def button_named_text(page: str, label: str):
    """The button whose text is `label` (the signed-in actions have no aria-label)."""
    match = re.search(r"<button([^>]*)>\s*" + label.replace(" ", r"(?:&nbsp;|\s)") + r"\s*</button>", page)
    assert match, label
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
    return attrs, {"method": "post", "action": "/comments/post/"}


def test_connecting_another_provider_does_not_change_who_the_reader_comments_as(client, provider_api, post):
    sign_in(client, provider_api, post, "google")
    log_in_with(client, provider_api, case_for("wordpress_com"), process="connect", next_url="/accounts/3rdparty/")

    page = client.get(post.get_absolute_url()).content.decode()

    assert "You are commenting using your Google account." in visible_text(page)
    client.post(post_url(post), comment_data(post, name=None, email=None))
    assert Comment.objects.get().author_name == "Gina Google"


def test_logging_in_with_the_connected_provider_comments_under_that_one(client, provider_api, post):
    sign_in(client, provider_api, post, "google")
    log_in_with(client, provider_api, case_for("wordpress_com"), process="connect", next_url="/accounts/3rdparty/")
    client.logout()

    sign_in(client, provider_api, post, "wordpress_com")

    page = client.get(post.get_absolute_url()).content.decode()
    assert "You are commenting using your WordPress.com account." in visible_text(page)
    assert "Wendy Press" in visible_text(page)


def test_signed_in_post_page_looks_up_the_readers_social_account_once(client, provider_api, post):
    sign_in(client, provider_api, post, "google")
    log_in_with(client, provider_api, case_for("facebook"), process="connect")

    with CaptureQueriesContext(connection) as queries:
        page = client.get(post.get_absolute_url()).content.decode()

    assert "You are commenting using your Google account." in visible_text(page)
    assert len([q for q in queries.captured_queries if "socialaccount_socialaccount" in q["sql"]]) == 1


def test_every_icon_on_the_form_is_a_real_file(client, post):
    from django.contrib.staticfiles import finders

    page = client.get(post.get_absolute_url()).content.decode()
    icons = [attrs["src"] for attrs, _ in elements(page, "img") if "/img/providers/" in attrs.get("src", "")]

    assert len(icons) == 4
    for src in icons:
        path = finders.find(src.removeprefix(settings.STATIC_URL))
        assert path, src
        with open(path, encoding="utf-8") as icon:
            assert "<svg" in icon.read()
