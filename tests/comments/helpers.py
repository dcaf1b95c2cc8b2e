"""Form data as a browser would send it: a timestamp signed a little while ago, honeypot empty.

The one copy for every test that posts a comment (tests/comments_moderation/helpers.py reuses it).
"""

import datetime
import re

import time_machine
from django.utils import timezone

from comments.forms import issue_timestamp
from comments.links import posting_url
from comments.models import DiscussionSettings
from tests.factories import CommentFactory


def signed_timestamp(target, *, seconds_ago: float = 30) -> str:
    """The form's signed timestamp, as if the reader opened the post or page `seconds_ago` seconds ago."""
    with time_machine.travel(timezone.now() - datetime.timedelta(seconds=seconds_ago), tick=False):
        return issue_timestamp(target)


def comment_data(target, **overrides) -> dict:
    """The comment form of a post or page as a guest's browser sends it; a field set to None is left out."""
    data = {
        "comment": "I had the same experience with rituximab infusions.",
        "name": "Ada Reader",
        "email": "ada@example.org",
        "url": "",
        "parent": "",
        "homepage": "",
        "timestamp": signed_timestamp(target),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_url(target) -> str:
    """Where the comment form of a post (or static page) is sent."""
    return posting_url(target)


def post_comment(client, target, **fields):
    """Send the comment form of `target` through `client`, as a guest would."""
    return client.post(post_url(target), comment_data(target, **fields))


def known_guest(email: str = "ada@example.org", name: str = "Ada Reader") -> None:
    """A guest with an earlier approved comment, so the previous-approval rule lets them through."""
    CommentFactory(author_name=name, author_email=email)


def configure(**changes) -> DiscussionSettings:
    """Change the site's discussion settings as an administrator would in the admin."""
    discussion = DiscussionSettings.load()
    for name, value in changes.items():
        setattr(discussion, name, value)
    discussion.save()
    return discussion


def page(client, post, suffix="") -> str:
    """The HTML of a post (or page) as this client reads it."""
    response = client.get(post.get_absolute_url() + suffix)
    assert response.status_code == 200
    return response.content.decode()


def comment_ids(html: str) -> list[int]:
    """The comments shown, in display order (by their #comment-ID anchors)."""
    return [int(pk) for pk in re.findall(r'<li id="comment-(\d+)"', html)]
