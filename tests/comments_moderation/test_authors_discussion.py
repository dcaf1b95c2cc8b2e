"""Authors and the discussion under their own posts: they see and answer it in the admin and, if the
discussion settings allow (WordPress's default), moderate it; other authors' discussions stay hidden."""

import pytest
from django.urls import reverse

from accounts import roles
from comments.models import Comment, DiscussionSettings
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")
A = Comment.Status


@pytest.fixture
def rosa():
    user = UserFactory(username="rosa", first_name="Rosa", last_name="Lindgren")
    roles.assign_role(user, roles.AUTHOR)
    return user


@pytest.fixture
def olle():
    user = UserFactory(username="olle")
    roles.assign_role(user, roles.AUTHOR)
    return user


@pytest.fixture
def her_post(rosa):
    return PostFactory(title="Vitamin D and relapses", author=rosa)


def row_action(comment) -> str:
    return reverse("admin:comments_comment_row_action", args=[comment.pk])


def test_the_comment_count_in_an_authors_post_list_leads_to_that_posts_comments(client, rosa, her_post, olle):
    CommentFactory(post=her_post, body="Thank you, Dr Lindgren.")
    CommentFactory(post=her_post, status=A.PENDING, body="Is 4000 IU too much?")
    CommentFactory(post=PostFactory(author=olle), body="Under Olle's post")
    client.force_login(rosa)

    post_list = client.get("/admin/posts/post/").content.decode()
    link = f"{CHANGELIST}?post__id__exact={her_post.pk}"
    assert f'href="{link}"' in post_list

    comments = client.get(link)
    assert comments.status_code == 200
    html = comments.content.decode()
    assert "Thank you, Dr Lindgren." in html
    assert "Is 4000 IU too much?" in html
    assert "Under Olle" not in html
    assert "All (2)" in html
    assert "Pending (1)" in html


def test_an_authors_menu_badge_counts_only_her_posts_pending_comments(client, rosa, her_post, olle):
    CommentFactory(post=her_post, status=A.PENDING)
    CommentFactory(post=PostFactory(author=olle), status=A.PENDING)
    CommentFactory(post=PostFactory(author=olle), status=A.PENDING)
    client.force_login(rosa)

    html = client.get(reverse("admin:index")).content.decode()

    assert 'title="1 comment waiting for moderation"' in html


def test_an_author_moderates_her_own_posts_comments_when_the_settings_allow(client, rosa, her_post):
    held = CommentFactory(post=her_post, status=A.PENDING, author_name="Nora")
    client.force_login(rosa)

    response = client.post(row_action(held), {"do": "approve", "next": CHANGELIST})

    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == A.APPROVED
    assert 'value="bulk_approve"' in client.get(CHANGELIST).content.decode()


def test_an_author_only_reads_and_answers_when_the_settings_keep_moderation_for_editors(client, rosa, her_post):
    settings_row = DiscussionSettings.load()
    settings_row.authors_moderate_own_posts = False
    settings_row.save()
    held = CommentFactory(post=her_post, status=A.PENDING, author_name="Nora", body="Held question")
    approved = CommentFactory(post=her_post, author_name="Per", body="A fine post")
    client.force_login(rosa)

    listing = client.get(CHANGELIST).content.decode()
    assert "Held question" in listing
    assert 'value="bulk_approve"' not in listing
    assert 'name="do" value="approve"' not in listing
    assert client.post(row_action(held), {"do": "approve"}).status_code == 403
    held.refresh_from_db()
    assert held.status == A.PENDING
    # The comment's page is read-only for her.
    page = client.get(reverse("admin:comments_comment_change", args=[held.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()

    # She answers the approved comment; the held one waits for an editor.
    client.post(reverse("admin:comments_comment_reply", args=[approved.pk]), {"body": "Thank you, Per."})
    client.post(reverse("admin:comments_comment_reply", args=[held.pk]), {"body": "Not yet"})
    reply = Comment.objects.get(parent=approved)
    assert (reply.user, reply.status, reply.body) == (rosa, A.APPROVED, "Thank you, Per.")
    assert not Comment.objects.filter(parent=held).exists()


def test_an_author_answers_from_the_list_and_the_reply_is_published_as_hers(client, rosa, her_post):
    question = CommentFactory(post=her_post, author_name="Nora", body="Does it help fatigue?")
    client.force_login(rosa)

    response = client.post(
        reverse("admin:comments_comment_reply", args=[question.pk]),
        {"body": "Some trials suggest so.", "next": f"{CHANGELIST}?comment_status=approved"},
    )

    assert response.status_code == 302
    assert response.url == f"{CHANGELIST}?comment_status=approved"  # back to the list as it was
    reply = Comment.objects.get(parent=question)
    assert reply.author_name == "Rosa Lindgren"
    assert reply.status == A.APPROVED


def test_an_author_never_reaches_another_authors_comment_by_its_address(client, rosa, olle):
    theirs = CommentFactory(post=PostFactory(author=olle), status=A.PENDING, body="For Olle")
    client.force_login(rosa)

    assert client.get(reverse("admin:comments_comment_change", args=[theirs.pk])).status_code == 302  # "not found"
    assert client.post(row_action(theirs), {"do": "spam"}).status_code == 404
    assert client.post(reverse("admin:comments_comment_reply", args=[theirs.pk]), {"body": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == A.PENDING
