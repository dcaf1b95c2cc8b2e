"""Form data as a browser would send it: a timestamp signed a little while ago, honeypot empty."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from comments.forms import issue_timestamp


def signed_timestamp(post, *, seconds_ago: float = 30) -> str:
    with time_machine.travel(timezone.now() - datetime.timedelta(seconds=seconds_ago), tick=False):
        return issue_timestamp(post)


def comment_data(post, **overrides) -> dict:
    data = {
        "comment": "I had the same experience with rituximab infusions.",
        "name": "Ada Reader",
        "email": "ada@example.org",
        "url": "",
        "parent": "",
        "homepage": "",
        "timestamp": signed_timestamp(post),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_url(post) -> str:
    return reverse("comments:post", kwargs={"post_id": post.pk})
