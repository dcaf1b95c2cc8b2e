"""People and content the security tests share: one of each role, a post with a discussion, a page."""

import os

import pytest
from hypothesis import HealthCheck, settings

from accounts.roles import ADMINISTRATOR, AUTHOR, EDITOR, assign_role

# The browser tests here use the same Chromium fixtures as tests/browser/.
from tests.browser.conftest import context, page  # noqa: F401
from tests.factories import CategoryFactory, CommentFactory, PageFactory, PostFactory, TagFactory, UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(db):
    """A reader (signed in, no role), two authors, an editor and an administrator, by role name."""
    people = {
        "reader": UserFactory(username="reader", first_name="Rita", last_name="Reader"),
        "author_a": UserFactory(username="author_a", first_name="Ann", last_name="Author"),
        "author_b": UserFactory(username="author_b", first_name="Bob", last_name="Author"),
        "editor": UserFactory(username="editor", first_name="Eve", last_name="Editor"),
        "admin": UserFactory(username="admin", first_name="Ada", last_name="Admin"),
    }
    assign_role(people["author_a"], AUTHOR)
    assign_role(people["author_b"], AUTHOR)
    assign_role(people["editor"], EDITOR)
    assign_role(people["admin"], ADMINISTRATOR)
    return people


@pytest.fixture
def discussion(people):
    """Author A's published post in a category and a tag, with a threaded discussion; and a page."""
    category = CategoryFactory(name="Treatment", slug="treatment", description="Drugs and trials.")
    tag = TagFactory(name="rituximab", slug="rituximab")
    post = PostFactory(
        title="Rituximab for Secondary Progressive MS?",
        slug="rituximab-for-secondary-progressive-ms",
        author=people["author_a"],
        body="| Drug | Route |\n| --- | :-: |\n| Rituximab | IV |\n\nA *trial* summary.",
    )
    post.categories.add(category)
    post.tags.add(tag)
    first = CommentFactory(post=post, author_name="Grace Guest", body="Did anyone try it?")
    CommentFactory(post=post, parent=first, author_name="Rita Reader", user=people["reader"], body="Yes, in 2023.")
    CommentFactory(post=post, author_name="Pending Person", status="pending", body="Waiting for a moderator.")
    about = PageFactory(title="About", slug="about", author=people["admin"], comments_open=True)
    return {"post": post, "category": category, "tag": tag, "page": about}


# Property-based tests (hypothesis): a fixed, derandomised profile so CI runs the same examples every time
# and stays fast. HYPOTHESIS_PROFILE=explore runs many more random examples locally.
settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=40,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("explore", parent=settings.get_profile("ci"), derandomize=False, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests run on PostgreSQL; on SQLite one test runs them against PostgreSQL instead.

    Whichever half runs, neither skips: the other half's tests are deselected, not skipped.
    """
    from django.conf import settings as django_settings

    on_postgresql = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    unwanted = "sqlite_half" if on_postgresql else "postgresql"
    deselected = [item for item in items if item.get_closest_marker(unwanted)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker(unwanted)]
