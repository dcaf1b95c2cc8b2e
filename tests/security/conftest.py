"""People and content the security tests share: one of each role, a post with a discussion, a page."""

import pytest

from accounts.roles import ADMINISTRATOR, AUTHOR, EDITOR, assign_role
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
    page = PageFactory(title="About", slug="about", author=people["admin"], comments_open=True)
    return {"post": post, "category": category, "tag": tag, "page": page}
