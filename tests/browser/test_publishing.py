"""Publishing in a real browser: an author writes and illustrates a post, readers find it.

Also takes the README screenshots of the demo blog (docs/screenshots/home.png and post.png under `make screenshots`).
"""

import io
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from django.core.management import call_command
from PIL import Image as PILImage
from PIL import ImageDraw
from playwright.sync_api import expect

from accounts import roles
from posts.demo import content
from posts.models import Post
from tests.browser.waiting import wait_until_images_loaded
from tests.factories import UserFactory

from .offline import offline_avatars

PASSWORD = "correct horse battery staple"
RITUXIMAB_TITLE = "Rituximab for Secondary Progressive MS?"


def serve_media(context, *, base_url: str, media_url: str, media_root: Path) -> None:
    """Answer upload and avatar requests in a browser context.

    Uploads come from MEDIA_ROOT, as the web server in front of Django serves them (DEBUG is off in
    tests, so Django does not); Gravatar gets a plain avatar, since the tests never reach the internet.
    """
    root = media_root.resolve()

    def upload(route):
        relative = unquote(urlparse(route.request.url).path).removeprefix(media_url)
        file = (root / relative).resolve()
        if root in file.parents and file.is_file():
            route.fulfill(path=file)
        else:
            route.fulfill(status=404, body="Not found")

    context.route(re.compile(re.escape(base_url + media_url) + ".*"), upload)
    offline_avatars(context)


@pytest.fixture
def served_media(context, live_server, settings):
    serve_media(context, base_url=live_server.url, media_url=settings.MEDIA_URL, media_root=Path(settings.MEDIA_ROOT))


def wait_for_images(page) -> None:
    """Scroll every image into view (they load lazily) and wait until each has really loaded."""
    for image in page.locator("img").all():
        image.scroll_into_view_if_needed()
    wait_until_images_loaded(page)
    page.evaluate("window.scrollTo(0, 0)")


def figure_image_png(tmp_path) -> Path:
    """A small chart an author might upload: two lines on a white background."""
    picture = PILImage.new("RGB", (1200, 750), "white")
    draw = ImageDraw.Draw(picture)
    draw.line([(80, 680), (80, 60)], fill="black", width=4)
    draw.line([(80, 680), (1140, 680)], fill="black", width=4)
    draw.line([(80, 600), (400, 560), (700, 420), (1100, 160)], fill=(0, 114, 178), width=8)
    draw.line([(80, 620), (500, 600), (1100, 540)], fill=(204, 85, 0), width=8)
    path = tmp_path / "relapse-rates.png"
    picture.save(path)
    return path


def test_author_publishes_an_illustrated_post_and_an_anonymous_reader_finds_it(
    live_server, page, browser, served_media, settings, tmp_path
):
    author = UserFactory(username="rosa", first_name="Rosa", last_name="Lindgren", password=PASSWORD)
    roles.assign_role(author, roles.AUTHOR)
    title = "Relapse rates after stopping treatment"
    alt = "Two lines: relapses per year rise after stopping treatment and stay flat while continuing"
    caption = "Relapses per year in people who stopped or continued their treatment."

    # The author logs in to the admin.
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # Uploads the figure through the media library's form.
    page.goto(live_server.url + "/admin/posts/image/add/")
    page.get_by_label("File").set_input_files(figure_image_png(tmp_path))
    page.get_by_label("Alt text").fill(alt)
    page.get_by_label("Caption").fill(caption)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    # The image page shows the snippet to paste into a post.
    snippet = page.get_by_text(re.compile(r"^\[figure \d+\]$")).first
    expect(snippet).to_be_visible()
    figure_syntax = snippet.inner_text().strip()

    # Writes the post with the figure in its body, and publishes it.
    page.goto(live_server.url + "/admin/posts/post/add/")
    # Typed key by key, as a person does: the admin fills the slug in from the title as they type.
    page.get_by_label("Title").press_sequentially(title)
    expect(page.get_by_label("Slug")).to_have_value("relapse-rates-after-stopping-treatment")
    body = page.get_by_role("textbox", name="Body")
    body.fill("Many readers ask what happens when treatment stops.\n\n<!--more-->")
    body.press("Control+End")
    # Inserts the figure from the picker under the body rather than typing its syntax.
    page.get_by_text("Insert a figure", exact=True).click()
    page.get_by_role("listitem").filter(has_text=figure_syntax).get_by_role("button", name="Insert").click()
    expect(body).to_have_value(re.compile(re.escape(f"<!--more-->\n\n{figure_syntax}\n\n") + "$"))
    body.press("Control+End")
    body.press_sequentially("In this small cohort, relapses became more frequent within a year of stopping.")
    # The live preview shows the figure with its caption before anything is saved.
    preview = page.get_by_role("region", name="Live preview")
    expect(preview.get_by_role("figure")).to_contain_text(caption)
    expect(preview).to_contain_text("relapses became more frequent within a year of stopping.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(title)

    post = Post.objects.get(title=title)
    assert post.status == Post.Status.PUBLISHED
    assert post.is_public

    # A reader with no account, in a fresh browser, finds it on the home page.
    reader_context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        serve_media(
            reader_context,
            base_url=live_server.url,
            media_url=settings.MEDIA_URL,
            media_root=Path(settings.MEDIA_ROOT),
        )
        reader = reader_context.new_page()
        reader.goto(live_server.url + "/")
        # The post's own link on the home page (the footer's "recent posts" links to it too).
        post_link = reader.get_by_role("main").get_by_role("link", name=title, exact=True)
        expect(post_link).to_be_visible()
        expect(reader.get_by_text("Many readers ask what happens when treatment stops.")).to_be_visible()

        post_link.click()
        expect(reader).to_have_url(live_server.url + post.get_absolute_url())
        expect(reader.get_by_role("heading", level=1, name=title)).to_be_visible()
        figure = reader.get_by_role("figure")
        image = figure.get_by_role("img", name=alt)
        expect(image).to_be_visible()
        expect(figure).to_contain_text(caption)
        expect(reader.get_by_text("relapses became more frequent within a year of stopping")).to_be_visible()
        image.scroll_into_view_if_needed()
        assert image.evaluate("img => img.complete && img.naturalWidth") > 0
    finally:
        reader_context.close()


def test_demo_blog_home_and_rituximab_post_screenshots(live_server, page, screenshot, served_media):
    call_command("load_demo", stdout=io.StringIO())

    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name=RITUXIMAB_TITLE).first).to_be_visible()
    expect(page.get_by_role("link", name="What an MRI Can and Cannot Tell You About MS").first).to_be_visible()
    expect(page.get_by_role("link", name="Disclaimer").first).to_be_visible()
    expect(page.get_by_text("BTK Inhibitors")).to_have_count(0)
    wait_for_images(page)
    screenshot(page, "home")

    page.get_by_role("link", name=RITUXIMAB_TITLE).first.click()
    expect(page.get_by_role("heading", level=1, name=RITUXIMAB_TITLE)).to_be_visible()
    figure = page.get_by_role("figure")
    expect(figure.get_by_role("img", name=content.FIGURE_ALT)).to_be_visible()
    expect(figure).to_contain_text("(a) relapsing-remitting, (b) progressive-relapsing")
    expect(page.get_by_text("Writing from Sweden")).to_be_visible()
    expect(page.get_by_text("My wife was told last month")).to_have_count(0)
    wait_for_images(page)
    # The whole page with its discussion is too long for the README: show the post down to its figure.
    page.set_viewport_size({"width": 1200, "height": 1640})
    screenshot(page, "post", full_page=False)
