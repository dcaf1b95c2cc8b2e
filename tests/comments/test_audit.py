"""Issue 4, point by point: the rules the other comment tests did not yet pin down (see notes/audit-issue4.md)."""

import datetime
import re

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from comments.models import Comment, DiscussionSettings
from comments.rendering import render_comment
from comments.services import post_comment
from tests.comments.helpers import comment_data, comment_ids, configure, known_guest, page, post_url
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quiet(notified):
    """Emails are the moderation suite's story; here they are only recorded."""


def respond(html: str) -> str:
    start = html.index('<div id="respond"')
    return html[start : html.index("</form>", start)]


# Model and storage ------------------------------------------------------------------------------------


def test_the_wordpress_comment_id_is_unique_but_new_comments_need_none():
    post = PostFactory()
    CommentFactory(post=post, legacy_id=None)
    CommentFactory(post=post, legacy_id=None)
    CommentFactory(post=post, legacy_id=4242)

    with pytest.raises(IntegrityError), transaction.atomic():
        CommentFactory(post=post, legacy_id=4242)
    assert Comment.objects.filter(post=post).count() == 3


def test_sanitised_html_is_stored_on_save_and_the_page_shows_the_stored_copy(client):
    post = PostFactory()
    comment = CommentFactory(post=post, body="First <script>alert(1)</script>version")
    assert "<script" not in comment.body_html

    comment.body = 'Second version, see https://example.org <b onclick="x()">now</b>'
    comment.save()

    stored = Comment.objects.get(pk=comment.pk).body_html
    assert stored == (
        '<p>Second version, see <a href="https://example.org" rel="nofollow ugc">https://example.org</a> <b>now</b></p>'
    )
    # Rendering happens once, on save: the page prints what is stored, it never renders per request.
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>The stored copy</p>")
    assert "The stored copy" in page(client, post)


def test_discussion_settings_start_with_wordpress_defaults():
    discussion = DiscussionSettings.load()

    assert discussion.thread_depth == 5
    assert discussion.comment_order == DiscussionSettings.Order.OLDEST_FIRST
    assert discussion.comments_per_page == 0
    assert discussion.close_after_days == 0
    assert discussion.require_manual_approval is False
    assert discussion.require_previous_approval is True
    assert discussion.max_links == 2
    assert discussion.edit_window_minutes == 15


# Reading ----------------------------------------------------------------------------------------------


def test_the_commenters_email_address_is_never_on_the_page(client):
    post = PostFactory()
    CommentFactory(post=post, author_name="Private Person", author_email="private.person@example.org")
    reply_form = page(client, post, f"?replytocom={Comment.objects.get().pk}")

    for html in (page(client, post), reply_form):
        assert "Private Person" in html
        assert "private.person" not in html.lower()


def test_the_heading_counts_one_thought_then_two_thoughts_as_comments_arrive(client):
    post = PostFactory(title="Vitamin D")
    CommentFactory(post=post)
    assert "One thought on “Vitamin D”" in page(client, post)

    CommentFactory(post=post)
    html = page(client, post)
    assert "2 thoughts on “Vitamin D”" in html
    assert "One thought" not in html


def test_the_permalink_time_of_a_reply_points_at_the_reply_itself(client):
    post = PostFactory()
    parent = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=parent)

    html = page(client, post)
    item = html[html.index(f'<li id="comment-{reply.pk}"') :]

    assert re.search(
        rf'^<li id="comment-{reply.pk}"[^>]*>\s*<article[^>]*>.*?<a href="#comment-{reply.pk}"><time ', item, re.S
    )


def test_an_imported_comment_keeps_its_wordpress_anchor(client):
    post = PostFactory()
    imported = CommentFactory(post=post, legacy_id=987654)

    html = page(client, post)

    assert '<li id="comment-987654"' in html
    assert '<a href="#comment-987654"><time' in html
    assert imported.get_absolute_url().endswith("#comment-987654")


def test_with_the_age_setting_off_even_an_old_post_stays_open(client):
    post = PostFactory(published_at=timezone.now() - datetime.timedelta(days=3650))

    html = page(client, post)

    assert 'id="respond"' in html
    assert "Comments are closed." not in html


