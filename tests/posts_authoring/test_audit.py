"""Audit of the publishing issue from the authors' side: what the other authoring tests did not yet prove.

Location data never survives in any copy of a photo, limits are explained in the upload form, the media
library's files and the posts that show them stay in step, and each migrated role can do its job.
"""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags
from PIL import Image as PILImage

from accounts import roles
from comments.models import Comment
from posts.models import Category, Image, Page, Post
from posts.services import add_image
from tests.factories import CommentFactory, PageFactory, PostFactory, UserFactory
from tests.posts_authoring.imagefiles import GPS_LATITUDE, image_bytes, jpeg_with_gps_and_orientation, png_bomb, upload

pytestmark = pytest.mark.django_db


def with_role(role: str, username: str):
    user = UserFactory(username=username)
    roles.assign_role(user, role)
    return user


@pytest.fixture
def author():
    return with_role(roles.AUTHOR, "rosa")


@pytest.fixture
def other_author():
    return with_role(roles.AUTHOR, "olle")


@pytest.fixture
def editor():
    return with_role(roles.EDITOR, "edith")


def open_stored(name: str) -> PILImage.Image:
    with default_storage.open(name) as stored:
        picture = PILImage.open(io.BytesIO(stored.read()))
        picture.load()
    return picture


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name) as stored:
        return stored.read()


def gps_exif() -> PILImage.Exif:
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: GPS_LATITUDE,
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    return exif


def picture_with_gps(fmt: str, size=(1200, 800)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "seagreen").save(buffer, fmt, exif=gps_exif())
    return buffer.getvalue()


# The Pillow pipeline, in every copy it stores.


def test_every_copy_of_a_phone_photo_is_upright_and_has_no_location():
    """Readers get renditions far more often than the original: they must be as clean and as upright."""
    image = add_image(file=upload(jpeg_with_gps_and_orientation(size=(2000, 1500)), "ward.jpg"), alt_text="Ward")

    assert (image.width, image.height) == (1500, 2000)
    assert {(item["width"], item["format"]) for item in image.renditions} == {
        (480, "webp"), (480, "jpeg"), (960, "webp"), (960, "jpeg")
    }  # fmt: skip
    for name in image.stored_names():
        stored = open_stored(name)
        assert stored.width < stored.height, name  # portrait, as the phone was held
        assert not stored.getexif(), name
        assert b"PhoneCo" not in stored_bytes(name), name


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_location_is_stripped_from_png_and_webp_uploads_too(fmt):
    original = picture_with_gps(fmt)
    assert PILImage.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test file has GPS

    image = add_image(file=upload(original, f"map.{fmt.lower()}"), alt_text="Map")

    for name in image.stored_names():
        assert not open_stored(name).getexif(), name
        assert b"PhoneCo" not in stored_bytes(name), name


def test_a_phones_multi_picture_jpeg_is_accepted_as_the_jpeg_it_is():
    """Many phones and cameras add a depth map or preview to their JPEGs (Pillow reads them as MPO)."""
    photo = PILImage.new("RGB", (1200, 800), "white")
    photo.paste("red", (0, 0, 600, 800))
    exif = gps_exif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    photo.save(buffer, "MPO", save_all=True, append_images=[PILImage.new("L", (600, 400))], exif=exif)
    assert PILImage.open(io.BytesIO(buffer.getvalue())).format == "MPO"

    image = add_image(file=upload(buffer.getvalue(), "IMG_2041.JPG"), alt_text="Infusion chair")

    assert image.file.name.endswith("/img_2041.jpg")
    assert (image.width, image.height) == (800, 1200)  # upright
    assert {(item["width"], item["format"]) for item in image.renditions} == {(480, "webp"), (480, "jpeg")}
    for name in image.stored_names():
        stored = open_stored(name)
        assert stored.format in ("JPEG", "WEBP"), name
        assert not stored.getexif(), name
        assert b"PhoneCo" not in stored_bytes(name), name
    assert open_stored(image.file.name).getpixel((400, 100))[0] > 200  # the red half is on top


def test_an_image_of_too_many_megapixels_is_refused_even_when_each_side_is_allowed():
    """7,000 × 7,000 is under the 10,000-pixel side limit but is 49 megapixels, over the 40 allowed."""
    with pytest.raises(ValidationError) as caught:
        add_image(file=upload(png_bomb(side=7000), "square.png"), alt_text="Square")

    assert caught.value.message_dict["file"] == [
        "This image is 7,000 × 7,000 pixels; images may be at most 10,000 pixels a side and 40 megapixels. "
        "Please scale it down first."
    ]
    assert not Image.objects.exists()


