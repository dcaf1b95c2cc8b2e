"""A reader manages their own account: connected providers, their data, deleting it; staff log in locally."""

import json

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from comments.models import Comment, Subscription
from tests.accounts.conftest import case_for, log_in_with
from tests.accounts.html import button_named, elements, submits_with_post, visible_text
from tests.accounts.test_provider_login import signed_in_user
from tests.comments.helpers import comment_data
from tests.factories import CommentFactory, PageFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
THEMED = '<header class="site-header">'


@pytest.fixture
def reader(client, provider_api):
    """Gina, signed in with Google, with WordPress.com connected too."""
    log_in_with(client, provider_api, case_for("google"))
    log_in_with(client, provider_api, case_for("wordpress_com"), process="connect")
    return signed_in_user(client)


def test_connections_page_lists_each_connected_provider_in_the_site_theme(client, reader):
    page = client.get("/accounts/3rdparty/").content.decode()

    assert THEMED in page
    text = visible_text(page)
    assert "Connected accounts" in text
    assert "Gina Google Google" in text
    assert "Wendy Press WordPress.com" in text
    assert button_named(page, "Disconnect Google (Gina Google)") is not None
    assert button_named(page, "Disconnect WordPress.com (Wendy Press)") is not None
    for brand in ("WordPress.com", "Google", "X", "Facebook"):
        button, form = button_named(page, f"Connect {brand}")
        method, action = submits_with_post(button, form)
        assert method == "post"
        assert "process=connect" in action


def test_reader_disconnects_one_of_two_providers(client, reader):
    wordpress = SocialAccount.objects.get(user=reader, provider="wordpress_com")

    response = client.post("/accounts/3rdparty/", {"account": wordpress.pk})

    assert response.status_code == 302
    assert list(SocialAccount.objects.filter(user=reader).values_list("provider", flat=True)) == ["google"]


def test_last_provider_of_a_reader_without_password_cannot_be_disconnected(client, provider_api):
    log_in_with(client, provider_api, case_for("twitter_oauth2"))
    only = SocialAccount.objects.get()

    response = client.post("/accounts/3rdparty/", {"account": only.pk})

    assert response.status_code == 200
    assert "it cannot be disconnected" in visible_text(response.content.decode())
    assert SocialAccount.objects.filter(pk=only.pk).exists()


def test_someone_elses_account_cannot_be_disconnected(client, provider_api, reader):
    other = UserFactory()
    theirs = SocialAccount.objects.create(user=other, provider="facebook", uid="999", extra_data={})

    client.post("/accounts/3rdparty/", {"account": theirs.pk})

    assert SocialAccount.objects.filter(pk=theirs.pk).exists()


