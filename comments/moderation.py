"""Decide the status of a new or edited comment with WordPress's rules, applied in order.

1. disallowed words in body, name, email, URL, IP or user agent → trash (even for trusted people);
2. editors (``comments.moderate_comment``) and the author of the post (or page) → approved;
3. a configured spam checker says spam → spam;
4. "comment must be manually approved" → pending;
5. "author must have a previously approved comment" and this is their first → pending;
6. more than N links → pending;
7. moderation words → pending;
8. otherwise → approved.

Whether a comment is spam is the adapter's call (``CommentsAdapter.is_spam``): by default the checkers
named in ``COMMENTS_SPAM_CHECKERS``, none by default, so nothing leaves the server.
"""

import re
from dataclasses import dataclass

from django.db.models import Q

from .adapter import get_adapter
from .models import Comment, DiscussionSettings
from .rendering import count_links


@dataclass(frozen=True)
class Decision:
    """A status and, for moderators and tests, the rule that chose it."""

    status: str
    reason: str


def decide_status(comment: Comment, *, discussion: DiscussionSettings, request=None) -> Decision:
    """The status `comment` (with body_html rendered, not necessarily saved) should get."""
    haystack = [
        comment.body,
        comment.author_name,
        comment.author_email,
        comment.author_url,
        comment.ip_address or "",
        comment.user_agent,
    ]
    word = first_match(discussion.disallowed_keys, haystack)
    if word:
        return Decision(Comment.Status.TRASH, f"contains the disallowed word “{word}”")
    if is_trusted(comment):
        return Decision(Comment.Status.APPROVED, "trusted author")
    checker = get_adapter().is_spam(comment, request)
    if checker:
        return Decision(Comment.Status.SPAM, f"{checker} says spam")
    if discussion.require_manual_approval:
        return Decision(Comment.Status.PENDING, "every comment is approved by hand")
    if discussion.require_previous_approval and not has_approved_comment(comment):
        return Decision(Comment.Status.PENDING, "first comment by this author")
    links = count_links(comment.body_html)
    if links > discussion.max_links:
        noun = "link" if links == 1 else "links"
        return Decision(Comment.Status.PENDING, f"{links} {noun} (more than {discussion.max_links})")
    word = first_match(discussion.moderation_keys, haystack)
    if word:
        return Decision(Comment.Status.PENDING, f"contains the moderation word “{word}”")
    return Decision(Comment.Status.APPROVED, "passed every rule")


def is_trusted(comment: Comment) -> bool:
    user = comment.user
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.pk == comment.target.author_id or user.has_perm("comments.moderate_comment")


def has_approved_comment(comment: Comment) -> bool:
    """Whether the author already has an approved comment: by their account, or (as WordPress matches
    guests) by the same name *and* email address. An address alone proves nothing: anyone can type a
    regular's email under any name.

    The comment itself counts when it is being edited after a moderator approved it, so correcting a
    typo does not send a first comment back to the queue.
    """
    known = Q()
    if comment.user_id:
        known |= Q(user_id=comment.user_id)
    name, email = " ".join(comment.author_name.split()), comment.author_email.strip()
    if name and email:
        known |= Q(author_name__iexact=name, author_email__iexact=email)
    if not known:
        return False
    return Comment.objects.filter(known, status=Comment.Status.APPROVED).exists()


def first_match(keys: str, haystack: list[str]) -> str | None:
    """The first key (one per line, case-insensitive substring, like WordPress) found in any field."""
    for line in keys.splitlines():
        word = line.strip()
        if not word:
            continue
        pattern = re.compile(re.escape(word), re.IGNORECASE)
        if any(pattern.search(field) for field in haystack if field):
            return word
    return None
