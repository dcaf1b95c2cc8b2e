"""The reply form mirrors WordPress.com's: its fields, replies without JavaScript, signed-in readers, closed posts."""

import datetime
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from tests.comments.helpers import page
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def respond(html: str) -> str:
    """The #respond block of a post page."""
    start = html.index('<div id="respond"')
    return html[start : html.index("</form>", start)]


def label_for(html: str, name: str) -> str:
    field_id = re.search(rf'name="{name}"[^>]*id="([^"]+)"|id="([^"]+)"[^>]*name="{name}"', html)
    field_id = field_id.group(1) or field_id.group(2)
    label = re.search(rf'<label for="{field_id}">(.*?)</label>', html, re.DOTALL)
    return re.sub(r"<[^>]+>", "", label.group(1)).strip()


def test_guest_sees_wordpress_com_form(client):
    post = PostFactory()

    form = respond(client.get(post.get_absolute_url()).content.decode())

    assert '<span id="reply-title-text">Leave a Reply</span>' in form
    assert "Fill in your details below or click an icon to log in:" in form
    assert label_for(form, "comment") == "Comment *"
    assert label_for(form, "email") == "Email *"
    assert "Address never made public" in form
    assert label_for(form, "name") == "Name *"
    assert label_for(form, "url") == "Website"
    assert label_for(form, "save_details") == (
        "Save my name, email, and website in this browser for the next time I comment."
    )
    assert label_for(form, "notify_comments") == "Notify me of new comments via email."
    assert label_for(form, "notify_posts") == "Notify me of new posts via email."
    assert '<button type="submit" id="submit" class="submit">Post Comment</button>' in form
    assert re.search(r'<textarea name="comment"[^>]*required', form)
    assert re.search(r'<input type="email" name="email"[^>]*required', form)
    assert not re.search(r'<input type="url" name="url"[^>]*required', form)


def test_signed_in_reader_sees_who_they_are_instead_of_the_fields(client):
    reader = UserFactory(first_name="Grace", last_name="Hopper")
    client.force_login(reader)
    post = PostFactory()

    form = respond(client.get(post.get_absolute_url()).content.decode())

    assert "Grace Hopper" in form
    assert "Fill in your details below" not in form
    for name in ("email", "name", "url", "save_details"):
        assert f'name="{name}"' not in form
    assert 'name="comment"' in form
    assert "Post Comment" in form


def test_reply_without_javascript_uses_replytocom_and_is_not_indexed(client):
    post = PostFactory()
    comment = CommentFactory(post=post, author_name="Ada")

    plain = client.get(post.get_absolute_url()).content.decode()
    html = client.get(f"{post.get_absolute_url()}?replytocom={comment.pk}").content.decode()

    form = respond(html)
    assert "Leave a Reply to Ada" in form
    assert re.search(r'id="cancel-comment-reply-link" href="[^"]+#respond">Cancel reply</a>', form)
    assert f'<input type="hidden" name="parent" value="{comment.pk}"' in form
    assert '<meta name="robots" content="noindex">' in html
    assert '<meta name="robots" content="noindex">' not in plain
    assert re.search(r'id="cancel-comment-reply-link"[^>]* hidden>', respond(plain))


@pytest.mark.parametrize("raw", ["abc", "-1", "0", "²", "٣", "99999999999999999999999999", "1e3", ""])
def test_garbage_replytocom_shows_the_ordinary_form(client, raw):
    post = PostFactory()
    CommentFactory(post=post)

    response = client.get(post.get_absolute_url(), {"replytocom": raw})

    assert response.status_code == 200
    assert '<span id="reply-title-text">Leave a Reply</span>' in respond(response.content.decode())


def test_replytocom_for_a_comment_on_another_post_or_held_is_ignored(client):
    post = PostFactory()
    elsewhere = CommentFactory(author_name="Elsewhere")
    held = CommentFactory(post=post, author_name="Held", status=Comment.Status.PENDING)

    for comment in (elsewhere, held):
        form = respond(client.get(f"{post.get_absolute_url()}?replytocom={comment.pk}").content.decode())
        assert "Leave a Reply to" not in form


def test_closed_post_says_comments_are_closed_instead_of_the_form(client):
    post = PostFactory(comments_open=False)
    CommentFactory(post=post)

    html = client.get(post.get_absolute_url()).content.decode()

    assert "Comments are closed." in html
    assert 'id="respond"' not in html
    assert "?replytocom=" not in html


def test_comments_close_on_old_posts_when_the_setting_is_on(client):
    discussion = DiscussionSettings.load()
    discussion.close_after_days = 14
    discussion.save()
    old = PostFactory(published_at=timezone.now() - timedelta(days=15))
    recent = PostFactory(published_at=timezone.now() - timedelta(days=13))

    assert "Comments are closed." in client.get(old.get_absolute_url()).content.decode()
    assert 'id="respond"' in client.get(recent.get_absolute_url()).content.decode()


def test_remembered_commenter_finds_their_details_filled_in(client):
    post = PostFactory()
    client.cookies["comment_author"] = "Ada%20Reader"
    client.cookies["comment_author_email"] = "ada%40example.org"
    client.cookies["comment_author_url"] = "https%3A//ada.example"

    form = respond(client.get(post.get_absolute_url()).content.decode())

    assert 'value="Ada Reader"' in form
    assert 'value="ada@example.org"' in form
    assert 'value="https://ada.example"' in form
    assert re.search(r'<input type="checkbox" name="save_details"[^>]*checked', form)


@pytest.mark.usefixtures("notified")
def test_with_the_age_setting_off_even_an_old_post_stays_open(client):
    post = PostFactory(published_at=timezone.now() - datetime.timedelta(days=3650))

    html = page(client, post)

    assert 'id="respond"' in html
    assert "Comments are closed." not in html


@pytest.mark.usefixtures("notified")
def test_the_guest_form_requires_comment_email_and_name_but_not_the_website(client):
    post = PostFactory()

    form = respond(page(client, post))

    assert re.search(r'<input type="text" name="name"[^>]*required', form)
    assert re.search(r'<input type="email" name="email"[^>]*required', form)
    assert re.search(r'<textarea name="comment"[^>]*required', form)
    assert not re.search(r'name="url"[^>]*required', form)
    assert 'id="reply-title"' in form
    for box in ("save_details", "notify_comments", "notify_posts"):
        assert not re.search(rf'<input type="checkbox" name="{box}"[^>]*checked', form), box


@pytest.mark.usefixtures("notified")
def test_a_signed_in_reader_still_gets_both_notify_boxes_and_the_post_button(client):
    reader = UserFactory(first_name="Grace", last_name="Hopper")
    client.force_login(reader)
    post = PostFactory()

    form = respond(page(client, post))

    assert "You are commenting as Grace Hopper." in form
    assert "Notify me of new comments via email." in form
    assert "Notify me of new posts via email." in form
    assert "Save my name, email, and website" not in form
    assert "Post Comment" in form
