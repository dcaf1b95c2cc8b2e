"""Writing in the admin, told as an author's and an editor's day: draft, preview, figure, schedule, publish."""

import datetime
import json
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from posts.models import Category, Image, Page, Post
from posts.services import add_image
from tests.factories import CategoryFactory, PostFactory, TagFactory, UserFactory
from tests.posts_authoring.imagefiles import chart, image_bytes, png_bomb, upload

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/posts/post/add/"


def change_url(post) -> str:
    return reverse("admin:posts_post_change", args=[post.pk])


def form_data(action: str | None = None, *, when: datetime.datetime | None = None, **fields) -> dict:
    """What the post form sends; `action` is the pressed button (`_save_draft`, `_publish`, `_schedule`)."""
    data = {
        "title": "Vitamin D and relapses",
        "slug": "",
        "body": "Low vitamin D is linked to more relapses.\n\n<!--more-->\n\nThe trials are mixed.",
        "excerpt": "",
        "status": Post.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "comments_open": "on",
        "body_format": "markdown",
    }
    if when is not None:
        local = timezone.localtime(when)
        data["published_at_0"] = local.strftime("%Y-%m-%d")
        data["published_at_1"] = local.strftime("%H:%M:%S")
    if action:
        data[action] = "1"
    data.update(fields)
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors


# -- the post list ------------------------------------------------------------------------------


def test_editor_sees_every_post_with_status_date_author_and_can_filter_and_search(client, editor, author):
    published = PostFactory(title="Ocrelizumab at five years", author=author)
    published.categories.add(CategoryFactory(name="Treatment"))
    published.tags.add(TagFactory(name="ocrelizumab"))
    PostFactory(title="Draft about fatigue", author=author, status=Post.Status.DRAFT)
    PostFactory(title="Coming soon: BTK inhibitors", published_at=timezone.now() + datetime.timedelta(days=3))
    client.force_login(editor)

    response = client.get("/admin/posts/post/")

    page = response.content.decode()
    for column in ("column-title", "column-status_column", "column-published_at", "column-author"):
        assert column in page
    assert re.search(r'post-status-scheduled">Scheduled<', page)
    assert re.search(r'post-status-draft">Draft<', page)
    for filter_title in ("author", "status", "categories", "tags"):
        assert re.search(rf"By\s+{filter_title}\s*</summary>", page)

    scheduled = client.get("/admin/posts/post/", {"status": "scheduled"})
    assert [post.title for post in scheduled.context["cl"].result_list] == ["Coming soon: BTK inhibitors"]

    found = client.get("/admin/posts/post/", {"q": "fatigue"})
    assert [post.title for post in found.context["cl"].result_list] == ["Draft about fatigue"]


def test_new_post_form_prefills_the_slug_from_the_title_and_documents_the_figure_syntax(client, author):
    client.force_login(author)

    response = client.get(ADD_URL)

    page = response.content.decode()
    prepopulated = re.search(r'data-prepopulated-fields="([^"]+)"', page)
    fields = json.loads(prepopulated.group(1).replace("&quot;", '"'))
    assert fields[0]["id"] == "#id_slug"
    assert fields[0]["dependency_ids"] == ["#id_title"]
    assert '[figure 12 caption="Your caption"]' in page
    assert "Insert a figure" in page
    assert "js/post-admin.js" in page
    for button in ("Save draft", "Publish", "Schedule", "Preview"):
        assert f">{button}<" in page or f'value="{button}"' in page


def test_slug_left_empty_is_made_from_the_title(client, author):
    client.force_login(author)

    client.post(ADD_URL, form_data("_save_draft", title="Stem cells: what HSCT can do"))

    assert Post.objects.get().slug == "stem-cells-what-hsct-can-do"


# -- Save draft, Publish, Schedule ----------------------------------------------------------------


def test_saved_draft_stays_a_draft_and_readers_get_404(client, author):
    client.force_login(author)

    response = client.post(ADD_URL, form_data("_save_draft"), follow=True)

    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT
    assert post.author == author
    assert "“Vitamin D and relapses” was saved as a draft. Readers cannot see it." in messages_of(response)
    assert response.redirect_chain[-1][0] == change_url(post)
    client.logout()
    assert client.get(post.get_absolute_url()).status_code == 404


def test_publish_makes_the_post_visible_at_its_permalink(client, author):
    client.force_login(author)
    client.post(ADD_URL, form_data("_save_draft"))
    post = Post.objects.get()

    response = client.post(change_url(post), form_data("_publish"), follow=True)

    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert post.is_public
    assert any("is published" in message for message in messages_of(response))
    client.logout()
    public = client.get(post.get_absolute_url())
    assert public.status_code == 200
    assert "Vitamin D and relapses" in public.content.decode()
    assert "Vitamin D and relapses" in client.get("/").content.decode()


