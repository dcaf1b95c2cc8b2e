"""Static pages whose comments are open have the same discussion as posts: thread, form, moderation, mail."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, DiscussionSettings, Subscription
from posts.models import Post
from tests.comments.helpers import comment_data, known_guest
from tests.factories import CommentFactory, PageFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def page_url(page) -> str:
    return reverse("comments:page", kwargs={"page_id": page.pk})


def read(client, page) -> str:
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def about(db):
    author = UserFactory(username="mira", email="mira@example.org", first_name="Mira", last_name="Okafor")
    return PageFactory(title="About this blog", slug="about", author=author, comments_open=True)


@pytest.fixture
def editor(db):
    group, _ = Group.objects.get_or_create(name="Editor")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=["view_comment", "change_comment", "delete_comment", "moderate_comment"],
        )
    )
    user = UserFactory(username="eddie", email="eddie@example.org", is_staff=True)
    user.groups.add(group)
    return user


# Reading ------------------------------------------------------------------------------------------


def test_a_page_with_comments_open_shows_its_thread_and_the_form(client, about):
    question = CommentFactory(page=about, author_name="Dana", body="Who writes this blog?")
    CommentFactory(page=about, parent=question, author_name="Mira", body="I do, with two neurologists.")

    html = read(client, about)

    assert "2 thoughts on “About this blog”" in html
    assert f'<li id="comment-{question.pk}"' in html
    assert '<ol class="children">' in html
    assert "I do, with two neurologists." in html
    assert "Leave a Reply" in html
    assert f'action="{page_url(about)}"' in html
    assert "Post Comment" in html


def test_a_page_with_comments_off_shows_no_discussion_at_all(client):
    disclaimer = PageFactory(title="Disclaimer")  # comments are off by default on pages

    html = read(client, disclaimer)

    assert not disclaimer.comments_open
    assert 'id="comments"' not in html
    assert "Leave a Reply" not in html
    assert "Comments are closed." not in html
    assert "thoughts on" not in html


def test_a_page_closed_after_a_discussion_keeps_it_and_says_closed(client, about):
    CommentFactory(page=about, body="An old question.")
    about.comments_open = False
    about.save()

    html = read(client, about)

    assert "One thought on “About this blog”" in html
    assert "An old question." in html
    assert "Comments are closed." in html
    assert "Leave a Reply" not in html


def test_comments_close_on_a_page_older_than_the_closing_age(client, about):
    discussion = DiscussionSettings.load()
    discussion.close_after_days = 30
    discussion.save()
    fresh = PageFactory(title="New page", comments_open=True)
    about.created_at = timezone.now() - datetime.timedelta(days=31)
    about.save()

    assert "Comments are closed." not in read(client, fresh)
    assert "Leave a Reply" in read(client, fresh)
    assert not discussion.comments_open_for(about)
    known_guest()
    response = client.post(page_url(about), comment_data(about, comment="Too late?"))
    assert response.status_code == 403
    assert not Comment.objects.filter(page=about).exists()


def test_a_draft_page_has_no_discussion_and_refuses_comments(client, about):
    about.status = about.Status.DRAFT
    about.save()
    known_guest()

    assert client.get(about.get_absolute_url()).status_code == 404
    response = client.post(page_url(about), comment_data(about, comment="Anyone here?"))

    assert response.status_code == 404
    assert not Comment.objects.filter(page=about).exists()


# Posting ------------------------------------------------------------------------------------------


def test_a_guest_posts_on_a_page_and_lands_on_the_new_comment(client, about):
    known_guest()

    response = client.post(page_url(about), comment_data(about, comment="Thank you for writing this blog."))

    comment = Comment.objects.get(page=about)
    assert response.status_code == 302
    assert response["Location"] == f"/about/#comment-{comment.pk}"
    assert comment.post is None
    assert comment.status == Comment.Status.APPROVED
    assert "Thank you for writing this blog." in read(Client(), about)


def test_a_guest_replies_on_a_page_without_javascript(client, about):
    known_guest()
    question = CommentFactory(page=about, author_name="Dana", body="Who writes this blog?")

    form_page = client.get(about.get_absolute_url(), {"replytocom": question.pk}).content.decode()
    assert "Leave a Reply to Dana" in form_page
    assert '<meta name="robots" content="noindex">' in form_page
    response = client.post(page_url(about), comment_data(about, comment="Same question here.", parent=question.pk))

    reply = Comment.objects.get(body="Same question here.")
    assert response["Location"] == f"/about/#comment-{reply.pk}"
    assert reply.parent == question
    assert reply.page == about
    assert reply.depth == 2


def test_a_reply_must_belong_to_the_same_page(client, about):
    known_guest()
    elsewhere = CommentFactory(post=PostFactory(), body="On a post.")

    response = client.post(page_url(about), comment_data(about, comment="Cross-posted reply.", parent=elsewhere.pk))

    assert response.status_code == 400
    assert "The comment you are replying to is no longer available." in response.content.decode()
    assert "Cross-posted reply." in response.content.decode()  # kept for the reader
    assert not Comment.objects.filter(body="Cross-posted reply.").exists()


def test_a_page_form_cannot_be_sent_to_a_post_with_the_same_id(client, about):
    same_id_post = PostFactory(pk=about.pk)
    known_guest()
    data = comment_data(about, comment="Sent to the wrong place.")

    response = client.post(reverse("comments:post", kwargs={"post_id": same_id_post.pk}), data)

    assert response.status_code == 400
    assert "The form belongs to another post." in response.content.decode()
    assert not Comment.objects.filter(body="Sent to the wrong place.").exists()


def test_a_page_with_comments_off_refuses_a_comment(client):
    disclaimer = PageFactory(title="Disclaimer")
    known_guest()

    response = client.post(page_url(disclaimer), comment_data(disclaimer, comment="Can I comment?"))

    assert response.status_code == 403
    assert "Comments are closed." in response.content.decode()
    assert "Can I comment?" in response.content.decode()
    assert not Comment.objects.filter(page=disclaimer).exists()


def test_a_held_comment_on_a_page_is_shown_only_to_its_author(client, about):
    response = client.post(page_url(about), comment_data(about, name="Newcomer", email="new@example.org"))

    held = Comment.objects.get(page=about)
    assert held.status == Comment.Status.PENDING
    assert response["Location"] == f"/about/#comment-{held.pk}"
    mine = read(client, about)
    assert f'<li id="comment-{held.pk}"' in mine
    assert "Your comment is awaiting moderation." in mine
    assert f'<li id="comment-{held.pk}"' not in read(Client(), about)


def test_the_pages_author_is_trusted(client, about):
    discussion = DiscussionSettings.load()
    discussion.require_manual_approval = True
    discussion.save()
    client.force_login(about.author)

    client.post(page_url(about), comment_data(about, comment="Thanks, everyone, for reading."))

    assert Comment.objects.get(page=about).status == Comment.Status.APPROVED


def test_the_author_edits_their_page_comment_and_returns_to_the_page(client, about):
    known_guest()
    client.post(page_url(about), comment_data(about, comment="A typo hre."))
    comment = Comment.objects.get(page=about)

    response = client.post(reverse("comments:edit", args=[comment.pk]), {"comment": "A typo here."})

    assert response["Location"] == f"/about/#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.body == "A typo here."
    delete = client.post(reverse("comments:delete", args=[comment.pk]))
    assert delete["Location"] == "/about/#comments"


# Email --------------------------------------------------------------------------------------------


def test_moderators_are_asked_about_a_held_page_comment(
    client, about, editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url(about), comment_data(about, name="Nora", email="nora@example.org", comment="Hello?"))

    message = next(message for message in mailoutbox if message.to == ["eddie@example.org"])
    assert "Please moderate: “About this blog”" in message.subject
    assert "A new comment on the page “About this blog” is waiting for your approval." in message.body
    comment = Comment.objects.get(page=about)
    assert f"/about/#comment-{comment.pk}" in message.body


def test_the_pages_author_hears_of_a_new_comment(client, about, mailoutbox, django_capture_on_commit_callbacks):
    known_guest()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url(about), comment_data(about, comment="Lovely page."))

    (message,) = [message for message in mailoutbox if message.to == ["mira@example.org"]]
    assert "New comment on “About this blog”" in message.subject
    assert "commented on your page “About this blog”" in message.body


def test_a_page_without_an_author_still_takes_comments(client, mailoutbox, django_capture_on_commit_callbacks):
    orphan = PageFactory(title="Contact", author=None, comments_open=True)
    known_guest()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(orphan), comment_data(orphan, comment="How do I reach you?"))

    assert response.status_code == 302
    assert Comment.objects.get(page=orphan).status == Comment.Status.APPROVED
    assert mailoutbox == []


def link_path(message, contains: str) -> str:
    (url,) = {url for url in re.findall(r"https?://[^\s<>\"]+", message.body) if contains in url}
    return urlsplit(url).path


def test_a_guest_follows_a_pages_discussion_confirms_and_unsubscribes(
    client, about, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.COMMENTS_FLOOD_SECONDS = 0
    known_guest()
    known_guest("bob@example.org", name="Bob")
    assert "Notify me of new comments via email." in read(client, about)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url(about), comment_data(about, comment="Keep me posted.", notify_comments="on"))
    (confirmation,) = [message for message in mailoutbox if message.to == ["ada@example.org"]]
    assert "Please confirm: new comments on “About this blog”" in confirmation.subject
    client.post(link_path(confirmation, "/comments/subscription/confirm/"))
    subscription = Subscription.objects.get(email="ada@example.org")
    assert subscription.page == about
    assert subscription.post is None
    assert subscription.confirmed_at is not None
    mailoutbox.clear()

    same_id_post = Post.objects.filter(pk=about.pk).first() or PostFactory(pk=about.pk)
    bob = Client()
    with django_capture_on_commit_callbacks(execute=True):
        # A comment on the post that has the page's id is no news to the page's followers …
        bob.post(
            reverse("comments:post", kwargs={"post_id": same_id_post.pk}),
            comment_data(same_id_post, name="Bob", email="bob@example.org", comment="On the post."),
        )
        # … a comment on the page is.
        bob.post(page_url(about), comment_data(about, name="Bob", email="bob@example.org", comment="Me too."))

    assert Comment.objects.filter(post=same_id_post, body="On the post.").exists()
    (news,) = [message for message in mailoutbox if message.to == ["ada@example.org"]]
    assert "New comment on “About this blog”" in news.subject
    assert "Me too." in news.body
    unsubscribe = news.extra_headers["List-Unsubscribe"].strip("<>")
    client.post(urlsplit(unsubscribe).path)
    assert not Subscription.objects.filter(page=about).exists()


# Admin, feeds, data -------------------------------------------------------------------------------


def test_the_admin_lists_page_comments_beside_post_comments(client, about, editor):
    CommentFactory(page=about, body="On the page.")
    CommentFactory(post=PostFactory(title="Rituximab and relapses"), body="On the post.")
    client.force_login(editor)
    changelist = reverse("admin:comments_comment_changelist")

    everything = text(client.get(changelist).content.decode())
    pages_only = text(client.get(changelist, {"on": "pages"}).content.decode())
    found = text(client.get(changelist, {"q": "About this blog"}).content.decode())

    assert "Page: About this blog" in everything
    assert "Rituximab and relapses" in everything
    assert "On the page." in pages_only
    assert "On the post." not in pages_only
    assert "On the page." in found
    assert "On the post." not in found


def test_the_pages_admin_counts_approved_comments_and_links_to_them(client, about, editor):
    CommentFactory.create_batch(2, page=about)
    CommentFactory(page=about, status=Comment.Status.PENDING)
    CommentFactory(post=PostFactory(), body="On a post.")
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)

    pages = client.get(reverse("admin:posts_page_changelist")).content.decode()
    link = f"/admin/comments/comment/?page__id__exact={about.pk}"
    assert f'<a href="{link}" class="comment-count" title="2 approved comments">2</a>' in pages

    listed = text(client.get(link).content.decode())
    assert listed.count("Page: About this blog") == 3
    assert "On a post." not in listed


def test_a_moderator_replies_to_a_page_comment_from_the_admin(client, about, editor):
    question = CommentFactory(page=about, body="Who writes this blog?", status=Comment.Status.PENDING)
    client.force_login(editor)

    change = client.get(reverse("admin:comments_comment_change", args=[question.pk])).content.decode()
    assert "About this blog" in change
    client.post(reverse("admin:comments_comment_reply", args=[question.pk]), {"body": "Mira and friends."})

    reply = Comment.objects.get(body="Mira and friends.")
    assert reply.page == about
    assert reply.post is None
    assert reply.parent == question
    question.refresh_from_db()
    assert question.status == Comment.Status.APPROVED
    assert "Mira and friends." in read(Client(), about)


def test_page_comments_are_in_the_site_comment_feed_while_the_page_is_published(client, about):
    CommentFactory(page=about, author_name="Dana", body="Who writes this blog?")

    feed = client.get(reverse("comments:feed")).content.decode()
    assert "Comment on About this blog by Dana" in feed
    assert "/about/#comment-" in feed

    about.status = about.Status.DRAFT
    about.save()
    assert "About this blog" not in client.get(reverse("comments:feed")).content.decode()


def test_a_comment_belongs_to_exactly_one_post_or_page(about):
    post = PostFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(post=post, page=about, author_name="Both", body="Two places at once.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(author_name="Neither", body="Nowhere.")


def test_a_readers_data_download_names_the_page_they_commented_on(client, about):
    reader = UserFactory()
    CommentFactory(page=about, user=reader, body="Signed-in thanks.")
    client.force_login(reader)

    from accounts.services import account_data

    data = account_data(user=reader)

    assert [(c["page"], c["post"], c["body"]) for c in data["comments"]] == [
        ("About this blog", None, "Signed-in thanks.")
    ]
    assert data["comments"][0]["url"].startswith("/about/#comment-")
