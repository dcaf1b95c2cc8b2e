"""Addresses with a database ID beyond 64 bits are a plain 404 for every method, never a 500 or a 405."""

import pytest

pytestmark = pytest.mark.django_db

TOO_LARGE = [2**63, 10**30]


@pytest.mark.parametrize("number", TOO_LARGE)
@pytest.mark.parametrize(
    ("method", "address"),
    [
        ("get", "/preview/{}/"),
        ("post", "/comments/post/{}/"),
        ("post", "/comments/page/{}/"),
        ("get", "/comments/{}/edit/"),
        ("post", "/comments/{}/delete/"),
    ],
)
def test_an_id_too_large_for_the_database_is_not_found(admin_client, method, address, number):
    response = getattr(admin_client, method)(address.format(number))

    assert response.status_code == 404
