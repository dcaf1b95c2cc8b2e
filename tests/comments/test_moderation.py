"""Each WordPress moderation rule, in order, decides what happens to a new comment."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from accounts import roles
from comments.models import Comment, DiscussionSettings
from comments.services import post_comment
from tests.comments.helpers import comment_data, configure, known_guest, page, post_url
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def guest_comment(post=None, **overrides) -> Comment:
    values = {
        "target": post or PostFactory(),
        "parent": None,
        "body": "Interesting trial results.",
        "author_name": "Grace",
        "author_email": "grace@example.org",
        "author_url": "",
        "user": None,
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0",
    }
    values.update(overrides)
    return post_comment(**values)


def returning_guest(email="grace@example.org"):
    CommentFactory(author_name="Grace", author_email=email, status=Comment.Status.APPROVED)


def test_first_time_guest_is_held_for_moderation():
    assert guest_comment().status == Comment.Status.PENDING


def test_guest_with_a_previously_approved_comment_is_approved():
    returning_guest()

    assert guest_comment().status == Comment.Status.APPROVED


def test_previous_approval_is_matched_by_email_case_insensitively():
    returning_guest("Grace@Example.org")

    assert guest_comment(author_email="grace@example.ORG").status == Comment.Status.APPROVED


def test_previous_pending_or_spam_comment_does_not_count_as_approval():
    CommentFactory(author_email="grace@example.org", status=Comment.Status.PENDING)
    CommentFactory(author_email="grace@example.org", status=Comment.Status.SPAM)

    assert guest_comment().status == Comment.Status.PENDING


def test_signed_in_reader_is_known_by_their_account():
    reader = UserFactory()
    CommentFactory(user=reader, author_email="old@example.org", status=Comment.Status.APPROVED)

    comment = guest_comment(user=reader, author_email="new@example.org")

    assert comment.status == Comment.Status.APPROVED


def test_without_the_previous_approval_rule_a_first_comment_is_approved():
    configure(require_previous_approval=False)

    assert guest_comment().status == Comment.Status.APPROVED


def test_manual_approval_holds_even_known_authors():
    returning_guest()
    configure(require_manual_approval=True)

    assert guest_comment().status == Comment.Status.PENDING


def test_more_links_than_allowed_is_held():
    returning_guest()

    at_limit = guest_comment(body="See https://a.org and https://b.org")
    over_limit = guest_comment(
        body="See https://a.org, https://b.org and <a href='https://c.org'>c</a>", ip_address="203.0.113.8"
    )

    assert at_limit.status == Comment.Status.APPROVED
    assert over_limit.status == Comment.Status.PENDING


def test_link_limit_is_a_setting():
    returning_guest()
    configure(max_links=0)

    assert guest_comment(body="One link: https://a.org").status == Comment.Status.PENDING


@pytest.mark.parametrize(
    "field",
    [
        {"body": "Buy cheap PILLS here"},
        {"author_name": "pills seller"},
        {"author_email": "pills@example.org"},
        {"author_url": "https://pills.example"},
        {"user_agent": "PillsBot/1.0"},
    ],
)
def test_moderation_words_hold_a_comment_wherever_they_appear(field):
    returning_guest(field.get("author_email", "grace@example.org"))
    configure(moderation_keys="\n  pills  \n")

    assert guest_comment(**field).status == Comment.Status.PENDING


def test_moderation_words_match_the_ip_address():
    returning_guest()
    configure(moderation_keys="198.51.100.")

    assert guest_comment(ip_address="198.51.100.23").status == Comment.Status.PENDING


@pytest.mark.parametrize(
    "field",
    [
        {"body": "Visit my CASINO"},
        {"author_name": "casino king"},
        {"author_email": "king@casino.example"},
        {"author_url": "https://casino.example"},
        {"ip_address": "192.0.2.66"},
        {"user_agent": "casino-crawler"},
    ],
)
def test_disallowed_words_send_a_comment_to_the_trash(field):
    returning_guest()
    configure(disallowed_keys="casino\n192.0.2.66")

    assert guest_comment(**field).status == Comment.Status.TRASH


def test_disallowed_words_win_over_moderation_words():
    configure(disallowed_keys="casino", moderation_keys="casino")

    assert guest_comment(body="casino").status == Comment.Status.TRASH


def test_blank_lines_in_word_lists_match_nothing():
    returning_guest()
    configure(disallowed_keys="\n\n   \n", moderation_keys="\n")

    assert guest_comment().status == Comment.Status.APPROVED


def test_post_author_is_trusted_on_their_own_post():
    post = PostFactory()
    configure(require_manual_approval=True)

    comment = guest_comment(post=post, user=post.author, body="Links https://a.org https://b.org https://c.org")

    assert comment.status == Comment.Status.APPROVED


def test_editors_are_trusted():
    editor = UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    configure(require_manual_approval=True)

    assert guest_comment(user=editor).status == Comment.Status.APPROVED


def test_even_trusted_people_cannot_post_disallowed_words():
    post = PostFactory()
    configure(disallowed_keys="casino")

    assert guest_comment(post=post, user=post.author, body="casino").status == Comment.Status.TRASH


class AlwaysSpam:
    """An Akismet-style checker that calls everything spam."""

    seen = []

    def check(self, comment, request) -> bool:
        AlwaysSpam.seen.append(comment.body)
        return True


def never_spam(comment, request) -> bool:
    return False


def broken_checker(comment, request) -> bool:
    raise ConnectionError("the spam service is down")


def test_a_spam_checker_can_mark_a_comment_as_spam(settings):
    returning_guest()
    settings.COMMENTS_SPAM_CHECKERS = [
        "tests.comments.test_moderation.never_spam",
        "tests.comments.test_moderation.AlwaysSpam",
    ]

    comment = guest_comment(body="Totally genuine comment")

    assert comment.status == Comment.Status.SPAM
    assert "Totally genuine comment" in AlwaysSpam.seen


def test_a_failing_spam_checker_does_not_stop_the_comment(settings):
    returning_guest()
    settings.COMMENTS_SPAM_CHECKERS = ["tests.comments.test_moderation.broken_checker"]

    assert guest_comment().status == Comment.Status.APPROVED


def test_no_spam_checker_runs_by_default(settings):
    returning_guest()
    assert not getattr(settings, "COMMENTS_SPAM_CHECKERS", [])

    assert guest_comment().status == Comment.Status.APPROVED


# The order of the rules: the first that matches decides, and says why. ------------------------------


def decide(**overrides):
    from comments.moderation import decide_status
    from comments.rendering import render_comment

    values = {
        "post": PostFactory(),
        "body": "Interesting trial results.",
        "author_name": "Grace",
        "author_email": "grace@example.org",
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0",
    }
    values.update(overrides)
    comment = Comment(**values)
    comment.body_html = render_comment(comment.body)
    return decide_status(comment, discussion=DiscussionSettings.load())


def test_rules_apply_in_wordpress_order():
    configure(
        require_manual_approval=True,
        moderation_keys="trial",
        disallowed_keys="casino",
        max_links=0,
    )
    body = "casino trial https://a.org"

    assert decide(body=body).reason == "contains the disallowed word “casino”"
    configure(disallowed_keys="")
    assert decide(body=body).reason == "every comment is approved by hand"
    configure(require_manual_approval=False)
    assert decide(body=body).reason == "first comment by this author"
    returning_guest()
    assert decide(body=body).reason == "1 link (more than 0)"
    configure(max_links=2)
    assert decide(body=body).reason == "contains the moderation word “trial”"
    configure(moderation_keys="")
    assert decide(body=body).status == Comment.Status.APPROVED


def test_the_post_author_skips_the_first_timer_rule_and_moderation_words():
    post = PostFactory()
    configure(moderation_keys="trial")

    assert guest_comment(post=post, user=post.author).status == Comment.Status.APPROVED


def test_the_author_of_another_post_is_not_trusted_here():
    someone_elses_author = PostFactory().author

    assert guest_comment(user=someone_elses_author).status == Comment.Status.PENDING


def test_an_inactive_editor_is_not_trusted():
    editor = UserFactory(is_active=False)
    editor.user_permissions.add(Permission.objects.get(codename="moderate_comment"))

    assert guest_comment(user=editor).status == Comment.Status.PENDING


def test_editors_are_not_slowed_down_by_flood_control():
    editor = UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    post = PostFactory()

    first = guest_comment(post=post, user=editor, body="First")
    second = guest_comment(post=post, user=editor, body="Second")

    assert first.status == second.status == Comment.Status.APPROVED


def test_guests_are_slowed_down_by_flood_control():
    from comments.services import PostingTooQuickly

    returning_guest()
    post = PostFactory()
    guest_comment(post=post, body="First")

    with pytest.raises(PostingTooQuickly):
        guest_comment(post=post, body="Second")


def test_a_comment_from_an_email_with_only_a_trashed_comment_is_still_a_first_timer():
    CommentFactory(author_email="grace@example.org", status=Comment.Status.TRASH)

    assert guest_comment().status == Comment.Status.PENDING


@pytest.mark.usefixtures("notified")
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


@pytest.mark.usefixtures("notified")
def test_a_member_of_the_editor_role_is_trusted_even_with_manual_approval_and_many_links():
    editor = UserFactory()
    roles.assign_role(editor, roles.EDITOR)
    configure(require_manual_approval=True, moderation_keys="trial")

    comment = guest_comment(
        PostFactory(), user=editor, body="Trial links https://a.org https://b.org https://c.org https://d.org"
    )

    assert comment.status == Comment.Status.APPROVED


@pytest.mark.usefixtures("notified")
def test_an_author_role_is_not_trusted_on_someone_elses_post():
    writer = UserFactory()
    roles.assign_role(writer, roles.AUTHOR)

    assert guest_comment(PostFactory(), user=writer).status == Comment.Status.PENDING


@pytest.mark.usefixtures("notified")
def test_a_superuser_is_trusted():
    admin = UserFactory(is_superuser=True, is_staff=True)
    configure(require_manual_approval=True)

    assert guest_comment(PostFactory(), user=admin).status == Comment.Status.APPROVED


@pytest.mark.usefixtures("notified")
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


@pytest.mark.usefixtures("notified")
def test_a_trashed_comment_is_not_shown_even_to_its_author(client):
    configure(disallowed_keys="casino")
    known_guest()
    post = PostFactory()

    client.post(post_url(post), comment_data(post, comment="Visit my casino"))

    assert Comment.objects.get(post=post).status == Comment.Status.TRASH
    assert "Visit my casino" not in page(client, post)
