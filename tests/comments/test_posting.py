"""A guest or a signed-in reader posts a comment: where they land, who sees it, and what happens when it is refused."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from comments.forms import COMMENT_MAX_LENGTH
from comments.models import Comment, DiscussionSettings
from tests.comments.helpers import comment_data, comment_ids, configure, known_guest, post_url, signed_timestamp
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quiet(notified):
    """Emails are another test module's story; here they are only recorded."""


def page(client, post) -> str:
    return client.get(post.get_absolute_url()).content.decode()


def form_values_kept(html: str, data: dict) -> None:
    assert data["comment"] in html
    assert f'value="{data["name"]}"' in html
    assert f'value="{data["email"]}"' in html
    if data.get("url"):
        assert f'value="{data["url"]}"' in html


# Success ----------------------------------------------------------------------------------------------


def test_guest_comment_lands_on_its_anchor_and_is_shown(client):
    known_guest()
    post = PostFactory()

    response = client.post(post_url(post), comment_data(post, comment="Great summary of the trial."))

    comment = Comment.objects.get(post=post)
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert comment.status == Comment.Status.APPROVED
    assert comment.author_name == "Ada Reader"
    assert comment.ip_address == "127.0.0.1"
    html = page(Client(), post)
    assert f'<li id="comment-{comment.pk}"' in html
    assert "Great summary of the trial." in html


def test_reply_is_saved_under_its_parent_and_shown_nested(client):
    known_guest()
    post = PostFactory()
    parent = CommentFactory(post=post)

    response = client.post(post_url(post), comment_data(post, parent=str(parent.pk)))

    reply = Comment.objects.get(parent=parent)
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    html = page(client, post)
    nested = html[html.index(f'id="comment-{parent.pk}"') :]
    assert re.search(rf'<ol class="children">\s*<li id="comment-{reply.pk}"', nested)


def test_a_reply_past_the_maximum_depth_joins_the_deepest_allowed_level():
    known_guest()
    post = PostFactory()
    discussion = DiscussionSettings.load()
    discussion.thread_depth = 2
    discussion.save()
    top = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=top)

    Client().post(post_url(post), comment_data(post, parent=str(reply.pk)))

    newest = Comment.objects.latest("pk")
    assert newest.parent == top
    assert newest.depth == 2


def test_with_comment_pages_the_redirect_goes_to_the_right_page(client):
    known_guest()
    post = PostFactory()
    discussion = DiscussionSettings.load()
    discussion.comments_per_page = 2
    discussion.save()
    old = timezone.now() - datetime.timedelta(hours=1)
    CommentFactory.create_batch(4, post=post, created_at=old)

    response = client.post(post_url(post), comment_data(post))

    comment = Comment.objects.latest("pk")
    assert response["Location"] == f"{post.get_absolute_url()}comment-page-3/#comment-{comment.pk}"
    assert f'id="comment-{comment.pk}"' in client.get(response["Location"]).content.decode()


def test_signed_in_reader_comments_under_their_account(client):
    reader = UserFactory(first_name="Grace", last_name="Hopper", email="grace@example.org")
    CommentFactory(user=reader)
    client.force_login(reader)
    post = PostFactory()

    response = client.post(post_url(post), comment_data(post, name=None, email=None, url=None))

    comment = Comment.objects.get(post=post)
    assert response.status_code == 302
    assert comment.user == reader
    assert comment.author_name == "Grace Hopper"
    assert comment.author_email == "grace@example.org"
    assert comment.status == Comment.Status.APPROVED


# Held comments ---------------------------------------------------------------------------------------


def test_first_time_guest_sees_their_held_comment_and_nobody_else_does(client):
    post = PostFactory()

    response = client.post(post_url(post), comment_data(post, comment="My first comment here."))

    comment = Comment.objects.get(post=post)
    assert comment.status == Comment.Status.PENDING
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    mine = page(client, post)
    assert f'<li id="comment-{comment.pk}"' in mine
    assert "Your comment is awaiting moderation." in mine
    assert "My first comment here." in mine
    assert "No thoughts yet" in mine  # a held comment is not counted
    stranger = page(Client(), post)
    assert "My first comment here." not in stranger
    assert "awaiting moderation" not in stranger


def test_held_comment_of_a_signed_in_reader_follows_their_account(client):
    reader = UserFactory()
    post = PostFactory()
    client.force_login(reader)
    client.post(post_url(post), comment_data(post, name=None, email=None, url=None, comment="Held for me"))

    elsewhere = Client()
    elsewhere.force_login(reader)

    assert "Held for me" in page(elsewhere, post)
    assert "Your comment is awaiting moderation." in page(elsewhere, post)


# Consent cookies -------------------------------------------------------------------------------------


