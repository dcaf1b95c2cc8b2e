"""What the moderation stories share: posting through the real form, and reading links out of email."""

import re
from urllib.parse import urlsplit

from django.core.mail.backends.base import BaseEmailBackend

# The moderation stories post through the same form helpers as the reading and posting ones (one copy).
from tests.comments.helpers import comment_data as comment_form  # noqa: F401
from tests.comments.helpers import post_comment as post_comment

LINK = re.compile(r"https?://[^\s<>\"]+")


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
