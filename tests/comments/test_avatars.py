"""Commenters' pictures come from this site: no reader's IP address goes to a third party, and no page
publishes a hash of a commenter's email address, unless an administrator turns remote pictures on."""

import hashlib
import re

import pytest

from comments.avatars import hue_for, initials_of
from comments.models import DiscussionSettings
from tests.comments.helpers import configure, page
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "ada@example.org"


def email_hashes(email: str) -> set[str]:
    """What sites publish to identify an address: Gravatar's MD5 and SHA-256, and a SHA-1 for good measure."""
    raw = email.strip().lower().encode()
    return {hashlib.md5(raw).hexdigest(), hashlib.sha256(raw).hexdigest(), hashlib.sha1(raw).hexdigest()}  # noqa: S324


def test_by_default_avatars_are_local_initials_and_no_page_carries_an_email_hash(client):
    post = PostFactory()
    CommentFactory(
        post=post, author_name="Ada Lovelace", author_email=EMAIL, author_avatar_url="https://pics.example/a.png"
    )

    html = page(client, post)

    avatar = re.search(r'<img class="avatar" src="(/avatars/AL/(\d+)\.svg)"', html)
    assert avatar
    assert int(avatar.group(2)) == hue_for("Ada Lovelace", EMAIL)
    assert "gravatar.com" not in html
    assert "pics.example" not in html  # the social picture waits for the administrator's choice too
    for digest in email_hashes(EMAIL):
        assert digest not in html
        assert digest[:16] not in html


def test_the_avatar_is_an_svg_served_here_and_cached_for_a_year(client):
    response = client.get("/avatars/AL/217.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "immutable" in response["Cache-Control"]
    assert "max-age=31536000" in response["Cache-Control"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    svg = response.content.decode()
    assert svg.startswith("<svg ")
    assert ">AL</text>" in svg
    assert "hsl(217 " in svg


@pytest.mark.parametrize(
    "path", ["/avatars/AL/360.svg", "/avatars/ABC/1.svg", "/avatars/%3Cb%3E/1.svg", "/avatars/A%20/1.svg"]
)
def test_anything_but_initials_and_a_hue_is_not_found(client, path):
    assert client.get(path).status_code == 404


def test_no_letters_give_a_plain_avatar(client):
    assert initials_of("  ---  ") == "-"
    assert client.get("/avatars/-/10.svg").status_code == 200


@pytest.mark.parametrize(
    ("name", "initials"),
    [("Ada Lovelace", "AL"), ("ada", "A"), ("Jean-Luc Picard", "JP"), ("élodie durand", "ÉD"), ("李 小龙", "李小")],
)
def test_initials_are_the_first_and_last_words_first_letters(name, initials):
    assert initials_of(name) == initials


def test_the_colour_depends_on_the_secret_key_not_on_the_address_alone(settings):
    first = [hue_for("", f"reader{n}@example.org") for n in range(20)]
    settings.SECRET_KEY = "another-secret-key-that-is-long-enough-for-django-0123456789"
    second = [hue_for("", f"reader{n}@example.org") for n in range(20)]

    assert first != second


def test_an_administrator_can_turn_on_gravatar_and_social_pictures(client):
    post = PostFactory()
    CommentFactory(post=post, author_name="Ada", author_email=EMAIL)
    CommentFactory(
        post=post, author_name="Bo", author_email="bo@example.org", author_avatar_url="https://pics.example/b.png"
    )
    configure(remote_avatars=True)

    html = page(client, post)

    digest = hashlib.sha256(EMAIL.encode()).hexdigest()
    assert f"https://www.gravatar.com/avatar/{digest}?d=identicon&amp;s=56" in html
    assert 'src="https://pics.example/b.png"' in html


def test_the_setting_explains_the_privacy_trade_off():
    field = DiscussionSettings._meta.get_field("remote_avatars")

    assert field.default is False
    assert "IP address" in field.help_text
    assert "hash" in field.help_text


def test_a_signed_in_reader_sees_their_local_avatar_in_the_form(client):
    reader = UserFactory(first_name="Grace", last_name="Hopper", email="grace@example.org")
    client.force_login(reader)
    post = PostFactory()

    html = page(client, post)

    assert re.search(r'<img class="comment-signed-in-avatar" src="/avatars/GH/\d+\.svg"', html)
    for digest in email_hashes("grace@example.org"):
        assert digest not in html


@pytest.mark.parametrize("remote", [False, True])
def test_a_thread_works_out_every_picture_exactly_as_one_comment_does(remote):
    from comments.avatars import avatar_addresses, avatar_url

    address = avatar_addresses(remote=remote)
    commenters = [
        ("Ada Lovelace", EMAIL, ""),
        ("élodie durand", "Elodie@Example.org ", ""),
        ("李 小龙", "", ""),
        ("", "", ""),
        ("  O'Brien & Sons  ", "ob@example.org", "https://pics.example/ob.png"),
        ("ß straße", "", "https://pics.example/s.png"),
        ("Ⅻ 42", "x@example.org", ""),
    ]
    for name, email, picture in commenters:
        assert address(name, email, picture) == avatar_url(name=name, email=email, picture=picture, remote=remote)
