"""An author who sends the post form with mistakes gets it back with the errors, never a server error."""

from django.urls import reverse

from accounts.roles import AUTHOR, assign_role
from tests.factories import PostFactory, UserFactory


def test_emptying_a_published_posts_title_and_slug_shows_the_form_again_with_the_error(client, db):
    author = UserFactory(username="rosa")
    assign_role(author, AUTHOR)
    post = PostFactory(author=author, slug="vitamin-d")
    client.force_login(author)

    response = client.post(reverse("admin:posts_post_change", args=[post.pk]), {"title": "", "slug": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    post.refresh_from_db()
    assert post.slug == "vitamin-d"