def test_publishing_an_old_draft_dates_it_today_not_the_day_it_was_drafted(client, author):
    client.force_login(author)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10)):
        client.post(ADD_URL, form_data("_save_draft"))
    post = Post.objects.get()

    client.post(change_url(post), form_data("_publish", when=post.published_at))

    post.refresh_from_db()
    assert post.publish_date == timezone.localdate()


def test_scheduled_post_appears_by_itself_when_its_time_comes(client, author):
    client.force_login(author)
    when = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)

    response = client.post(ADD_URL, form_data("_schedule", when=when), follow=True)

    post = Post.objects.get()
    assert post.status == Post.Status.PUBLISHED
    assert post.published_at == when
    assert post.is_scheduled
    assert any("is scheduled: it appears by itself on" in message for message in messages_of(response))
    client.logout()
    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Vitamin D and relapses" not in client.get("/").content.decode()

    # No cron, no task: once the time has passed, readers simply see it.
    with time_machine.travel(when + datetime.timedelta(minutes=1)):
        assert client.get(post.get_absolute_url()).status_code == 200
        assert "Vitamin D and relapses" in client.get("/").content.decode()


@pytest.mark.parametrize("when", [None, timezone.now() - datetime.timedelta(hours=1)], ids=["no date", "past date"])
def test_schedule_without_a_future_date_explains_and_keeps_the_text(client, author, when):
    client.force_login(author)

    response = client.post(ADD_URL, form_data("_schedule", when=when, title="Kept title", body="Kept body"))

    assert response.status_code == 200
    assert form_errors(response)["published_at"] == ["To schedule this post, choose a publish date in the future."]
    page = response.content.decode()
    assert 'value="Kept title"' in page
    assert "Kept body" in page
    assert not Post.objects.exists()


def test_publish_with_a_future_date_asks_to_schedule_or_clear_the_date(client, author):
    """Publish means now: a future date typed in the form is not silently dropped, nor silently scheduled."""
    client.force_login(author)
    when = timezone.now() + datetime.timedelta(days=1)

    response = client.post(ADD_URL, form_data("_publish", when=when))

    assert response.status_code == 200
    assert form_errors(response)["published_at"] == [
        "This date is in the future. Press Schedule to publish the post then, or clear the date to publish it now."
    ]
    assert not Post.objects.exists()


def test_publish_on_a_scheduled_post_publishes_it_now(client, author):
    post = PostFactory(author=author, published_at=timezone.now() + datetime.timedelta(days=5))
    client.force_login(author)

    client.post(change_url(post), form_data("_publish", title=post.title, when=post.published_at))

    post.refresh_from_db()
    assert post.is_public


def test_publish_with_a_past_date_backdates_the_post(client, author):
    client.force_login(author)
    last_year = (timezone.now() - datetime.timedelta(days=365)).replace(microsecond=0)

    client.post(ADD_URL, form_data("_publish", when=last_year))

    post = Post.objects.get()
    assert post.is_public
    assert post.published_at == last_year


def test_two_posts_with_the_same_slug_on_the_same_day_get_a_clear_error(client, author):
    PostFactory(slug="vitamin-d-and-relapses", published_at=timezone.now(), author=author)
    client.force_login(author)

    response = client.post(ADD_URL, form_data("_publish"))

    assert response.status_code == 200
    assert "already has this address" in form_errors(response)["slug"][0]


def test_nonsense_in_the_date_fields_is_a_form_error_not_a_crash(client, author):
    client.force_login(author)

    response = client.post(
        ADD_URL, form_data("_schedule", published_at_0="2026-13-45", published_at_1="25:99", title="Kept")
    )

    assert response.status_code == 200
    assert form_errors(response)["published_at"]
    assert 'value="Kept"' in response.content.decode()
    assert not Post.objects.exists()


def test_writer_who_may_not_publish_submits_for_review_instead(client):
    contributor = UserFactory(username="guest-writer", is_staff=True)
    contributor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="posts", codename__in=["add_post", "change_post", "view_post"]
        )
    )
    client.force_login(contributor)

    page = client.get(ADD_URL).content.decode()
    assert 'value="Submit for review"' in page
    assert 'value="Publish"' not in page

    refused = client.post(ADD_URL, form_data("_publish"))
    assert "You may not publish posts: use Submit for review." in refused.content.decode()
    assert not Post.objects.exists()

    response = client.post(ADD_URL, form_data("_submit_review"), follow=True)
    assert Post.objects.get().status == Post.Status.PENDING
    assert any("submitted for review" in message for message in messages_of(response))


# -- preview ------------------------------------------------------------------------------------


