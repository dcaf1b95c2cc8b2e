import pytest

from comments import notifications


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Flood control lives in the cache: every test starts with a quiet one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def notified(monkeypatch):
    """Calls to the email side of comments (comments.notifications), recorded instead of sent."""
    calls = []

    def record(comment, *, notify_comments=False, notify_posts=False):
        calls.append({"comment": comment, "notify_comments": notify_comments, "notify_posts": notify_posts})

    monkeypatch.setattr(notifications, "comment_posted", record)
    return calls
