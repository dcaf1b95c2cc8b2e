"""The reply form under a post or page: one rule for what it shows a reader, on a full page and on a cached one.

A cached public page (posts/pagecache.py) is the same for every reader but for this form. A reader with a
cookie (signed in, or remembered by name) gets the cached page with the form rendered for them here. Rendering
a form costs a few milliseconds of templates, so each process keeps the last forms it rendered, keyed by
everything they show (the page's generation, the post, the reader's identity or remembered details); only the
CSRF token and the signed timestamp, which change on every request, are put in afresh.
"""

from __future__ import annotations

import contextlib
import secrets
from collections import OrderedDict
from datetime import timedelta
from urllib.parse import unquote

from django.db.models import Q
from django.template import Context
from django.template.context_processors import csrf
from django.template.loader import get_template
from django.utils import timezone

from posts import pagecache
from posts.models import Page, Post

from .adapter import get_adapter
from .forms import CommentForm, issue_timestamp
from .links import posting_url
from .models import Comment, DiscussionSettings
from .services import own_comment_ids
from .views import COMMENTER_COOKIES

REPLY_FORM_HOLE = "reply-form"
_TARGETS: dict[str, type[Post] | type[Page]] = {"post": Post, "page": Page}
# Stand-ins rendered into a kept form and replaced per request; letters and digits only, so escaping keeps them.
_CSRF_STAND_IN = f"csrf{secrets.token_hex(12)}"
_TIMESTAMP_STAND_IN = f"timestamp{secrets.token_hex(12)}"


def comment_form_for(
    target: Post | Page, request, *, reply_to: Comment | None = None, timestamp: str | None = None
) -> CommentForm:
    """A fresh form for this reader: name, email and website from their cookies when they chose to be remembered."""
    user = getattr(request, "user", None)
    initial: dict[str, object] = {"parent": reply_to.public_number if reply_to else None}
    if timestamp is not None:
        initial["timestamp"] = timestamp
    cookies = getattr(request, "COOKIES", {})
    for field, cookie in COMMENTER_COOKIES.items():
        if cookies.get(cookie):
            initial[field] = unquote(cookies[cookie])
    if any(cookies.get(cookie) for cookie in COMMENTER_COOKIES.values()):
        initial["save_details"] = True
    return CommentForm(target=target, user=user, initial=initial)


def reply_form_context(
    target: Post | Page, request, *, reply_to: Comment | None, is_open: bool, timestamp: str | None = None
) -> dict:
    """What comments/form.html shows this reader (the `{% discussion %}` tag and the cached page both use it)."""
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    adapter = get_adapter()
    return {
        # The templates call the discussion's subject "post"; a static page has the same title and URL.
        "post": target,
        "request": request,
        "form": comment_form_for(target, request, reply_to=reply_to, timestamp=timestamp) if is_open else None,
        "form_action": posting_url(target),
        "reply_to": reply_to,
        "identity": adapter.identity_for(user) if signed_in else None,
        "signed_in_template": adapter.signed_in_template,
        "login_template": adapter.login_template,
        "post_url": target.get_absolute_url(),
    }


def reply_form_hole_data(target: Post | Page) -> str:
    """How the cached page names the discussion its form belongs to: "post.7" or "page.3"."""
    return f"{target._meta.model_name}.{target.pk}"


def reply_form_for_reader(request, data: str) -> str | None:
    """This reader's reply form for the cached page of a post or page, or None when more than the form differs.

    Their page differs elsewhere when a comment of theirs shows differently from everyone's copy: one awaiting
    moderation, or one still inside its edit window (Edit and Delete links). Then the page is rendered whole.
    """
    kind, _, pk = data.partition(".")
    if kind not in _TARGETS or not pk.isdigit() or _shows_own_comments(request, {kind: int(pk)}):
        return None
    return kept_reply_form(request, data)


def kept_reply_form(request, data: str, target: Post | Page | None = None) -> str | None:
    """The reply form (not answering a comment) for this reader, rendered once per key and then reused.

    `data` names the post or page ("post.7"); `target` saves looking it up when the caller has it.
    """
    kind, _, pk = data.partition(".")
    model = _TARGETS[kind]
    key = _form_key(request, data)
    html = kept_forms.get(key)
    if html is None:
        target = target if target is not None else model.objects.filter(pk=pk).first()
        if target is None:
            return None
        context = reply_form_context(target, request, reply_to=None, is_open=True, timestamp=_TIMESTAMP_STAND_IN)
        context["csrf_token"] = _CSRF_STAND_IN
        # The Django template itself, rendered with a plain Context as the inclusion tag renders it.
        html = get_template("comments/form.html").template.render(Context(context))  # type: ignore[attr-defined]
        kept_forms.put(key, html)
    if _CSRF_STAND_IN in html:  # not on a page for the cache: asking for a token would set a cookie
        html = html.replace(_CSRF_STAND_IN, str(csrf(request)["csrf_token"]))
    return html.replace(_TIMESTAMP_STAND_IN, issue_timestamp(model(pk=int(pk))))


def _form_key(request, data: str) -> tuple:
    """Everything the form shows that is not the same for every reader of this generation of the page."""
    user = getattr(request, "user", None)
    reader: tuple = ()
    if user is not None and user.is_authenticated:
        reader = ("signed in", user.pk, get_adapter().identity_key(user))
    else:
        cookies = getattr(request, "COOKIES", {})
        reader = ("guest", *(cookies.get(cookie, "") for cookie in COMMENTER_COOKIES.values()))
    candidate = bool(getattr(request, "page_cache_candidate", False))  # no CSRF token, a token fetched by script
    return (pagecache.current_generation()[0], request.path, data, candidate, reader)


def _shows_own_comments(request, lookup: dict) -> bool:
    user = getattr(request, "user", None)
    own_ids = own_comment_ids(request)
    own = Q(pk__in=own_ids)
    if user is not None and user.is_authenticated:
        own |= Q(user=user)
    elif not own_ids:
        return False
    window = pagecache.for_this_generation(
        "comments:edit-window", lambda: DiscussionSettings.load().edit_window_minutes
    )
    shown_differently = Q(status=Comment.Status.PENDING) | Q(
        created_at__gte=timezone.now() - timedelta(minutes=window), is_removed=False
    )
    return Comment.objects.filter(**lookup).filter(own).filter(shown_differently).exists()


class _KeptForms:
    """The forms this process rendered last, least recently used out first.

    Without a lock, as the page cache's own copies (posts/pagecache.py, KeptInMemory): one dict operation per
    step, so threads can at worst render a form twice.
    """

    def __init__(self, size: int):
        self.size = size
        self.forms: OrderedDict[tuple, str] = OrderedDict()

    def get(self, key: tuple) -> str | None:
        html = self.forms.get(key)
        if html is not None:
            with contextlib.suppress(KeyError):
                self.forms.move_to_end(key)
        return html

    def put(self, key: tuple, html: str) -> None:
        self.forms[key] = html
        while len(self.forms) > self.size:
            with contextlib.suppress(KeyError):
                self.forms.popitem(last=False)

    def clear(self) -> None:
        self.forms.clear()


kept_forms = _KeptForms(size=1000)


def forget_kept_forms(**kwargs) -> None:
    kept_forms.clear()