def test_newest_first_puts_the_newest_reply_first_among_its_siblings_only(client):
    configure(comment_order=DiscussionSettings.Order.NEWEST_FIRST)
    post = PostFactory()
    earlier = timezone.now() - datetime.timedelta(hours=3)
    top = CommentFactory(post=post, created_at=earlier)
    first_reply = CommentFactory(post=post, parent=top, created_at=earlier + datetime.timedelta(minutes=5))
    second_reply = CommentFactory(post=post, parent=top, created_at=earlier + datetime.timedelta(minutes=10))
    newer_top = CommentFactory(post=post)

    # Like WordPress: the setting orders top-level comments; a conversation under one still reads in order.
    assert comment_ids(page(client, post)) == [newer_top.pk, top.pk, first_reply.pk, second_reply.pk]


# Comment pages ----------------------------------------------------------------------------------------


def test_a_reply_lands_on_the_comment_page_of_its_thread():
    known_guest()
    configure(comments_per_page=2)
    post = PostFactory()
    old = timezone.now() - datetime.timedelta(hours=1)
    roots = [CommentFactory(post=post, created_at=old + datetime.timedelta(minutes=n)) for n in range(5)]
    client = Client()

    response = client.post(post_url(post), comment_data(post, parent=str(roots[2].pk)))

    reply = Comment.objects.get(parent=roots[2])
    assert response["Location"] == f"{post.get_absolute_url()}comment-page-2/#comment-{reply.pk}"
    assert comment_ids(client.get(response["Location"]).content.decode()) == [roots[2].pk, reply.pk, roots[3].pk]


def test_with_newest_first_pages_a_new_comment_lands_on_the_first_page():
    known_guest()
    configure(comments_per_page=2, comment_order=DiscussionSettings.Order.NEWEST_FIRST)
    post = PostFactory()
    old = timezone.now() - datetime.timedelta(hours=1)
    for n in range(5):
        CommentFactory(post=post, created_at=old + datetime.timedelta(minutes=n))
    client = Client()

    response = client.post(post_url(post), comment_data(post))

    comment = Comment.objects.get(post=post, author_email="ada@example.org")
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert comment_ids(client.get(response["Location"]).content.decode())[0] == comment.pk


# The sanitiser: exactly WordPress's guest list ------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (
            '<a href="https://a.org" title="t" name="n" id="i" class="c" target="_blank" style="x">a</a>',
            '<a href="https://a.org" title="t" rel="nofollow ugc">a</a>',
        ),
        ('<abbr title="multiple sclerosis" class="c" id="i">MS</abbr>', '<abbr title="multiple sclerosis">MS</abbr>'),
        ('<acronym title="t" id="i">X</acronym>', '<acronym title="t">X</acronym>'),
        ('<b class="c" id="i">b</b>', "<b>b</b>"),
        (
            '<blockquote cite="https://a.org" class="c" style="x">q</blockquote>',
            '<blockquote cite="https://a.org">q</blockquote>',
        ),
        ('<cite id="i" class="c">c</cite>', "<cite>c</cite>"),
        ('<code class="language-python" id="i">c</code>', "<code>c</code>"),
        ('<del datetime="2024-01-01" cite="https://a.org" class="c">d</del>', '<del datetime="2024-01-01">d</del>'),
        ('<em id="i">e</em>', "<em>e</em>"),
        ('<i class="icon">i</i>', "<i>i</i>"),
        ('<q cite="https://a.org" id="i" class="c">q</q>', '<q cite="https://a.org">q</q>'),
        ('<s style="x">s</s>', "<s>s</s>"),
        ('<strike class="c">s</strike>', "<strike>s</strike>"),
        ('<strong style="color:red">s</strong>', "<strong>s</strong>"),
    ],
)
def test_each_guest_tag_keeps_only_its_wordpress_attributes(typed, kept):
    html = render_comment(typed)

    assert kept in html
    for dropped in ('name="', 'id="', 'class="', 'target="', 'style="', 'lang="'):
        assert dropped not in html
    if not kept.startswith(("<blockquote", "<q")):
        assert 'cite="' not in html


@pytest.mark.parametrize(
    "tag",
    ["u", "sup", "sub", "span", "div", "pre", "h2", "font", "small", "mark", "ins", "kbd", "button", "label", "li"],
)
def test_tags_outside_the_guest_list_are_dropped_and_their_text_kept(tag):
    html = render_comment(f"before <{tag}>inside</{tag}> after")

    assert f"<{tag}" not in html
    assert "inside" in html
    assert "before" in html
    assert "after" in html


@pytest.mark.parametrize(
    "tag",
    ['img src="https://a.org/x.png"', 'input value="x"', 'video src="x"', "form", 'object data="x"', 'embed src="x"'],
)
def test_embedded_or_interactive_elements_never_survive(tag):
    name = tag.split()[0]

    assert f"<{name}" not in render_comment(f"look <{tag}> here")