def test_details_are_remembered_only_when_the_reader_ticks_the_box(client):
    known_guest()
    post = PostFactory()

    without = client.post(post_url(post), comment_data(post, url="https://ada.example"))
    assert "comment_author" not in without.cookies

    other = Client(REMOTE_ADDR="192.0.2.10")
    ticked = other.post(post_url(post), comment_data(post, comment="Second", save_details="on"))

    assert ticked.cookies["comment_author"].value == "Ada%20Reader"
    assert ticked.cookies["comment_author_email"].value == "ada%40example.org"
    assert ticked.cookies["comment_author"]["httponly"]


def test_unticking_the_box_forgets_remembered_details():
    known_guest()
    post = PostFactory()
    client = Client()
    client.cookies["comment_author"] = "Ada%20Reader"

    response = client.post(post_url(post), comment_data(post))

    assert response.cookies["comment_author"].value == ""
    assert response.cookies["comment_author"]["max-age"] == 0


# Validation errors keep everything -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"comment": "   "}, "Please type your comment."),
        ({"email": ""}, "Please enter your email address; it is never made public."),
        ({"email": "not-an-address"}, "Please enter a valid email address, like name@example.org."),
        ({"name": "  "}, "Please enter your name."),
        ({"url": "javascript:alert(1)"}, "Please enter a full web address"),
    ],
)
def test_a_validation_error_reshows_the_form_with_every_typed_value(client, change, message):
    post = PostFactory()
    data = comment_data(post, comment="A long, careful comment.", url="https://ada.example", notify_comments="on")
    data.update(change)

    response = client.post(post_url(post), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert '<meta name="robots" content="noindex">' in html
    for field in ("comment", "name", "email", "url"):
        if field not in change:
            assert data[field] in html
    assert re.search(r'<input type="checkbox" name="notify_comments"[^>]*checked', html)
    assert not Comment.objects.filter(post=post).exists()


def test_a_reply_that_fails_validation_is_still_a_reply(client):
    post = PostFactory()
    parent = CommentFactory(post=post, author_name="Ada")

    response = client.post(post_url(post), comment_data(post, email="", parent=str(parent.pk)))

    html = response.content.decode()
    assert "Leave a Reply to Ada" in html
    assert f'name="parent" value="{parent.pk}"' in html


def test_a_body_longer_than_wordpress_allows_gets_a_clear_message(client):
    post = PostFactory()
    body = "word " * (COMMENT_MAX_LENGTH // 5 + 10)

    response = client.post(post_url(post), comment_data(post, comment=body))

    assert response.status_code == 400
    assert (
        f"Your comment is too long: it has {len(body.strip())} characters and the limit is {COMMENT_MAX_LENGTH}."
        in response.content.decode()
    )
    assert not Comment.objects.exists()


# Anti-spam -------------------------------------------------------------------------------------------


def test_honeypot_filled_in_is_refused_politely_and_keeps_the_text(client):
    known_guest()
    post = PostFactory()
    data = comment_data(post, homepage="https://spam.example")

    response = client.post(post_url(post), data)

    assert response.status_code == 400
    assert "Your comment looked automated, so it was not posted." in response.content.decode()
    form_values_kept(response.content.decode(), data)
    assert not Comment.objects.filter(post=post).exists()


def test_a_form_sent_back_too_fast_is_refused_with_a_friendly_message(client):
    known_guest()
    post = PostFactory()
    data = comment_data(post, timestamp=signed_timestamp(post, seconds_ago=0.5))

    response = client.post(post_url(post), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "That was very quick! Please take a moment to read your comment, then post it again." in html
    form_values_kept(html, data)


def test_after_a_too_fast_refusal_the_reshown_form_works(client):
    known_guest()
    post = PostFactory()
    html = client.post(
        post_url(post), comment_data(post, timestamp=signed_timestamp(post, seconds_ago=0))
    ).content.decode()
    fresh = re.search(r'name="timestamp" value="([^"]+)"', html).group(1)

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=10)):
        response = client.post(post_url(post), comment_data(post, timestamp=fresh))

    assert response.status_code == 302


def test_a_form_older_than_a_day_has_expired(client):
    known_guest()
    post = PostFactory()
    data = comment_data(post, timestamp=signed_timestamp(post, seconds_ago=24 * 60 * 60 + 60))

    response = client.post(post_url(post), data)

    assert response.status_code == 400
    assert "the form expired. Your comment is still here" in response.content.decode()
    form_values_kept(response.content.decode(), data)


@pytest.mark.parametrize("timestamp", [None, "", "forged", "eyJ9:abc:def"])
def test_a_missing_or_forged_timestamp_is_refused(client, timestamp):
    post = PostFactory()

    response = client.post(post_url(post), comment_data(post, timestamp=timestamp))

    assert response.status_code == 400
    assert "The form was incomplete. Your comment is still here" in response.content.decode()


def test_a_timestamp_from_another_posts_form_is_refused(client):
    post, other = PostFactory(), PostFactory()

    response = client.post(post_url(post), comment_data(post, timestamp=signed_timestamp(other)))

    assert response.status_code == 400
    assert "The form belongs to another post." in response.content.decode()


def test_posting_again_within_fifteen_seconds_is_a_429_that_keeps_the_text(client):
    known_guest()
    post = PostFactory()
    client.post(post_url(post), comment_data(post, comment="First thought."))
    second = comment_data(post, comment="A second, different thought.")

    response = client.post(post_url(post), second)

    assert response.status_code == 429
    html = response.content.decode()
    assert "You are posting comments too quickly. Slow down." in html
    form_values_kept(html, second)
    assert Comment.objects.filter(post=post).count() == 1


def test_flood_control_is_per_ip_and_lifts_after_fifteen_seconds():
    known_guest()
    post = PostFactory()
    Client(REMOTE_ADDR="198.51.100.1").post(post_url(post), comment_data(post, comment="One"))

    assert Client(REMOTE_ADDR="198.51.100.2").post(post_url(post), comment_data(post, comment="Two")).status_code == 302
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=16)):
        later = Client(REMOTE_ADDR="198.51.100.1").post(post_url(post), comment_data(post, comment="Three"))
    assert later.status_code == 302