def test_download_data_gives_profile_and_comments_as_json(client, reader):
    post = PostFactory(title="Vitamin D and relapses")
    CommentFactory(post=post, user=reader, author_name="Gina Google", body="Thanks for this.")
    CommentFactory(post=post, body="Someone else's comment.")
    Subscription.objects.create(email="gina@example.org", kind="comments", post=post, user=reader)
    Subscription.objects.create(email="someone@example.org", kind="comments", post=post)

    response = client.get("/accounts/data/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["username"] == reader.username
    assert {account["provider"] for account in data["connected_accounts"]} == {"Google", "WordPress.com"}
    google = next(a for a in data["connected_accounts"] if a["provider"] == "Google")
    assert google["profile"]["name"] == "Gina Google"
    assert [(c["post"], c["body"]) for c in data["comments"]] == [("Vitamin D and relapses", "Thanks for this.")]
    assert [(s["post"], s["kind"]) for s in data["subscriptions"]] == [("Vitamin D and relapses", "comments")]


def test_account_pages_need_a_signed_in_reader(client):
    for url in ("/accounts/data/", "/accounts/delete/", "/accounts/3rdparty/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_delete_page_asks_what_happens_to_comments(client, reader):
    page = client.get("/accounts/delete/").content.decode()

    assert THEMED in page
    text = visible_text(page)
    assert "What should happen to your comments?" in text
    assert "Delete my comments" in text
    assert "Keep my comments, shown as “Anonymous”" in text
    assert {attrs["value"] for attrs, _ in elements(page, "input") if attrs.get("name") == "comments"} == {
        "delete",
        "anonymise",
    }


def test_deleting_the_account_with_its_comments_removes_both(client, reader):
    post = PostFactory()
    own = CommentFactory(post=post, user=reader, author_name="Gina Google", author_email="gina1001@gmail.com")
    kept = CommentFactory(post=post, body="A guest's comment.")

    response = client.post("/accounts/delete/", {"comments": "delete", "confirm": "on"})

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(pk=reader.pk).exists()
    assert not SocialAccount.objects.exists()
    assert not Comment.objects.filter(pk=own.pk).exists()
    assert Comment.objects.filter(pk=kept.pk).exists()


def test_deleting_the_account_but_keeping_comments_anonymises_them(client, reader):
    post = PostFactory()
    own = CommentFactory(
        post=post,
        user=reader,
        author_name="Gina Google",
        author_email="gina1001@gmail.com",
        author_url="https://gina.example/",
        author_avatar_url="https://lh3.googleusercontent.com/a/gina",
        body="My experience with vitamin D.",
    )

    client.post("/accounts/delete/", {"comments": "anonymise", "confirm": "on"})

    own.refresh_from_db()
    assert own.author_name == "Anonymous"
    assert own.author_email == ""
    assert own.author_url == ""
    assert own.author_avatar_url == ""
    assert own.user is None
    assert own.body == "My experience with vitamin D."
    assert not User.objects.filter(pk=reader.pk).exists()
    page = client.get(post.get_absolute_url()).content.decode()
    discussion = page[page.index('id="comments"') :]  # (the flash messages still greet her by name, once)
    assert "Gina Google" not in discussion
    assert "My experience with vitamin D." in discussion


def test_delete_without_confirming_keeps_everything_and_says_why(client, reader):
    own = CommentFactory(user=reader)

    response = client.post("/accounts/delete/", {"comments": "delete"})

    assert response.status_code == 400
    assert "Tick this box to confirm." in visible_text(response.content.decode())
    assert User.objects.filter(pk=reader.pk).exists()
    assert Comment.objects.filter(pk=own.pk).exists()


def test_delete_with_a_made_up_choice_is_refused_not_a_crash(client, reader):
    response = client.post("/accounts/delete/", {"comments": "shred", "confirm": "on"})

    assert response.status_code == 400
    assert "Choose what happens to your comments." in visible_text(response.content.decode())
    assert User.objects.filter(pk=reader.pk).exists()


def test_staff_log_in_locally_with_username_or_email_through_the_themed_page(client):
    editor = UserFactory(username="editor", email="editor@example.org", is_staff=True)
    page = client.get("/accounts/login/").content.decode()
    assert THEMED in page
    assert 'name="login"' in page
    assert 'name="password"' in page

    by_username = client.post("/accounts/login/", {"login": "editor", "password": "correct horse battery staple"})
    assert by_username.status_code == 302
    assert signed_in_user(client) == editor
    client.logout()

    by_email = client.post(
        "/accounts/login/", {"login": "editor@example.org", "password": "correct horse battery staple"}
    )
    assert by_email.status_code == 302
    assert signed_in_user(client) == editor


def test_wrong_password_is_refused_on_the_themed_page(client):
    UserFactory(username="editor", is_staff=True)

    response = client.post("/accounts/login/", {"login": "editor", "password": "wrong"})

    assert response.status_code == 200
    assert THEMED in response.content.decode()
    assert signed_in_user(client) is None


def test_nobody_can_sign_up_for_a_local_account(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.org", "username": "newbie", "password1": "Xy7!long-pass", "password2": "Xy7!long-pass"},
    )

    assert not User.objects.filter(username="newbie").exists()
    assert response.status_code in {200, 403}


def test_staff_cannot_delete_their_own_account_from_the_reader_page(client):
    editor = UserFactory(username="editor", is_staff=True)
    client.force_login(editor)

    response = client.post("/accounts/delete/", {"comments": "delete", "confirm": "on"})

    assert response.status_code == 403
    assert User.objects.filter(pk=editor.pk).exists()


def test_deleting_comments_keeps_other_readers_replies_under_a_placeholder(client, reader):
    post = PostFactory()
    own = CommentFactory(post=post, user=reader, author_name="Gina Google", body="My question about dosing.")
    reply = CommentFactory(post=post, parent=own, author_name="Dr Who", body="Here is the answer.")

    client.post("/accounts/delete/", {"comments": "delete", "confirm": "on"})

    own.refresh_from_db()
    assert own.is_removed
    assert own.user is None
    assert own.body == ""
    assert own.author_email == ""
    assert Comment.objects.filter(pk=reply.pk).exists()
    html = client.get(post.get_absolute_url()).content.decode()
    page = visible_text(html[html.index('id="comments"') :])  # (the flash messages still greet her by name, once)
    assert "This comment was deleted." in page
    assert "Here is the answer." in page
    assert "My question about dosing." not in page
    assert "Gina Google" not in page


def test_deleting_comments_also_removes_own_replies_to_own_comments(client, reader):
    post = PostFactory()
    own = CommentFactory(post=post, user=reader)
    own_reply = CommentFactory(post=post, parent=own, user=reader)

    client.post("/accounts/delete/", {"comments": "delete", "confirm": "on"})

    assert not Comment.objects.filter(pk__in=[own.pk, own_reply.pk]).exists()


def test_login_page_offers_readers_their_providers_and_editors_a_password_form(client):
    page = client.get("/accounts/login/?next=/some-post/").content.decode()

    text = visible_text(page)
    assert "Readers" in text
    assert "Authors and editors" in text
    button, form = button_named(page, "Log in with Google")
    method, action = submits_with_post(button, form)
    assert method == "post"
    assert "next=%2Fsome-post%2F" in action
    labels = {attrs.get("for") for attrs, _ in elements(page, "label")}
    assert {"id_login", "id_password"} <= labels
    assert "Forgot your password?" in text
    assert "/accounts/signup/" not in page


def test_wrong_password_says_so_and_keeps_the_username(client):
    UserFactory(username="editor", is_staff=True)

    response = client.post("/accounts/login/", {"login": "editor", "password": "wrong"})

    page = response.content.decode()
    assert 'role="alert"' in page
    assert 'value="editor"' in page


def test_sign_up_page_explains_how_to_comment_instead(client):
    text = visible_text(client.get("/accounts/signup/").content.decode())

    assert "No sign-up needed" in text
    assert "log in with an account you already have" in text


def test_a_signed_in_reader_finds_their_account_pages_from_change(client, reader):
    page = client.get("/accounts/change/?next=/").content.decode()

    assert '<a href="/accounts/3rdparty/">Your connected accounts, data and account deletion</a>' in page
    manage = client.get("/accounts/3rdparty/").content.decode()
    for link in ('href="/accounts/3rdparty/"', 'href="/accounts/data/"', 'href="/accounts/delete/"'):
        assert link in manage


def test_a_reader_connects_all_four_providers_then_disconnects_them_down_to_one(client, provider_api):
    log_in_with(client, provider_api, case_for("google"))
    reader = signed_in_user(client)
    for provider_id in ("wordpress_com", "twitter_oauth2", "facebook"):
        log_in_with(client, provider_api, case_for(provider_id), process="connect", next_url="/accounts/3rdparty/")

    page = client.get("/accounts/3rdparty/").content.decode()
    for name, brand in (
        ("Gina Google", "Google"),
        ("Wendy Press", "WordPress.com"),
        ("Xavier Post", "X"),
        ("Fiona Book", "Facebook"),
    ):
        assert button_named(page, f"Disconnect {brand} ({name})") is not None
    assert SocialAccount.objects.filter(user=reader).count() == 4

    for provider_id in ("wordpress_com", "twitter_oauth2", "facebook"):
        account = SocialAccount.objects.get(user=reader, provider=provider_id)
        assert client.post("/accounts/3rdparty/", {"account": account.pk}).status_code == 302

    assert list(SocialAccount.objects.filter(user=reader).values_list("provider", flat=True)) == ["google"]
    assert signed_in_user(client) == reader
    assert "You are commenting using your Google account." in visible_text(
        client.get(PostFactory().get_absolute_url()).content.decode()
    )


def test_logging_out_needs_a_post_so_a_link_cannot_sign_a_reader_out(client, provider_api):
    log_in_with(client, provider_api, case_for("google"))

    page = client.get("/accounts/logout/")

    assert page.status_code == 200
    assert signed_in_user(client) is not None


def test_a_reader_comments_on_a_static_page_as_their_provider_self_then_downloads_and_anonymises_it(
    client, provider_api
):
    about = PageFactory(title="About this blog", slug="about", comments_open=True)
    log_in_with(client, provider_api, case_for("wordpress_com"), next_url=f"{about.get_absolute_url()}#respond")
    form = visible_text(client.get(about.get_absolute_url()).content.decode())
    assert "You are commenting using your WordPress.com account. ( Log Out / Change )" in form

    response = client.post(
        reverse("comments:page", kwargs={"page_id": about.pk}),
        comment_data(about, comment="Thank you for writing this blog.", name=None, email=None),
    )

    assert response.status_code == 302
    comment = Comment.objects.get(page=about)
    assert (comment.author_name, comment.author_url) == ("Wendy Press", "https://gravatar.com/wendy")
    assert comment.author_avatar_url == "https://0.gravatar.com/avatar/wendy?s=96"
    data = json.loads(client.get("/accounts/data/").content)
    assert [(c["page"], c["body"]) for c in data["comments"]] == [
        ("About this blog", "Thank you for writing this blog.")
    ]

    client.post("/accounts/delete/", {"comments": "anonymise", "confirm": "on"})

    comment.refresh_from_db()
    assert (comment.author_name, comment.author_url, comment.user) == ("Anonymous", "", None)
    assert comment.body == "Thank you for writing this blog."