@pytest.mark.parametrize(
    "hostile",
    [
        '<a href="javascript&colon;alert(1)">x</a>',
        '<a href="java\nscript:alert(1)">x</a>',
        '<a href="\x01javascript:alert(1)">x</a>',
        '<a href="JAVASCRIPT&#58;alert(1)">x</a>',
        '<abbr title="x" onfocus="alert(1)" tabindex="0" autofocus>MS</abbr>',
        '<del datetime="x" onclick="alert(1)">d</del>',
        '<q cite="https://ok.example" onmouseover="alert(1)">q</q>',
        '<a href="https://ok.example" onmouseover="alert(1)" onfocus=alert(1)>ok</a>',
        '<a href="https://ok.example" title="x" ONCLICK="alert(1)">ok</a>',
    ],
)
def test_javascript_urls_and_event_handlers_never_survive_in_allowed_tags(hostile):
    markup = " ".join(re.findall(r"<[^>]*>", render_comment(hostile).lower()))

    assert "javascript" not in markup
    assert not re.search(r"\son\w+\s*=", markup)
    assert "tabindex" not in markup
    assert "autofocus" not in markup


def test_bare_urls_and_typed_links_all_get_nofollow_ugc_and_count_as_links():
    html = render_comment('Two sources: https://a.org/one and <a href="https://b.org">two</a>, plus www.c.org.')

    assert html.count('rel="nofollow ugc"') == 3
    assert len(re.findall(r"<a ", html)) == 3


# The form ---------------------------------------------------------------------------------------------


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


def test_a_validation_error_keeps_every_ticked_box_and_leaves_the_others_unticked(client):
    post = PostFactory()
    data = comment_data(post, email="not-an-address", save_details="on", notify_posts="on")

    html = client.post(post_url(post), data).content.decode()

    assert re.search(r'<input type="checkbox" name="save_details"[^>]*checked', html)
    assert re.search(r'<input type="checkbox" name="notify_posts"[^>]*checked', html)
    assert not re.search(r'<input type="checkbox" name="notify_comments"[^>]*checked', html)
    assert 'value="not-an-address"' in html
    assert 'value="Ada Reader"' in html