def test_flood_control_follows_a_signed_in_account_across_addresses():
    reader = UserFactory()
    post = PostFactory()
    first, second = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    first.force_login(reader)
    second.force_login(reader)
    first.post(post_url(post), comment_data(post, comment="One", name=None, email=None))

    response = second.post(post_url(post), comment_data(post, comment="Two", name=None, email=None))

    assert response.status_code == 429


def test_the_same_comment_twice_is_a_409_that_keeps_the_text(client, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    known_guest()
    post = PostFactory()
    data = comment_data(post, comment="I said this already.")
    client.post(post_url(post), data)

    response = client.post(post_url(post), {**data, "timestamp": signed_timestamp(post)})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Duplicate comment detected; it looks as though you’ve already said that!" in html
    form_values_kept(html, data)
    assert Comment.objects.filter(post=post).count() == 1


def test_a_long_comment_is_a_duplicate_only_when_every_word_is_the_same(client, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    known_guest()
    post = PostFactory()
    story = "My neurologist switched me from interferon to ocrelizumab after two relapses in one year, and "
    client.post(post_url(post), comment_data(post, comment=story + "the fatigue eased."))

    same_start = client.post(post_url(post), comment_data(post, comment=story + "the fatigue got worse."))
    same_text = client.post(post_url(post), comment_data(post, comment=f"  {story}the fatigue eased.\n"))

    assert same_start.status_code == 302
    assert same_text.status_code == 409
    assert Comment.objects.filter(post=post).count() == 2


def test_the_same_words_from_someone_else_are_not_a_duplicate(client, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    known_guest()
    known_guest("grace@example.org")
    post = PostFactory()
    client.post(post_url(post), comment_data(post, comment="+1"))

    response = client.post(post_url(post), comment_data(post, comment="+1", name="Grace", email="grace@example.org"))

    assert response.status_code == 302


class FakeAkismet:
    """An Akismet-style checker: anything mentioning "viagra" is spam."""

    def check(self, comment, request) -> bool:
        assert request is not None
        return "viagra" in comment.body.lower()


def test_the_spam_check_hook_marks_spam_and_the_spammer_cannot_see_it_as_held(client, settings):
    settings.COMMENTS_SPAM_CHECKERS = ["tests.comments.test_posting.FakeAkismet"]
    known_guest()
    post = PostFactory()

    client.post(post_url(post), comment_data(post, comment="Cheap VIAGRA here"))
    Client(REMOTE_ADDR="192.0.2.1").post(post_url(post), comment_data(post, comment="Good post"))

    assert Comment.objects.get(body="Cheap VIAGRA here").status == Comment.Status.SPAM
    assert Comment.objects.get(body="Good post").status == Comment.Status.APPROVED
    assert "Cheap VIAGRA here" not in page(Client(), post)
    assert "Cheap VIAGRA here" not in page(client, post)  # nor to the spammer, as if it were held


# Closed posts ----------------------------------------------------------------------------------------


def test_posting_to_a_closed_post_is_refused_politely_and_keeps_the_text(client):
    post = PostFactory(comments_open=False)

    response = client.post(post_url(post), comment_data(post, comment="Too late to say this"))

    assert response.status_code == 403
    html = response.content.decode()
    assert "Comments are closed." in html
    assert "Too late to say this" in html
    assert not Comment.objects.exists()


def test_posting_to_a_post_past_the_closing_age_is_refused(client):
    discussion = DiscussionSettings.load()
    discussion.close_after_days = 14
    discussion.save()
    post = PostFactory(published_at=timezone.now() - datetime.timedelta(days=30))

    response = client.post(post_url(post), comment_data(post))

    assert response.status_code == 403
    assert "Comments are closed." in response.content.decode()


# Nothing a reader sends can cause a 500 --------------------------------------------------------------


@pytest.mark.parametrize(
    "parent", ["abc", "-1", "1.5", "²", "٣", "99999999999999999999999999", "9223372036854775807", "0x10"]
)
def test_garbage_parent_ids_get_a_clear_answer(client, parent):
    known_guest()
    post = PostFactory()

    response = client.post(post_url(post), comment_data(post, parent=parent))

    html = response.content.decode()
    assert response.status_code == 400
    assert "The comment you are replying to is no longer available." in html
    assert "I had the same experience with rituximab infusions." in html
    assert not Comment.objects.filter(post=post).exists()


def test_a_parent_on_another_post_is_refused_with_a_message(client):
    known_guest()
    post = PostFactory()
    foreign = CommentFactory()

    response = client.post(post_url(post), comment_data(post, parent=str(foreign.pk)))

    assert response.status_code == 400
    assert "The comment you are replying to is no longer available." in response.content.decode()
    assert not Comment.objects.filter(post=post).exists()


def test_a_held_or_deleted_parent_is_refused_with_a_message(client):
    known_guest()
    post = PostFactory()
    held = CommentFactory(post=post, status=Comment.Status.PENDING)
    removed = CommentFactory(post=post, is_removed=True)

    for parent in (held, removed):
        response = Client().post(post_url(post), comment_data(post, parent=str(parent.pk)))
        assert response.status_code == 400
        assert "no longer available" in response.content.decode()


@pytest.mark.parametrize("post_id", [999999, 2**63, 10**30])
def test_posting_to_a_post_that_does_not_exist_is_a_404(client, post_id):
    response = client.post(f"/comments/post/{post_id}/", {"comment": "hello"})

    assert response.status_code == 404


def test_posting_to_a_draft_is_a_404(client):
    post = PostFactory(status="draft")

    assert client.post(post_url(post), comment_data(post)).status_code == 404


def test_get_on_the_posting_address_is_not_allowed(client):
    post = PostFactory()

    assert client.get(post_url(post)).status_code == 405


@pytest.mark.parametrize(
    "text",
    [
        "nul \x00 byte",
        "emoji 🧠💊 and RTL \u202eevil",
        "zero\u200bwidth and combining e\u0301",
        "\ufeffBOM at the start",
    ],
)
def test_odd_characters_never_cause_a_server_error(client, text):
    known_guest()
    post = PostFactory()

    response = client.post(post_url(post), comment_data(post, comment=text, name=f"Name {text}"))

    assert response.status_code in (302, 400)
    if response.status_code == 400:
        page = response.content.decode()
        # NUL anywhere, or a right-to-left override in the name (tests/security/test_control_characters_in_names.py).
        assert "Null characters are not allowed." in page or "Your name contains invisible control characters" in page


def test_bytes_that_are_not_utf8_never_cause_a_server_error(client):
    known_guest()
    post = PostFactory()
    data = comment_data(post)
    body = "&".join(f"{key}={value}" for key, value in data.items() if key != "comment")
    raw = body.encode() + b"&comment=caf%E9+%FF%FE+ok"

    response = client.post(post_url(post), raw, content_type="application/x-www-form-urlencoded")

    assert response.status_code in (302, 400)


def test_signed_in_reader_who_is_refused_keeps_their_text_and_sees_who_they_are(client):
    reader = UserFactory(first_name="Grace", last_name="Hopper")
    client.force_login(reader)
    post = PostFactory()

    response = client.post(
        post_url(post),
        comment_data(post, name=None, email=None, comment="Signed-in text", homepage="bot was here"),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Signed-in text" in html
    assert "Grace Hopper" in html
    assert 'name="email"' not in html


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


class SaysSpam:
    """A spam-check hook (Akismet-style) that calls everything spam."""

    def check(self, comment, request):
        return True


def test_a_comment_marked_spam_is_not_shown_to_its_author_as_awaiting_moderation(client, settings, notified):
    settings.COMMENTS_SPAM_CHECKERS = ["tests.comments.test_posting.SaysSpam"]
    # A returning guest, so only the hook holds it back.
    CommentFactory(author_name="Ada Reader", author_email="ada@example.org")
    post = PostFactory()

    client.post(post_url(post), comment_data(post, comment="Cheap pills"))

    assert Comment.objects.get(post=post).status == Comment.Status.SPAM
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Cheap pills" not in html
    assert "Your comment is awaiting moderation." not in html