def test_the_upload_form_explains_absurd_dimensions_and_keeps_the_words_typed(client, author):
    client.force_login(author)

    response = client.post(
        "/admin/posts/image/add/",
        {
            "file": upload(image_bytes("PNG", size=(12_000, 10)), "banner.png"),
            "alt_text": "A very long banner",
            "caption": "Our new banner",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "This image is 12,000 × 10 pixels; images may be at most 10,000 pixels a side" in html
    assert 'value="A very long banner"' in html
    assert "Our new banner" in html
    assert not Image.objects.exists()
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]  # nothing half-stored


# The media library and the posts that show its images.


def chart(uploaded_by=None) -> Image:
    return add_image(
        file=upload(image_bytes("PNG", size=(1000, 600)), "courses.png"),
        alt_text="Four curves of disability over time",
        caption="The four courses of MS",
        uploaded_by=uploaded_by,
    )


def test_editing_an_images_words_keeps_the_renditions_made_on_upload(client, author):
    image = chart(uploaded_by=author)
    files_before = {name: stored_bytes(name) for name in image.stored_names()}
    client.force_login(author)

    client.post(
        reverse("admin:posts_image_change", args=[image.pk]),
        {"alt_text": "Disability over time in the four courses of MS", "caption": "", "credit": ""},
    )

    image.refresh_from_db()
    assert image.alt_text == "Disability over time in the four courses of MS"
    assert {name: stored_bytes(name) for name in image.stored_names()} == files_before
    _, files = default_storage.listdir(image.file.name.rsplit("/", 1)[0])
    assert len(files) == len(files_before)


def test_a_post_shows_the_new_alt_text_and_caption_once_the_image_is_edited(client, author):
    image = chart(uploaded_by=author)
    post = PostFactory(author=author, body=f"The four courses.\n\n[figure {image.pk}]\n\nMore text.")
    client.force_login(author)

    client.post(
        reverse("admin:posts_image_change", args=[image.pk]),
        {"alt_text": "Four disability curves, a to d", "caption": "Courses of MS, a–d", "credit": ""},
    )

    client.logout()
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'alt="Four disability curves, a to d"' in html
    assert "<figcaption>Courses of MS, a–d</figcaption>" in html
    assert "Four curves of disability over time" not in html


def test_deleting_an_image_in_the_admin_removes_its_files_and_the_figure_from_posts(
    client, editor, django_capture_on_commit_callbacks
):
    image = chart()
    post = PostFactory(body=f"Before the figure.\n\n[figure {image.pk}]\n\nAfter the figure.")
    about = PageFactory(slug="about", body=f"Our chart:\n\n[figure {image.pk}]")
    names = image.stored_names()
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:posts_image_delete", args=[image.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Image.objects.exists()
    assert not any(default_storage.exists(name) for name in names)
    # Readers see the text around it, not a broken picture pointing at files that are gone.
    for url in (post.get_absolute_url(), about.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<figure" not in html, url
        assert image.file.name not in html, url
    assert "After the figure." in client.get(post.get_absolute_url()).content.decode()


def test_delete_selected_in_the_media_library_removes_every_chosen_images_files(
    client, editor, django_capture_on_commit_callbacks
):
    chosen = [chart(), chart()]
    kept = chart()
    post = PostFactory(body=f"[figure {chosen[0].pk}]\n\n[figure {kept.pk}]")
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/posts/image/",
            {"action": "delete_selected", "_selected_action": [image.pk for image in chosen], "post": "yes"},
        )

    assert list(Image.objects.all()) == [kept]
    assert not any(default_storage.exists(name) for image in chosen for name in image.stored_names())
    assert all(default_storage.exists(name) for name in kept.stored_names())
    html = client.get(post.get_absolute_url()).content.decode()
    assert html.count("<figure") == 1
    assert kept.file.url in html


def test_an_author_cannot_delete_images_from_the_library(client, author):
    image = chart(uploaded_by=author)
    client.force_login(author)

    response = client.post(reverse("admin:posts_image_delete", args=[image.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Image.objects.filter(pk=image.pk).exists()


# Roles, as the data migration made them.


def test_an_editor_moderates_comments_with_the_migrated_role_and_an_author_only_her_own(
    client, editor, author, other_author
):
    post = PostFactory(author=other_author)
    held = CommentFactory(post=post, status=Comment.Status.PENDING, body="Is rituximab licensed for SPMS?")

    # An author sees the discussion under her own posts only (tests/comments_moderation/test_authors_discussion.py).
    client.force_login(author)
    assert "Is rituximab licensed" not in client.get("/admin/comments/comment/").content.decode()
    client.post("/admin/comments/comment/", {"action": "bulk_approve", "_selected_action": [held.pk]})
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING

    client.force_login(editor)
    listing = client.get("/admin/comments/comment/")
    assert listing.status_code == 200
    assert "Is rituximab licensed for SPMS?" in listing.content.decode()
    client.post("/admin/comments/comment/", {"action": "bulk_approve", "_selected_action": [held.pk]})
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED


def test_an_editor_manages_static_pages_categories_and_tags_but_not_people(client, editor):
    client.force_login(editor)

    client.post(
        "/admin/posts/page/add/",
        {"title": "Disclaimer", "slug": "disclaimer", "body": "Not medical advice.", "status": "published",
         "order": "0", "show_in_navigation": "on", "body_format": "markdown"},
    )  # fmt: skip
    client.post("/admin/posts/tag/add/", {"name": "Ocrelizumab", "slug": "ocrelizumab"})

    assert Page.objects.get().path == "disclaimer"
    assert Page.objects.get().comments_open is False  # static pages start with comments off
    assert client.get("/admin/posts/tag/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


def test_an_administrator_manages_everything_including_people(client, author):
    administrator = with_role(roles.ADMINISTRATOR, "ada")
    draft = PostFactory(author=author, status=Post.Status.DRAFT, title="Rosa's draft")
    client.force_login(administrator)

    for url in (
        "/admin/auth/user/",
        "/admin/auth/group/",
        "/admin/posts/post/",
        reverse("admin:posts_post_change", args=[draft.pk]),
        "/admin/comments/comment/",
        "/admin/posts/category/add/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("posts:preview", args=[draft.pk])).status_code == 200


def test_an_author_cannot_learn_the_address_of_another_authors_draft_from_view_on_site(client, author, other_author):
    """The admin's "view on site" redirect would give away the date and slug (so the title) of a draft."""
    theirs = PostFactory(author=other_author, status=Post.Status.DRAFT, slug="secret-merger-plans")
    mine = PostFactory(author=author, status=Post.Status.DRAFT, slug="my-own-draft")
    content_type = ContentType.objects.get_for_model(Post)
    client.force_login(author)

    response = client.get(f"/admin/r/{content_type.pk}/{theirs.pk}/")

    assert response.status_code == 404
    assert "secret-merger-plans" not in response.get("Location", "")
    assert "secret-merger-plans" not in response.content.decode()
    # Their own draft opens in its preview (its permalink is a 404 until it is published).
    own = client.get(f"/admin/r/{content_type.pk}/{mine.pk}/")
    assert own.status_code == 302
    assert own["Location"] == reverse("posts:preview", args=[mine.pk])
    # An editor is sent on as before; a reader without a role is asked to log in to the admin.
    client.force_login(with_role(roles.EDITOR, "edith"))
    assert client.get(f"/admin/r/{content_type.pk}/{theirs.pk}/")["Location"] == reverse(
        "posts:preview", args=[theirs.pk]
    )
    assert client.get(f"/admin/r/{content_type.pk}/not-a-number/").status_code == 404
    assert client.get(f"/admin/r/999999/{theirs.pk}/").status_code == 404
    client.force_login(UserFactory(username="reader"))
    assert "/admin/login/" in client.get(f"/admin/r/{content_type.pk}/{mine.pk}/")["Location"]


# The trees of categories and pages: nothing an editor types there breaks the admin.


def category_form(name: str, slug: str, parent=None) -> dict:
    return {"name": name, "slug": slug, "parent": parent.pk if parent else "", "description": ""}


def page_form(title: str, slug: str, parent=None) -> dict:
    return {"title": title, "slug": slug, "parent": parent.pk if parent else "", "body": "Text.",
            "status": "published", "order": "0", "body_format": "markdown"}  # fmt: skip


@pytest.mark.parametrize("kind", ["category", "page"])
def test_an_editor_cannot_put_a_category_or_page_inside_itself_or_its_child(client, editor, kind):
    model, form = (Category, category_form) if kind == "category" else (Page, page_form)
    client.force_login(editor)
    client.post(f"/admin/posts/{kind}/add/", form("Treatment", "treatment"))
    treatment = model.objects.get(slug="treatment")
    client.post(f"/admin/posts/{kind}/add/", form("Anti-CD20", "anti-cd20", treatment))
    anti_cd20 = model.objects.get(slug="anti-cd20")

    for new_parent in (treatment, anti_cd20):
        response = client.post(
            reverse(f"admin:posts_{kind}_change", args=[treatment.pk]), form("Treatment", "treatment", new_parent)
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["parent"] == [f"A {kind} cannot be placed inside itself."]

    assert sorted(model.objects.values_list("path", flat=True)) == ["treatment", "treatment/anti-cd20"]


@pytest.mark.parametrize("kind", ["category", "page"])
def test_addresses_too_long_to_store_are_explained_not_a_server_error(client, editor, kind):
    """Five levels of 200-character slugs make an address longer than the 1,000 characters stored."""
    model, form = (Category, category_form) if kind == "category" else (Page, page_form)
    client.force_login(editor)
    parent = None
    for level in range(4):
        client.post(f"/admin/posts/{kind}/add/", form(f"Level {level}", f"{level}" + "a" * 199, parent))
        parent = model.objects.get(slug=f"{level}" + "a" * 199)

    too_deep = client.post(f"/admin/posts/{kind}/add/", form("Level 4", "4" + "a" * 199, parent))

    assert too_deep.status_code == 200
    assert too_deep.context["adminform"].form.errors["slug"] == [
        "This would make an address 1,004 characters long; the most is 1,000. "
        "Choose a shorter slug or a parent higher up."
    ]
    assert model.objects.count() == 4
    # Moving the top of that branch under another one would push its deepest descendant over the limit.
    client.post(f"/admin/posts/{kind}/add/", form("Elsewhere", "e" * 199))
    elsewhere = model.objects.get(slug="e" * 199)
    top = model.objects.get(slug="0" + "a" * 199)
    moved = client.post(reverse(f"admin:posts_{kind}_change", args=[top.pk]), form("Level 0", top.slug, elsewhere))
    assert moved.status_code == 200
    assert (
        moved.context["adminform"].form.errors["slug"][0].startswith("This would make an address 1,003 characters long")
    )
    top.refresh_from_db()
    assert top.parent is None


@pytest.mark.parametrize(
    ("model_name", "field_name"),
    [("post", "featured_image"), ("category", "parent"), ("page", "parent")],
    ids=["featured image picker", "category parent picker", "page parent picker"],
)
def test_a_nul_typed_into_an_admin_picker_finds_nothing_instead_of_breaking(client, editor, model_name, field_name):
    """PostgreSQL refuses NUL in a query; the autocomplete pickers must not pass one on."""
    chart()
    client.force_login(editor)
    url = "/admin/autocomplete/"

    for term in ["four\x00curves", "\x00"]:
        response = client.get(
            url, {"app_label": "posts", "model_name": model_name, "field_name": field_name, "term": term}
        )
        assert response.status_code == 200, term
    found = client.get(
        url, {"app_label": "posts", "model_name": "post", "field_name": "featured_image", "term": "four\x00"}
    )
    assert [item["text"] for item in found.json()["results"]] == ["Four curves of disability over time"]


# Dates an author may type.


@pytest.mark.parametrize("time_zone", ["UTC", "Europe/Stockholm", "America/New_York"])
@pytest.mark.parametrize(
    ("button", "day", "time"),
    [
        ("_publish", "0001-01-01", "00:00:00"),
        ("_schedule", "9999-12-31", "23:59:59"),
        ("_schedule", "3000-01-01", "00:00"),
    ],
    ids=["year 1", "year 9999", "year 3000"],
)
def test_a_publish_date_at_the_ends_of_the_calendar_is_a_form_error(
    client, author, settings, time_zone, button, day, time
):
    """Moved to UTC, or into the post list's date drill-down, such dates overflow: explain the range instead."""
    settings.TIME_ZONE = time_zone
    client.force_login(author)
    data = {"title": "Kept title", "slug": "", "body": "Kept body", "excerpt": "", "status": "draft",
            "published_at_0": day, "published_at_1": time, "comments_open": "on", "body_format": "markdown",
            button: "1"}  # fmt: skip

    response = client.post("/admin/posts/post/add/", data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["published_at"] == [
        "Choose a date between the years 1900 and 2999."
    ]
    assert 'value="Kept title"' in response.content.decode()
    assert not Post.objects.exists()


def test_the_post_list_drills_down_to_the_latest_year_a_post_may_have(client, author):
    PostFactory(author=author, published_at=timezone.make_aware(datetime.datetime(2999, 12, 31, 23, 0)))
    client.force_login(author)

    response = client.get("/admin/posts/post/", {"published_at__year": "2999"})

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1


def test_editing_an_image_renders_again_only_the_posts_that_show_it(client, author):
    image = chart(uploaded_by=author)
    showing = PostFactory(body=f"[figure {image.pk}]")
    other = PostFactory(body=f"Figure {image.pk}0 is elsewhere:\n\n[figure {image.pk}0]")
    Post.objects.filter(pk=other.pk).update(body_html="<p>stored earlier</p>")

    image.caption = "Courses of MS, a–d"
    image.save()

    showing.refresh_from_db()
    other.refresh_from_db()
    assert "<figcaption>Courses of MS, a–d</figcaption>" in showing.body_html
    assert other.body_html == "<p>stored earlier</p>"
