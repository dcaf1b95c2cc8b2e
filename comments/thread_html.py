"""The discussion thread's HTML, written in one pass over the nodes, without a template per comment.

The nested template (an include per comment, recursion per level) cost about 270,000 template node
renders for 200 comments; here each comment is one string format. The markup is exactly the template's
(tests/comments/test_thread_markup.py keeps snapshots), and the walk uses an explicit stack, so a thread of
any depth renders without recursion.
"""

from collections.abc import Iterable, Iterator
from html import escape

from django.urls import reverse
from django.utils import dates, timezone
from django.utils.safestring import SafeString, mark_safe

from .avatars import avatar_addresses
from .models import DiscussionSettings


def render_nodes(
    nodes: Iterable, *, has_form: bool, post_author_id: int | None = None, remote_avatars: bool | None = None
) -> SafeString:
    """The `<li>` items of the thread (what goes inside `<ol class="comment-list">`), escaped as the template did.

    `has_form`: the reply form is offered, so comments that take replies get a Reply link.
    `post_author_id`: the comments of this account are the post author's own (WordPress's `bypostauthor`).
    `remote_avatars`: the discussion settings' choice, when the caller has them (read once, not per comment).
    """
    if remote_avatars is None:
        remote_avatars = DiscussionSettings.remote_avatars_allowed()
    pieces = _pieces(nodes, has_form=has_form, post_author_id=post_author_id, remote_avatars=remote_avatars)
    return mark_safe("".join(pieces))  # noqa: S308 (every value is escaped below)


class _Avatars:
    """Each commenter's picture address, worked out once per thread (regular commenters appear many times)."""

    def __init__(self, remote: bool):
        self.address = avatar_addresses(remote=remote)
        self.known: dict[tuple[str, str, str], str] = {}

    def __call__(self, comment) -> str:
        key = (comment.author_name, comment.author_email, comment.author_avatar_url)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = escape(self.address(*key))
        return found


def _pieces(nodes: Iterable, *, has_form: bool, post_author_id: int | None, remote_avatars: bool) -> Iterator[str]:
    months = {number: str(name) for number, name in dates.MONTHS.items()}
    zone = timezone.get_current_timezone()  # once: localtime() looks it up again for every comment
    avatars = _Avatars(remote_avatars)
    stack = [iter(nodes)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            # A list ends with a line break; a list of replies then closes its parent's item.
            yield "\n</ol>\n</li>\n" if stack else "\n"
            continue
        yield _comment(
            node, has_form=has_form, months=months, zone=zone, post_author_id=post_author_id, avatars=avatars
        )
        if node.children:
            yield '<ol class="children">'
            stack.append(iter(node.children))
        else:
            yield "\n</li>\n"


def _comment(
    node, *, has_form: bool, months: dict[int, str], zone, post_author_id: int | None, avatars: _Avatars
) -> str:
    """One comment's `<li>`, up to where its replies go."""
    comment = node.comment
    anchor = comment.anchor
    classes = f"comment depth-{node.depth}"
    if node.is_held:
        classes += " comment-held"
    if comment.is_removed:
        classes += " comment-removed"
    by_post_author = bool(comment.user_id) and comment.user_id == post_author_id
    if by_post_author:
        classes += " bypostauthor"
    head = f'\n<li id="{anchor}" class="{classes}">\n  <article id="div-{anchor}" class="comment-body">\n    '
    if comment.is_removed:
        return f'{head}\n      <p class="comment-deleted">This comment was deleted.</p>\n    \n  </article>\n  '
    name = escape(comment.author_name)
    url = comment.public_author_url
    author = f'<a href="{escape(url)}" rel="external nofollow ugc" class="url">{name}</a>' if url else name
    avatar = avatars(comment)
    local = comment.created_at.astimezone(zone)  # as the template's date filter showed it
    when = (
        f"{months[local.month]} {local.day}, {local.year} at {local.hour % 12 or 12}:{local.minute:02d} "
        f"{'am' if local.hour < 12 else 'pm'}"
    )
    edited = ' <span class="comment-edited">(edited)</span>' if comment.edited_at else ""
    held = '<p class="comment-awaiting-moderation">Your comment is awaiting moderation.</p>' if node.is_held else ""
    can_reply = node.can_reply and has_form
    actions = ""
    if can_reply or node.can_change:
        reply = (
            f'<a class="comment-reply-link" rel="nofollow" href="?replytocom={comment.public_number}#respond" '
            f'data-comment-id="{comment.public_number}" data-below="div-{anchor}" data-author="{name}" '
            f'aria-label="Reply to {name}">Reply</a>'
            if can_reply
            else ""
        )
        change = (
            f'<a class="comment-edit-link" href="{reverse("comments:edit", args=[comment.pk])}">Edit</a> '
            f'<a class="comment-delete-link" href="{reverse("comments:delete", args=[comment.pk])}">Delete</a>'
            if node.can_change
            else ""
        )
        actions = f'\n      <div class="comment-actions">\n        {reply}\n        {change}\n      </div>\n      '
    return (
        f"{head}\n"
        '      <footer class="comment-meta">\n'
        '        <div class="comment-author">\n'
        f'          <img class="avatar" src="{avatar}" width="48" height="48" alt="" loading="lazy" '
        'referrerpolicy="no-referrer">\n'
        f'          <b class="fn">{author}</b>\n'
        + ('          <span class="comment-author-badge">Author</span>\n' if by_post_author else "")
        + '          <span class="says">says:</span>\n'
        "        </div>\n"
        '        <div class="comment-metadata">\n'
        f'          <a href="#{anchor}"><time datetime="{local.isoformat()}">{when}</time></a>{edited}\n'
        "        </div>\n"
        f"        {held}\n"
        "      </footer>\n"
        f'      <div class="comment-content">{comment.body_html}</div>\n'
        f"      {actions}\n"
        "    \n"
        "  </article>\n  "
    )