def test_preview_link_of_a_draft_is_for_its_author_and_editors_only_never_indexed_or_cached(
    client, author, other_author, editor
):
    draft = PostFactory(author=author, status=Post.Status.DRAFT, title="Unfinished thoughts on MRI")
    preview_url = reverse("posts:preview", args=[draft.pk])

    for reader in (author, editor):
        client.force_login(reader)
        response = client.get(preview_url)
        assert response.status_code == 200
        assert "Unfinished thoughts on MRI" in response.content.decode()
        assert response["X-Robots-Tag"] == "noindex"
        assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]

    client.force_login(other_author)
    assert client.get(preview_url).status_code == 404
    client.logout()
    assert client.get(preview_url).status_code == 404


def test_change_form_links_to_the_saved_preview(client, author):
    draft = PostFactory(author=author, status=Post.Status.DRAFT)
    client.force_login(author)

    page = client.get(change_url(draft)).content.decode()

    assert f'href="{reverse("posts:preview", args=[draft.pk])}"' in page


def test_preview_button_renders_unsaved_text_without_saving_never_indexed_or_cached(client, author):
    client.force_login(author)
    preview = reverse("admin:posts_post_preview")

    response = client.post(preview, {"title": "Not saved yet", "body": "Some **bold** claim.", "_preview": "1"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Not saved yet" in page
    assert "<strong>bold</strong>" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "no-store" in response["Cache-Control"]
    assert not Post.objects.exists()

    live = client.post(preview, {"body": "[figure 999]"}, headers={"X-Requested-With": "fetch"})
    assert live.json()["html"] == ""
    assert "no image 999" in live.json()["warnings"][0]


def test_preview_button_refuses_visitors_without_a_role(client):
    reader = UserFactory(is_staff=False)
    client.force_login(reader)

    response = client.post(reverse("admin:posts_post_preview"), {"body": "Hello"})

    assert response.status_code == 302  # to the admin login, never the rendered body
    assert "/admin/login/" in response["Location"]


# -- images and figures ---------------------------------------------------------------------------


def test_author_uploads_a_real_image_and_learns_how_to_insert_it(client, author):
    client.force_login(author)

    response = client.post(
        "/admin/posts/image/add/",
        {
            "file": upload(image_bytes("PNG", size=(1400, 900)), "EDSS Chart.png"),
            "alt_text": "Bar chart of EDSS scores",
            "caption": "EDSS at baseline and after two years.",
            "credit": "",
        },
        follow=True,
    )

    image = Image.objects.get()
    assert (image.width, image.height) == (1400, 900)
    assert image.uploaded_by == author
    assert image.file.name.endswith("edss-chart.png")
    assert {(item["width"], item["format"]) for item in image.renditions} >= {(480, "webp"), (960, "png")}
    assert f"Put [figure {image.pk}] on a line of its own" in " ".join(
        re.sub(r"<[^>]+>", "", message) for message in messages_of(response)
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"not an image at all, just words\n" * 20, "image"), (png_bomb(), "pixels")],
    ids=["text file renamed .png", "decompression bomb"],
)
def test_a_file_that_is_not_a_usable_image_is_refused_with_a_message_and_nothing_stored(
    client, author, content, expected
):
    client.force_login(author)

    response = client.post("/admin/posts/image/add/", {"file": upload(content, "chart.png"), "alt_text": "A chart"})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["file"]
    assert errors
    assert expected in errors[0].lower()
    assert errors[0] in response.content.decode()
    assert 'value="A chart"' in response.content.decode()  # the alt text the author typed is kept
    assert not Image.objects.exists()