def test_a_signed_in_readers_validation_error_keeps_the_text_and_the_ticked_boxes(client):
    client.force_login(UserFactory())
    post = PostFactory()

    response = client.post(
        post_url(post),
        comment_data(post, name=None, email=None, comment="  ", notify_comments="on", notify_posts="on"),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Please type your comment." in html
    assert re.search(r'<input type="checkbox" name="notify_comments"[^>]*checked', html)
    assert re.search(r'<input type="checkbox" name="notify_posts"[^>]*checked', html)


def test_a_refused_duplicate_keeps_the_ticked_boxes(client, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    known_guest()
    post = PostFactory()
    data = comment_data(post, comment="Said twice.", notify_comments="on", save_details="on")
    client.post(post_url(post), data)

    response = client.post(
        post_url(post), comment_data(post, comment="Said twice.", notify_comments="on", save_details="on")
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert re.search(r'<input type="checkbox" name="notify_comments"[^>]*checked', html)
    assert re.search(r'<input type="checkbox" name="save_details"[^>]*checked', html)
    assert "Said twice." in html


# Moderation: who is trusted --------------------------------------------------------------------------


def guest_comment(post, **overrides) -> Comment:
    values = {
        "target": post,
        "parent": None,
        "body": "Interesting trial results.",
        "author_name": "Grace",
        "author_email": "grace@example.org",
        "user": None,
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0",
    }
    values.update(overrides)
    return post_comment(**values)


def test_a_member_of_the_editor_role_is_trusted_even_with_manual_approval_and_many_links():
    editor = UserFactory()
    roles.assign_role(editor, roles.EDITOR)
    configure(require_manual_approval=True, moderation_keys="trial")

    comment = guest_comment(
        PostFactory(), user=editor, body="Trial links https://a.org https://b.org https://c.org https://d.org"
    )

    assert comment.status == Comment.Status.APPROVED


def test_an_author_role_is_not_trusted_on_someone_elses_post():
    writer = UserFactory()
    roles.assign_role(writer, roles.AUTHOR)

    assert guest_comment(PostFactory(), user=writer).status == Comment.Status.PENDING


def test_a_superuser_is_trusted():
    admin = UserFactory(is_superuser=True, is_staff=True)
    configure(require_manual_approval=True)

    assert guest_comment(PostFactory(), user=admin).status == Comment.Status.APPROVED


def test_each_rule_alone_gives_its_outcome_through_the_real_form():
    """The same returning guest, one setting at a time: each rule decides on its own."""
    post = PostFactory()
    known_guest()
    outcomes = {}
    cases = {
        "nothing special": ({}, "Plain words."),
        "disallowed word": ({"disallowed_keys": "casino"}, "Best casino."),
        "manual approval": ({"require_manual_approval": True}, "Manual please."),
        "too many links": ({}, "https://a.org https://b.org https://c.org"),
        "moderation word": ({"moderation_keys": "miracle"}, "A miracle cure."),
    }
    for number, (name, (changes, body)) in enumerate(cases.items()):
        configure(**{"require_manual_approval": False, "moderation_keys": "", "disallowed_keys": "", **changes})
        client = Client(REMOTE_ADDR=f"192.0.2.{number + 1}")
        response = client.post(post_url(post), comment_data(post, comment=body))
        assert response.status_code == 302, name
        outcomes[name] = Comment.objects.get(post=post, body=body).status

    assert outcomes == {
        "nothing special": Comment.Status.APPROVED,
        "disallowed word": Comment.Status.TRASH,
        "manual approval": Comment.Status.PENDING,
        "too many links": Comment.Status.PENDING,
        "moderation word": Comment.Status.PENDING,
    }


def test_a_trashed_comment_is_not_shown_even_to_its_author(client):
    configure(disallowed_keys="casino")
    known_guest()
    post = PostFactory()

    client.post(post_url(post), comment_data(post, comment="Visit my casino"))

    assert Comment.objects.get(post=post).status == Comment.Status.TRASH
    assert "Visit my casino" not in page(client, post)


# Flood, duplicate ----------------------------------------------------------------------------------


def test_flood_control_still_holds_at_fourteen_seconds():
    known_guest()
    post = PostFactory()
    client = Client(REMOTE_ADDR="198.51.100.7")
    client.post(post_url(post), comment_data(post, comment="One"))

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=14)):
        response = client.post(post_url(post), comment_data(post, comment="Two"))

    assert response.status_code == 429
    assert "You are posting comments too quickly. Slow down." in response.content.decode()


def test_a_duplicate_is_detected_whatever_the_surrounding_whitespace(client, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    known_guest()
    post = PostFactory()
    client.post(post_url(post), comment_data(post, comment="Same words."))

    response = client.post(post_url(post), comment_data(post, comment="\n  Same words.  \n"))

    assert response.status_code == 409
    assert "Duplicate comment detected; it looks as though you’ve already said that!" in response.content.decode()


# Edit window ---------------------------------------------------------------------------------------


def test_the_edit_window_is_a_setting(client):
    configure(edit_window_minutes=5)
    known_guest()
    post = PostFactory()
    client.post(post_url(post), comment_data(post, comment="Quick thought."))
    comment = Comment.objects.get(post=post)
    edit = reverse("comments:edit", kwargs={"pk": comment.pk})

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=4)):
        assert client.get(edit).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
        refused = client.post(edit, {"comment": "Too late now."})

    assert refused.status_code == 403
    assert "for 5 minutes after posting" in refused.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Quick thought."


def test_an_edit_that_adds_too_many_links_is_held_again(client):
    known_guest()
    post = PostFactory()
    client.post(post_url(post), comment_data(post, comment="No links yet."))
    comment = Comment.objects.get(post=post)
    assert comment.status == Comment.Status.APPROVED

    client.post(
        reverse("comments:edit", kwargs={"pk": comment.pk}),
        {"comment": "Now https://a.org https://b.org https://c.org"},
    )

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert "https://c.org" not in page(Client(), post)


# Soft delete ---------------------------------------------------------------------------------------


def test_a_deleted_comment_with_replies_keeps_its_place_for_every_reader_and_hides_its_author(client):
    known_guest()
    post = PostFactory()
    client.post(post_url(post), comment_data(post, comment="I will regret this.", url="https://ada.example"))
    comment = Comment.objects.get(post=post)
    reply = CommentFactory(post=post, parent=comment, body="Kind reply.")

    client.post(reverse("comments:delete", kwargs={"pk": comment.pk}))

    html = page(Client(), post)
    item = html[html.index(f'<li id="comment-{comment.pk}"') : html.index(f'<li id="comment-{reply.pk}"')]
    assert "This comment was deleted." in item
    assert "Ada Reader" not in item
    assert "ada.example" not in item
    assert "gravatar" not in item
