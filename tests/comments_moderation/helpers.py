"""What the moderation stories share: posting through the real form, and reading links out of email."""

import re
from urllib.parse import urlsplit

from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from comments.forms import issue_timestamp

LINK = re.compile(r"https?://[^\s<>\"]+")


def comment_form(post, **fields) -> dict:
    """The comment form as a guest's browser sends it (the tests set the minimum form age to 0)."""
    data = {
        "comment": "I had the same experience with rituximab infusions.",
        "name": "Ada Reader",
        "email": "ada@example.org",
        "url": "",
        "parent": "",
        "homepage": "",
        "timestamp": issue_timestamp(post),
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def post_comment(client, post, **fields):
    return client.post(reverse("comments:post", kwargs={"post_id": post.pk}), comment_form(post, **fields))


def links(message) -> list[str]:
    """Every address in the plain-text body of an email, in order."""
    return LINK.findall(message.body)


def link_path(message, contains: str) -> str:
    """The path of the first link in `message` whose address contains `contains`."""
    found = [url for url in links(message) if contains in url]
    assert found, f"no link containing {contains!r} in:\n{message.body}"
    return urlsplit(found[0]).path


def html_body(message) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def to(messages) -> list[str]:
    return sorted(address for message in messages for address in message.to)


class BrokenBackend(BaseEmailBackend):
    """A mail server that is down: every send raises."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("The mail server is down")


class UnreachableBackend(BaseEmailBackend):
    """A mail server that cannot even be connected to."""

    def open(self):
        raise TimeoutError("Timed out connecting to the mail server")

    def send_messages(self, email_messages):
        self.open()


class GatedBackend(BaseEmailBackend):
    """A mail server that answers only once the test opens the gate: shows who waits for it."""

    import threading

    gate = threading.Event()
    delivered: list = []

    def send_messages(self, email_messages):
        if not self.gate.wait(timeout=10):
            raise TimeoutError("The mail server never answered")
        self.delivered.extend(email_messages)
        return len(email_messages)
