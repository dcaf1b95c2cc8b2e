"""Images where authors write: an image dropped or pasted into the body is uploaded (alt text first), the
figure picker refreshes and searches without a reload, and the media library is a searchable grid."""

import pytest
from django.urls import reverse

from accounts import roles
from posts.models import Image
from posts.services import add_image
from tests.factories import UserFactory
from tests.posts_authoring.conftest import user_with_role
from tests.posts_authoring.imagefiles import image_bytes, upload

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/posts/image/upload/"
CHOICES_URL = "/admin/posts/image/choices/"


def chart(alt_text: str, uploaded_by=None, name="chart.png") -> Image:
    return add_image(file=upload(image_bytes("PNG"), name), alt_text=alt_text, uploaded_by=uploaded_by)


def test_the_urls_are_the_admins():
    assert reverse("admin:posts_image_upload") == UPLOAD_URL
    assert reverse("admin:posts_image_choices") == CHOICES_URL


def test_a_dropped_image_with_its_alt_text_is_uploaded_as_the_authors_and_its_figure_returned(client, author):
    client.force_login(author)

    response = client.post(
        UPLOAD_URL,
        {"file": upload(image_bytes("PNG"), "pasted.png"), "alt_text": " EDSS over ten years ", "caption": "Cohort"},
    )

    assert response.status_code == 201
    image = Image.objects.get()
    assert response.json() == {
        "id": image.pk,
        "figure": f"[figure {image.pk}]",
        "alt_text": "EDSS over ten years",
        "caption": "Cohort",
        "thumbnail_url": image.thumbnail_url,
    }
    assert image.uploaded_by == author
    assert image.renditions  # processed like any other upload


def test_an_upload_without_alt_text_is_refused_with_a_message_and_nothing_is_stored(client, author, settings):
    client.force_login(author)

    response = client.post(UPLOAD_URL, {"file": upload(image_bytes("PNG"), "pasted.png"), "alt_text": "  "})

    assert response.status_code == 400
    assert response.json()["errors"]["alt_text"] == ["Describe the image for readers who cannot see it."]
    assert not Image.objects.exists()
    assert not list((settings.MEDIA_ROOT).rglob("*.png"))


def test_a_file_that_is_not_an_image_is_refused_with_a_message(client, author):
    client.force_login(author)

    response = client.post(UPLOAD_URL, {"file": upload(b"%PDF-1.4 not an image", "paper.png"), "alt_text": "A paper"})

    assert response.status_code == 400
    assert "not a JPEG, PNG, GIF or WebP image" in response.json()["errors"]["file"][0]


def test_uploading_needs_a_post_with_the_csrf_token(author):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(author)

    assert client.get(UPLOAD_URL).status_code == 405
    response = client.post(UPLOAD_URL, {"file": upload(image_bytes("PNG"), "x.png"), "alt_text": "x"})
    assert response.status_code == 403
    assert not Image.objects.exists()


def test_readers_and_staff_without_the_upload_permission_cannot_upload(client):
    reader = UserFactory(username="reader")
    client.force_login(reader)
    assert client.post(UPLOAD_URL, {"file": upload(image_bytes("PNG"), "x.png"), "alt_text": "x"}).status_code == 302

    staff = UserFactory(username="staff", is_staff=True)
    client.force_login(staff)
    assert client.post(UPLOAD_URL, {"file": upload(image_bytes("PNG"), "x.png"), "alt_text": "x"}).status_code == 403
    assert client.get(CHOICES_URL).status_code == 403
    assert not Image.objects.exists()


def test_the_figure_picker_lists_the_newest_images_and_searches_them(client, author, other_author):
    older = chart("Relapse rates by year", uploaded_by=other_author, name="relapses.png")
    newer = chart("MRI lesions over time", uploaded_by=author, name="lesions.png")
    client.force_login(author)

    everything = client.get(CHOICES_URL).json()["images"]
    found = client.get(CHOICES_URL, {"q": "relapse"}).json()["images"]

    # As in the media library, authors may insert any image (they change only their own).
    assert [image["id"] for image in everything] == [newer.pk, older.pk]
    assert [image["figure"] for image in found] == [f"[figure {older.pk}]"]
    assert client.get(CHOICES_URL, {"q": "\x00"}).status_code == 200  # NUL never reaches PostgreSQL


def test_the_editor_knows_where_to_upload_and_refresh(client, author):
    client.force_login(author)

    html = client.get("/admin/posts/post/add/").content.decode()

    assert f'data-upload-url="{UPLOAD_URL}"' in html
    assert f'data-choices-url="{CHOICES_URL}"' in html
    assert 'class="figure-upload"' in html


def test_the_media_library_is_a_grid_with_search(client, author, other_author):
    chart("Relapse rates by year", uploaded_by=other_author, name="relapses.png")
    mine = chart("MRI lesions over time", uploaded_by=author, name="lesions.png")
    client.force_login(author)

    grid = client.get("/admin/posts/image/").content.decode()
    found = client.get("/admin/posts/image/", {"q": "lesions"}).content.decode()
    nothing = client.get("/admin/posts/image/", {"q": "nystagmus"}).content.decode()

    assert grid.count('class="media-card"') == 2
    assert found.count('class="media-card"') == 1
    assert f'href="/admin/posts/image/{mine.pk}/change/"' in found
    assert f"[figure {mine.pk}]" in found
    assert 'id="searchbar"' in grid
    assert "No image matches “nystagmus”." in nothing


def test_editors_select_images_in_the_grid_for_the_delete_action(client):
    editor = user_with_role(roles.EDITOR, "edith")
    image = chart("To delete")
    client.force_login(editor)

    html = client.get("/admin/posts/image/").content.decode()
    assert f'name="_selected_action" value="{image.pk}"' in html

    response = client.post(
        "/admin/posts/image/", {"action": "delete_selected", "_selected_action": [image.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not Image.objects.exists()
