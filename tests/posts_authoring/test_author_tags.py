"""Authors create the tags they need while writing (WordPress lets them); changing or deleting tags stays with editors."""

import pytest

from accounts import roles
from posts.models import Tag
from tests.factories import TagFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    user = UserFactory(username="rosa")
    roles.assign_role(user, roles.AUTHOR)
    return user


def test_an_author_adds_a_tag_from_the_post_forms_picker(client, author):
    client.force_login(author)

    form = client.get("/admin/posts/post/add/").content.decode()
    assert 'id="add_id_tags"' in form  # the "+" beside the tag picker

    response = client.post(
        "/admin/posts/tag/add/?_to_field=id&_popup=1", {"name": "Vitamin D", "slug": "vitamin-d", "_popup": "1"}
    )

    assert response.status_code == 200  # the popup answers the picker with the new tag
    assert Tag.objects.get(slug="vitamin-d").name == "Vitamin D"


def test_an_author_cannot_rename_or_delete_tags(client, author):
    tag = TagFactory(name="Fatigue", slug="fatigue")
    client.force_login(author)

    client.post(f"/admin/posts/tag/{tag.pk}/change/", {"name": "Tiredness", "slug": "fatigue"})
    client.post(f"/admin/posts/tag/{tag.pk}/delete/", {"post": "yes"})

    tag.refresh_from_db()
    assert tag.name == "Fatigue"
