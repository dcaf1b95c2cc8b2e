"""The comment form says what is true on this site: guest-only wording without providers, the reader's name,
the post author's own comments marked, a refused comment summarised at the top, a posted or held one confirmed."""

import pytest
from django.test import override_settings

from comments.models import Comment
from mssite.settings.social import CREDENTIAL_VARIABLES
from tests.accounts.html import visible_text
from tests.accounts.test_comment_form import providers_without
from tests.comments.helpers import comment_data, configure, page, post_url
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

GUEST_ONLY = "Your email address will not be published. Required fields are marked *"


def test_with_no_provider_the_form_uses_wordpress_guest_only_wording(client):
    post = PostFactory()
    with override_settings(SOCIALACCOUNT_PROVIDERS=providers_without(*CREDENTIAL_VARIABLES)):
        text = visible_text(page(client, post))

    assert GUEST_ONLY in text
    assert "click an icon" not in text


def test_with_providers_the_form_offers_its_icons_in_wordpress_words(client):
    text = visible_text(page(client, PostFactory()))

    assert "Fill in your details below or click an icon to log in:" in text
    assert GUEST_ONLY not in text


def test_the_post_authors_own_comments_are_marked_author(client):
    author = UserFactory(first_name="Rosa", last_name="Lindgren")
    post = PostFactory(author=author)
    own = CommentFactory(post=post, user=author, author_name="Rosa Lindgren")
    other = CommentFactory(post=post, author_name="Ada")

    html = page(client, post)

    own_item = html[html.index(f'<li id="comment-{own.pk}"') : html.index(f'<li id="comment-{other.pk}"')]
    other_item = html[html.index(f'<li id="comment-{other.pk}"') :]
    assert "bypostauthor" in own_item.split(">", 1)[0]
    assert '<span class="comment-author-badge">Author</span>' in own_item
    assert "bypostauthor" not in other_item.split(">", 1)[0]
    assert "comment-author-badge" not in other_item.split("</article>", 1)[0]


def test_signing_in_greets_the_person_by_name_not_username(client):
    UserFactory(username="rl1984", first_name="Rosa", last_name="Lindgren", password="correct horse battery staple")

    response = client.post(
        "/accounts/login/", {"login": "rl1984", "password": "correct horse battery staple"}, follow=True
    )

    text = visible_text(response.content.decode())
    assert "Successfully signed in as Rosa Lindgren." in text
    assert "rl1984" not in text


def test_a_refused_comment_opens_with_a_summary_linking_to_each_field(client):
    post = PostFactory()
    data = comment_data(post, email="not-an-address", name="")

    response = client.post(post_url(post), data)

    html = response.content.decode()
    assert response.status_code == 400
    summary = html[html.index('<div class="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'tabindex="-1"' in summary
    assert "Your comment was not posted: please check these fields." in summary
    assert '<a href="#id_email">Email: Please enter a valid email address' in summary
    assert '<a href="#id_name">Name: ' in summary
    # The summary comes first in the form, and the page's headings go h1 → h2.
    assert html.index('<div class="error-summary"') < html.index('id="id_comment"')
    assert '<h2 id="reply-title"' in html
    assert "js/error-summary.js" in html


def test_a_published_comment_is_confirmed_in_words_as_a_status(client):
    post = PostFactory()
    CommentFactory(post=PostFactory(), author_name="Ada", author_email="ada@example.org")  # approved before

    response = client.post(post_url(post), comment_data(post, name="Ada", email="ada@example.org"), follow=True)

    html = response.content.decode()
    assert Comment.objects.filter(post=post, status=Comment.Status.APPROVED).exists()
    status = html[html.index('<div class="messages" role="status">') :]
    assert "Your comment was posted." in status[: status.index("</div>")]


def test_a_held_comment_is_confirmed_in_words_as_a_status(client):
    post = PostFactory()
    configure(require_manual_approval=True)

    response = client.post(post_url(post), comment_data(post, name="Bo", email="bo@example.org"), follow=True)

    html = response.content.decode()
    assert Comment.objects.get(post=post).status == Comment.Status.PENDING
    status = html[html.index('<div class="messages" role="status">') :]
    status = status[: status.index("</div>")]
    assert "Thank you: your comment is awaiting moderation." in status
    assert "Only you can see it until a moderator approves it." in status


def test_flash_messages_are_not_a_list_with_a_status_role(client):
    post = PostFactory()
    configure(require_manual_approval=True)

    html = client.post(post_url(post), comment_data(post), follow=True).content.decode()

    assert '<ul class="messages" role="status">' not in html
    assert '<div class="messages" role="status"><p class="message' in html.replace("\n", "").replace("  ", "")
