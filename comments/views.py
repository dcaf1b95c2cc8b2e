"""Thin views for what readers do with comments; the rules live in services.py and moderation.py."""

from urllib.parse import quote, urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from posts.models import Page, Post

from . import avatars, links, outbox, services, subscriptions, tasks
from .adapter import get_adapter
from .forms import CommentBodyForm, CommentForm, parse_comment_id
from .models import Comment, DiscussionSettings, Subscription

COOKIE_MAX_AGE = 347 * 24 * 60 * 60  # WordPress keeps the commenter cookies this long
COMMENTER_COOKIES = {"name": "comment_author", "email": "comment_author_email", "url": "comment_author_url"}


def comment_form_page(request, *, target: Post | Page, form, message: str = "", status: int = 400, title: str = ""):
    """The themed page that re-shows a refused comment with everything the reader typed."""
    adapter = get_adapter()
    identity = adapter.identity_for(request.user) if request.user.is_authenticated else None
    parent_id = parse_comment_id(form.data.get("parent"))
    reply_to = None
    if parent_id is not None:
        reply_to = Comment.objects.public().on(target).numbered(parent_id).filter(is_removed=False).first()
    context = {
        # The templates call the discussion's subject "post"; a static page has the same title and URL.
        "post": target,
        "form_action": links.posting_url(target),
        "form": form,
        "message": message,
        "title": title or "Your comment could not be posted",
        "identity": identity,
        "reply_to": reply_to,
        "is_open": DiscussionSettings.load().comments_open_for(target),
        "signed_in_template": adapter.signed_in_template,
        "login_template": adapter.login_template,
    }
    return render(request, "comments/comment_form_page.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
def form_token(request):
    """A CSRF token for a form on a page from the full-page cache, which carries none (static/js/form-token.js).

    Comment posting needs none; the social-login buttons inside the comment form post to allauth, which does.
    """
    return JsonResponse({"csrfToken": get_token(request)})


def csrf_refusal(request: HttpRequest) -> HttpResponseBase | None:
    """CSRF protection for the comment form, which pages from the full-page cache show without a token.

    A signed-in reader (whose session a forged post could use) and any post that carries a token get
    Django's full check. An anonymous post without a token has no session to abuse; it must come from
    this site when the browser says where it comes from (Origin), and the form's signed timestamp,
    honeypot, flood control and moderation still apply.
    """
    if request.user.is_authenticated or request.POST.get("csrfmiddlewaretoken") or "X-CSRFToken" in request.headers:
        # Only the middleware's view check runs (get_response is never called), on the posting view's body,
        # which carries no csrf_exempt mark.
        return CsrfViewMiddleware(lambda request: HttpResponse()).process_view(request, _post_comment, (), {})
    origin = request.headers.get("Origin")
    if origin is not None:
        parts = urlsplit(origin)  # "null" (a sandboxed frame) has neither and is refused
        if (parts.scheme, parts.netloc) != (request.scheme, request.get_host()):
            failure = import_string(settings.CSRF_FAILURE_VIEW)
            return failure(request, reason="Origin checking failed for an anonymous comment.")
    return None


@csrf_exempt
@require_POST
def post_comment(request, post_id: int):
    """The comment form's target on a post: refusals re-show the form (400/403/409/429), success lands on the comment."""
    # Posting needs the post's address, title, author and whether it takes comments, never its (long) text.
    post = Post.objects.published().defer("body", "body_html", "excerpt", "excerpt_html")
    return _post_comment(request, get_object_or_404(post, pk=post_id))


@csrf_exempt
@require_POST
def post_page_comment(request, page_id: int):
    """The same for a static page's discussion: only published pages take comments."""
    return _post_comment(request, get_object_or_404(Page.objects.published().defer("body", "body_html"), pk=page_id))


def _post_comment(request, target: Post | Page):
    csrf_failure = csrf_refusal(request)
    if csrf_failure is not None:
        return csrf_failure
    discussion = DiscussionSettings.load()
    form = CommentForm(request.POST, target=target, user=request.user)
    if not discussion.comments_open_for(target):
        return comment_form_page(
            request, target=target, form=form, message="Comments are closed.", status=403, title="Comments are closed"
        )
    if not form.is_valid():
        return comment_form_page(request, target=target, form=form, status=400)
    data = form.cleaned_data
    adapter = get_adapter()
    if request.user.is_authenticated:
        identity = adapter.identity_for(request.user)
        author = {
            "author_name": identity.name,
            "author_email": identity.email,
            "author_url": identity.url,
            "author_avatar_url": identity.avatar_url,
        }
    else:
        author = {"author_name": data["name"], "author_email": data["email"], "author_url": data["url"]}
    try:
        parent = services.resolve_parent(target=target, parent_id=data["parent"], discussion=discussion)
        comment = services.post_comment(
            target=target,
            parent=parent,
            body=data["comment"],
            user=request.user,
            ip_address=adapter.client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            request=request,
            notify_comments=data["notify_comments"],
            notify_posts=data["notify_posts"],
            discussion=discussion,
            **author,
        )
    except services.CommentRefused as refusal:
        return comment_form_page(request, target=target, form=form, message=refusal.message, status=refusal.status_code)
    announce_posted(request, comment)
    response = HttpResponseRedirect(links.comment_url(comment, discussion=discussion))
    if not request.user.is_authenticated:
        remember_commenter(request, response, data)
    return response


def announce_posted(request, comment: Comment) -> None:
    """Say in words what happened (announced by screen readers as a status), not only by the comment's card."""
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, "Your comment was posted.")
    elif comment.status == Comment.Status.PENDING:
        messages.info(
            request,
            "Thank you: your comment is awaiting moderation. Only you can see it until a moderator approves it.",
        )


