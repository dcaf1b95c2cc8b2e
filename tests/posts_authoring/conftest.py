"""The people of the authoring stories, with the roles the data migration made: two authors and an editor."""

import pytest

from accounts import roles
from tests.factories import UserFactory


def user_with_role(role: str, username: str):
    user = UserFactory(username=username)
    roles.assign_role(user, role)
    return user


@pytest.fixture
def author(db):
    return user_with_role(roles.AUTHOR, "rosa")


@pytest.fixture
def other_author(db):
    return user_with_role(roles.AUTHOR, "olle")


@pytest.fixture
def editor(db):
    return user_with_role(roles.EDITOR, "edith")
