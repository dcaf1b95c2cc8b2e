"""The pages that links in emails open: confirm a subscription, unsubscribe, one-click moderation.

A GET never changes anything: mail scanners and link previews fetch every link they see. It shows a
small page with one button that POSTs. The one exception to the page is RFC 8058's one-click
unsubscribe, a POST the mail client sends itself, without a CSRF token (the signed link is the proof).
"""

from django.contrib.auth import get_user_model
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import actions, links, subscriptions
from .models import Comment, Subscription

RESULT_TEMPLATE = "comments/subscription/result.html"

_DONE = {
    actions.Action.APPROVE: "The comment is approved and visible to everyone.",
    actions.Action.SPAM: "The comment was marked as spam.",
    actions.Action.TRASH: "The comment was moved to the trash.",
}
_ALREADY = {
    actions.Action.APPROVE: "This comment was already approved.",
    actions.Action.SPAM: "This comment was already marked as spam.",
    actions.Action.TRASH: "This comment was already in the trash.",
}


def _result(request: HttpRequest, *, title: str, message: str, status: int = 200, **context) -> HttpResponse:
    return render(request, RESULT_TEMPLATE, {"title": title, "message": message, **context}, status=status)


def _bad_link(request: HttpRequest, error: signing.BadSignature, *, what: str) -> HttpResponse:
    if isinstance(error, signing.SignatureExpired):
        message = f"This {what} link has expired. Links in our emails work for a limited time only."
    else:
        message = f"This {what} link is not valid. Please check that you copied the whole address from the email."
    return _result(request, title="Link not valid", message=message, status=400)


@require_http_methods(["GET", "POST"])
def confirm_subscription(request: HttpRequest, token: str) -> HttpResponse:
    """Double opt-in: the address owner presses "Confirm" on this page."""
    try:
        subscription = subscriptions.subscription_for_confirmation(token)
    except signing.BadSignature as error:
        return _bad_link(request, error, what="confirmation")
    if subscription is None:
        return _result(
            request,
            title="Subscription not found",
            message="This subscription no longer exists. You can subscribe again when you next comment.",
            status=404,
        )
    if request.method == "POST":
        subscriptions.confirm(subscription)
        return _result(
            request,
            title="Subscription confirmed",
            message=f"Thank you. {subscription.email} will now receive {_describe(subscription)}.",
            post=subscription.target,
        )
    return render(
        request,
        "comments/subscription/confirm.html",
        {"subscription": subscription, "what": _describe(subscription), "already": bool(subscription.confirmed_at)},
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks "Unsubscribe?"; POST (our button, or the mail client's one-click POST) unsubscribes."""
    try:
        target = subscriptions.unsubscribe_target(token)
    except signing.BadSignature as error:
        return _bad_link(request, error, what="unsubscribe")
    subscription = target.subscriptions().select_related("post", "page").first()
    if request.method == "POST":
        ended = subscriptions.unsubscribe(target)
        message = (
            f"{target.email} will no longer receive these emails."
            if ended
            else f"{target.email} was already unsubscribed. You will not receive these emails."
        )
        return _result(request, title="You are unsubscribed", message=message)
    if subscription is None:
        return _result(
            request,
            title="Already unsubscribed",
            message=f"{target.email} is not subscribed to these emails any more.",
        )
    return render(
        request,
        "comments/subscription/unsubscribe.html",
        {"subscription": subscription, "what": _describe(subscription)},
    )


@require_http_methods(["GET", "POST"])
def moderation_link(request: HttpRequest, token: str) -> HttpResponse:
    """One-click moderation from an email: GET shows the comment and one button; POST acts, once, and only
    while the comment is still in the status the email was sent for."""
    try:
        link = links.read_link_token(token)
    except signing.BadSignature as error:
        return _bad_link(request, error, what="moderation")
    moderator = get_user_model().objects.filter(pk=link.moderator_id).first()
    if not actions.can_moderate(moderator):
        return _result(
            request,
            title="Not allowed",
            message="The account this link was sent to may no longer moderate comments.",
            status=403,
        )
    comment = Comment.objects.select_related("post", "page", "parent").filter(pk=link.comment_id).first()
    if comment is None or comment.is_removed:
        return _result(
            request,
            title="Comment not found",
            message="This comment has been deleted since the email was sent.",
            status=404,
        )
    admin_url = reverse("admin:comments_comment_change", args=[comment.pk])
    outcome: actions.LinkOutcome | None
    if request.method == "POST":
        outcome = actions.apply_email_link(link=link)
        comment.refresh_from_db()
    else:
        outcome = actions.email_link_state(comment=comment, link=link)
    if outcome is None:
        return render(
            request,
            "comments/subscription/moderate.html",
            {"comment": comment, "action": link.action, "action_label": link.action.label, "admin_url": admin_url},
        )
    if outcome == actions.LinkOutcome.DONE:
        title, message, status = "Done", _DONE[link.action], 200
    elif outcome == actions.LinkOutcome.ALREADY:
        title, message, status = "Nothing to do", _ALREADY[link.action], 200
    elif outcome == actions.LinkOutcome.USED:
        title, status = "Link already used", 409
        message = "This link has been used already: each link in a moderation email works once."
    else:
        title, status = "Moderated since", 409
        message = (
            f"This comment was moderated after the email was sent (it is now: {comment.get_status_display()}), "
            "so this link no longer acts. Open it in the admin to change it."
        )
    return _result(request, title=title, message=message, status=status, comment=comment, admin_url=admin_url)


def _describe(subscription: Subscription) -> str:
    if subscription.kind == Subscription.Kind.POSTS or subscription.target is None:
        return "an email for each new post"
    return f"an email for each new comment on “{subscription.target.title}”"