def remember_commenter(request, response, data: dict) -> None:
    """Cookies with name, email and website only when the reader ticked the consent box; otherwise forget them."""
    for field, cookie in COMMENTER_COOKIES.items():
        if data.get("save_details") and data.get(field):
            response.set_cookie(
                cookie,
                quote(data[field]),
                max_age=COOKIE_MAX_AGE,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        elif cookie in request.COOKIES:
            response.delete_cookie(cookie, samesite="Lax")


def _own_comment(request, pk: int) -> Comment:
    return get_object_or_404(
        Comment.objects.select_related("post", "page").exclude(status=Comment.Status.TRASH).filter(is_removed=False),
        pk=pk,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def edit_comment(request, pk: int):
    """A reader corrects their own comment during the edit window."""
    comment = _own_comment(request, pk)
    discussion = DiscussionSettings.load()
    if not services.reader_may_change(comment, request=request, discussion=discussion):
        return _too_late(request, comment, discussion, "This comment can no longer be edited.")
    form = CommentBodyForm(request.POST or None, initial={"comment": comment.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.edit_comment(comment=comment, body=form.cleaned_data["comment"], request=request)
            except services.CommentRefused as refusal:
                messages.error(request, refusal.message)
                status = refusal.status_code
            else:
                return redirect(links.comment_url(comment, discussion=discussion))
        else:
            status = 400
    context = {
        "comment": comment,
        "post": comment.target,
        "form": form,
        "editable_until": comment.editable_until(discussion.edit_window_minutes),
    }
    return render(request, "comments/comment_edit.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def delete_comment(request, pk: int):
    """A reader withdraws their own comment during the edit window (asks first)."""
    comment = _own_comment(request, pk)
    discussion = DiscussionSettings.load()
    if not services.reader_may_change(comment, request=request, discussion=discussion):
        return _too_late(request, comment, discussion, "This comment can no longer be deleted.")
    if request.method == "POST":
        services.delete_comment(comment=comment, request=request)
        messages.success(request, "Your comment was deleted.")
        return redirect(f"{comment.target.get_absolute_url()}#comments")
    return render(request, "comments/comment_delete.html", {"comment": comment, "post": comment.target})


def _too_late(request, comment: Comment, discussion: DiscussionSettings, message: str):
    context = {
        "comment": comment,
        "post": comment.target,
        "message": message,
        "window": discussion.edit_window_minutes,
        "public": comment.status == Comment.Status.APPROVED and comment.target.is_public,
    }
    return render(request, "comments/comment_locked.html", context, status=403)


class FollowForm(forms.Form):
    follow_email = forms.EmailField(label="Email address", max_length=254)


# One confirmation email per address in this window, however often the form is sent for it.
FOLLOW_CONFIRMATION_INTERVAL = 10 * 60


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def follow(request):
    """ "Follow by email": new posts by email without commenting, confirmed by the address first (double opt-in).

    The form sits in the footer of pages served from the full-page cache, so it carries no CSRF token.
    Forging it gains nothing: the view acts for no account (a signed-in reader is confirmed by email like
    anyone), it only ever sends the confirmation request, at most one per address per interval.
    """
    form = FollowForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "comments/subscription/follow.html", {"form": form}, status=status)
    email = form.cleaned_data["follow_email"]
    wish = subscriptions.subscribe(email=email, kind=Subscription.Kind.POSTS)
    assert wish is not None  # the form requires an address
    if wish.needs_confirmation and cache.add(
        f"comments:follow:{subscriptions.normalize_email(email)}", True, FOLLOW_CONFIRMATION_INTERVAL
    ):
        outbox.enqueue_on_commit(tasks.send_confirmation, wish.subscription.pk)
    context = {
        "title": "Check your inbox",
        "message": (
            f"We sent a confirmation link to {wish.subscription.email}. New posts will come once you confirm it."
            if wish.needs_confirmation
            else f"{wish.subscription.email} already gets new posts by email."
        ),
    }
    return render(request, "comments/subscription/result.html", context)


AVATAR_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48" role="img">'
    '<circle cx="24" cy="24" r="24" fill="hsl({hue} 55% 32%)"/>'
    '<text x="24" y="24" dy=".35em" text-anchor="middle" fill="#fff" font-size="{size}" font-weight="600" '
    'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif">{initials}</text></svg>'
)


@require_http_methods(["GET", "HEAD"])
def avatar(request, initials: str, hue: int):
    """A commenter's local avatar: their initials on a colour. The address is the content, so it is cached for a year."""
    shown = "" if initials == avatars.NO_INITIALS else initials
    if hue >= 360 or len(initials) > 2 or not (shown.isalnum() or initials == avatars.NO_INITIALS):
        raise Http404("No such avatar.")
    svg = AVATAR_SVG.format(hue=hue, size=20 if len(shown) < 2 else 18, initials=escape(shown))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    # An SVG opened on its own is still a document: it may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
