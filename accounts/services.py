"""What a reader can do with their own account: download its data, delete it."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import TextChoices

from accounts.identity import provider_name
from comments.models import ANONYMOUS_NAME


class CommentsOnDelete(TextChoices):
    """What happens to a reader's comments when they delete their account."""

    DELETE = "delete", "Delete my comments"
    ANONYMISE = "anonymise", "Keep my comments, shown as “Anonymous”"


def _comment_model():
    # Looked up lazily: accounts works without importing the comments app.
    return apps.get_model("comments", "Comment")


def account_data(*, user) -> dict:
    """Everything the site stores about `user`, as JSON-ready data (the "download my data" file)."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    comments = _comment_model().objects.filter(user=user).select_related("post", "page").order_by("created_at", "pk")
    return {
        "account": {
            "username": user.get_username(),
            "name": user.get_full_name(),
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "connected_accounts": [
            {
                "provider": provider_name(account.provider),
                "uid": account.uid,
                "connected_at": account.date_joined.isoformat(),
                "last_login": account.last_login.isoformat(),
                "profile": account.extra_data,
            }
            for account in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        "comments": [
            {
                "post": comment.post.title if comment.post_id else None,
                "page": comment.page.title if comment.page_id else None,
                "url": comment.get_absolute_url(),
                "created_at": comment.created_at.isoformat(),
                "status": comment.status,
                "author_name": comment.author_name,
                "author_email": comment.author_email,
                "author_url": comment.author_url,
                "body": comment.body,
            }
            for comment in comments
        ],
        "subscriptions": [
            {
                "email": subscription.email,
                "kind": subscription.kind,
                "post": subscription.post.title if subscription.post else None,
                "page": subscription.page.title if subscription.page else None,
                "confirmed": subscription.confirmed_at is not None,
                "created_at": subscription.created_at.isoformat(),
            }
            for subscription in apps.get_model("comments", "Subscription")
            .objects.filter(user=user)
            .select_related("post", "page")
            .order_by("pk")
        ],
    }


@transaction.atomic
def delete_account(*, user, comments: CommentsOnDelete) -> None:
    """Delete `user` and their connected accounts; delete or anonymise their comments first.

    A deleted comment that others replied to keeps its place as "This comment was deleted." (soft delete),
    so other readers' replies are never lost with it.
    """
    own_comments = _comment_model().objects.filter(user=user)
    if comments == CommentsOnDelete.ANONYMISE:
        own_comments.update(
            user=None,
            author_name=ANONYMOUS_NAME,
            author_email="",
            author_url="",
            author_avatar_url="",
            ip_address=None,
            user_agent="",
        )
    else:
        # Deepest first, so a comment whose only replies were the reader's own becomes deletable.
        for comment in own_comments.order_by("-depth", "-pk"):
            if comment.replies.exists():
                comment.empty()
            else:
                comment.delete()
    get_user_model().objects.filter(pk=user.pk).delete()
