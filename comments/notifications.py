"""Email about comments. Called after the transaction commits; never blocks or fails a request."""

from .models import Comment


def comment_posted(comment: Comment, *, notify_comments: bool = False, notify_posts: bool = False) -> None:
    """A reader posted (or edited) a comment: tell moderators, the post's author and subscribers."""