def test_an_image_needs_alt_text(client, author):
    client.force_login(author)

    response = client.post(
        "/admin/posts/image/add/", {"file": upload(image_bytes("JPEG"), "photo.jpg"), "alt_text": "   "}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["alt_text"] == [
        "Describe the image for readers who cannot see it."
    ]
    assert not Image.objects.exists()


def test_figure_line_in_the_body_becomes_a_figure_with_its_caption_on_the_permalink(client, author):
    image = add_image(
        file=upload(image_bytes("PNG", size=(1000, 600)), "courses.png"),
        alt_text="Four curves of disability over time",
        caption="The four courses of MS.",
    )
    client.force_login(author)
    body = f'The four courses:\n\n[figure {image.pk} caption="Disability over time, (a) to (d)"]\n\nMore text.'

    client.post(ADD_URL, form_data("_publish", body=body))

    post = Post.objects.get()
    page = client.get(post.get_absolute_url()).content.decode()
    figure = re.search(r"<figure\b.*?</figure>", page, re.DOTALL).group(0)
    assert 'alt="Four curves of disability over time"' in figure
    assert 'loading="lazy"' in figure
    assert "srcset=" in figure
    assert "<figcaption>Disability over time, (a) to (d)</figcaption>" in figure


def test_figure_pointing_at_a_missing_image_warns_the_author(client, author):
    client.force_login(author)

    response = client.post(ADD_URL, form_data("_save_draft", body="[figure 4242]"), follow=True)

    assert any("no image 4242 in the media library" in message for message in messages_of(response))


# -- roles --------------------------------------------------------------------------------------


def test_author_never_reaches_another_authors_drafts_even_by_guessing_urls(client, author, other_author):
    mine = PostFactory(author=author, status=Post.Status.DRAFT, title="My draft")
    theirs = PostFactory(author=other_author, status=Post.Status.DRAFT, title="Olle's secret draft")
    client.force_login(author)

    listing = client.get("/admin/posts/post/")
    titles = [post.title for post in listing.context["cl"].result_list]
    assert titles == ["My draft"]
    assert not re.search(r"By\s+author", listing.content.decode())  # nothing to filter by: they only see their own

    for url in (
        change_url(theirs),
        reverse("admin:posts_post_history", args=[theirs.pk]),
        reverse("admin:posts_post_delete", args=[theirs.pk]),
        reverse("posts:preview", args=[theirs.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert "Olle's secret draft" not in response.content.decode()

    attempt = client.post(change_url(theirs), form_data("_publish", title="Hijacked"))
    assert attempt.status_code in (302, 403, 404)
    theirs.refresh_from_db()
    assert theirs.title == "Olle's secret draft"
    assert theirs.status == Post.Status.DRAFT
    assert client.get(change_url(mine)).status_code == 200


def test_author_cannot_hand_a_post_to_someone_else(client, author, other_author):
    post = PostFactory(author=author, status=Post.Status.DRAFT)
    client.force_login(author)

    page = client.get(change_url(post)).content.decode()
    assert 'name="author"' not in page

    client.post(change_url(post), form_data("_save_draft", title=post.title, author=other_author.pk))
    client.post(ADD_URL, form_data("_save_draft", title="Another", author=other_author.pk))

    assert set(Post.objects.values_list("author__username", flat=True)) == {"rosa"}


def test_editor_edits_any_authors_post_and_may_reassign_it(client, author, other_author, editor):
    post = PostFactory(author=author, status=Post.Status.PENDING, title="Waiting for review")
    client.force_login(editor)

    assert client.get(change_url(post)).status_code == 200
    client.post(change_url(post), form_data("_publish", title="Reviewed and published", author=other_author.pk))

    post.refresh_from_db()
    assert post.title == "Reviewed and published"
    assert post.is_public
    assert post.author == other_author


def test_authors_browse_the_whole_media_library_but_edit_only_their_own_images(client, author, other_author):
    mine = add_image(file=upload(image_bytes("PNG"), "mine.png"), alt_text="My chart", uploaded_by=author)
    theirs = add_image(file=upload(image_bytes("PNG"), "theirs.png"), alt_text="Olle's chart", uploaded_by=other_author)
    client.force_login(author)

    listing = client.get("/admin/posts/image/")
    assert {image.alt_text for image in listing.context["cl"].result_list} == {"My chart", "Olle's chart"}

    client.post(reverse("admin:posts_image_change", args=[theirs.pk]), {"alt_text": "Renamed", "caption": ""})
    client.post(reverse("admin:posts_image_change", args=[mine.pk]), {"alt_text": "My better chart", "caption": ""})

    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.alt_text == "Olle's chart"
    assert mine.alt_text == "My better chart"


def test_categories_and_tags_are_for_editors_not_authors(client, author, editor):
    client.force_login(author)
    assert client.post("/admin/posts/category/add/", {"name": "Diet", "slug": "diet"}).status_code == 403

    client.force_login(editor)
    client.post("/admin/posts/category/add/", {"name": "Diet", "slug": "diet", "description": ""})
    assert Category.objects.filter(slug="diet").exists()


def test_a_reader_without_a_role_cannot_use_the_admin(client):
    reader = UserFactory(is_staff=False)
    client.force_login(reader)

    response = client.get("/admin/posts/post/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_editor_sees_how_many_posts_each_category_and_tag_has(client, editor):
    client.force_login(editor)
    treatment, research = CategoryFactory(name="Treatment"), CategoryFactory(name="Research")
    rituximab = TagFactory(name="rituximab")
    for _ in range(3):
        post = PostFactory()
        post.categories.add(treatment)
        post.tags.add(rituximab)
    PostFactory().categories.add(research)

    categories = client.get(reverse("admin:posts_category_changelist")).content.decode()
    tags = client.get(reverse("admin:posts_tag_changelist")).content.decode()

    assert re.search(r"Treatment.*?field-post_count\">3<", categories, re.S)
    assert re.search(r"Research.*?field-post_count\">1<", categories, re.S)
    assert re.search(r"rituximab.*?field-post_count\">3<", tags, re.S)


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
