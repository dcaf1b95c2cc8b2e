"""Images where authors write: paste or drop an image into the body, give its alt text, and its figure is
inserted; the figure picker finds new images without a reload; the media library is a searchable grid."""

import base64
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts import roles
from posts.models import Image
from posts.services import add_image
from tests.factories import UserFactory
from tests.posts_authoring.imagefiles import image_bytes, upload

from .axe import axe_violations, describe
from .test_publishing import serve_media, wait_for_images

PASSWORD = "correct horse battery staple"
ALT = "Bar chart: relapses per year before and after the switch"

# Builds a PNG File in the page and hands it to the body as a paste or a drop would.
GIVE_IMAGE = """([kind, data]) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const file = new File([bytes], "chart.png", { type: "image/png" });
  const transfer = new DataTransfer();
  transfer.items.add(file);
  const body = document.getElementById("id_body");
  body.focus();
  const event = kind === "paste"
    ? new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true })
    : new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true });
  body.dispatchEvent(event);
  return event.defaultPrevented;
}"""


@pytest.fixture
def author(db):
    user = UserFactory(username="rosa", first_name="Rosa", last_name="Lindgren", password=PASSWORD)
    roles.assign_role(user, roles.AUTHOR)
    return user


@pytest.fixture
def writing(live_server, page, context, settings, author):
    """Rosa, logged in, on a new post with some text in the body."""
    serve_media(context, base_url=live_server.url, media_url=settings.MEDIA_URL, media_root=Path(settings.MEDIA_ROOT))
    page.goto(live_server.url + "/admin/login/?next=/admin/posts/post/add/")
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    body = page.get_by_role("textbox", name="Body")
    body.fill("Relapses fell after the switch.")
    body.press("Control+End")
    return page


def png() -> str:
    return base64.b64encode(image_bytes("PNG", size=(900, 600))).decode()


def test_a_pasted_image_needs_its_alt_text_then_is_uploaded_and_inserted(writing, author, screenshot):
    page = writing
    assert page.evaluate(GIVE_IMAGE, ["paste", png()]) is True  # the browser does not paste it as text

    dialog = page.get_by_role("dialog", name="Upload this image")
    expect(dialog).to_be_visible()
    alt = dialog.get_by_label("Alt text (required)")
    expect(alt).to_be_focused()
    preview = dialog.locator(".figure-upload-preview")
    expect(preview).to_be_visible()  # the pasted picture, shown under the page's Content-Security-Policy
    assert preview.evaluate("img => img.complete && img.naturalWidth") == 900
    assert not axe_violations(page, context=".figure-upload"), describe(axe_violations(page, context=".figure-upload"))
    dialog.get_by_role("button", name="Upload and insert").click()
    expect(dialog.get_by_text("Describe the image for readers who cannot see it.").last).to_be_visible()
    assert not Image.objects.exists()

    alt.fill(ALT)
    dialog.get_by_label("Caption (optional)").fill("Annualised relapse rate")
    screenshot(page, "image-paste-upload", full_page=False)
    dialog.get_by_role("button", name="Upload and insert").click()

    expect(dialog).to_be_hidden()
    image = Image.objects.get()
    assert (image.alt_text, image.caption, image.uploaded_by) == (ALT, "Annualised relapse rate", author)
    body = page.get_by_role("textbox", name="Body")
    expect(body).to_have_value(f"Relapses fell after the switch.\n\n[figure {image.pk}]\n\n")
    expect(page.locator(".figure-status")).to_have_text(f"Image uploaded and inserted as [figure {image.pk}].")
    # The picker lists it at once, and the live preview shows the figure.
    page.get_by_text("Insert a figure", exact=True).click()
    expect(page.locator(".figure-choices li").filter(has_text=f"[figure {image.pk}]")).to_have_count(1)
    expect(page.get_by_role("region", name="Live preview").get_by_role("img", name=ALT)).to_be_visible()


def test_a_dropped_image_can_be_cancelled_or_uploaded(writing):
    page = writing
    assert page.evaluate(GIVE_IMAGE, ["drop", png()]) is True
    dialog = page.get_by_role("dialog", name="Upload this image")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert not Image.objects.exists()
    expect(page.get_by_role("textbox", name="Body")).to_have_value("Relapses fell after the switch.")

    page.evaluate(GIVE_IMAGE, ["drop", png()])
    dialog.get_by_label("Alt text (required)").fill(ALT)
    dialog.get_by_label("Alt text (required)").press("Enter")  # Enter uploads; it does not submit the post
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("textbox", name="Body")).to_have_value(re.compile(r"\[figure \d+\]\n\n$"))
    assert Image.objects.count() == 1
    assert page.url.endswith("/admin/posts/post/add/")


def test_the_figure_picker_finds_images_uploaded_meanwhile_and_searches(writing, author):
    page = writing
    # Uploaded in another tab after the editor opened.
    newer = add_image(file=upload(image_bytes("PNG"), "lesions.png"), alt_text="MRI lesions over time")
    add_image(file=upload(image_bytes("PNG"), "edss.png"), alt_text="EDSS by decade")

    page.get_by_text("Insert a figure", exact=True).click()
    choices = page.locator(".figure-choices li")
    expect(choices).to_have_count(2)
    page.get_by_label("Search the media library").fill("lesions")
    expect(choices).to_have_count(1)
    choices.get_by_role("button", name="Insert").click()
    expect(page.get_by_role("textbox", name="Body")).to_have_value(
        f"Relapses fell after the switch.\n\n[figure {newer.pk}]\n\n"
    )


def test_the_media_library_grid_searches_and_fits_a_phone(live_server, page, context, settings, author, screenshot):
    serve_media(context, base_url=live_server.url, media_url=settings.MEDIA_URL, media_root=Path(settings.MEDIA_ROOT))
    for name, alt in [("lesions", "MRI lesions over time"), ("edss", "EDSS by decade"), ("relapses", "Relapses")]:
        add_image(file=upload(image_bytes("PNG"), f"{name}.png"), alt_text=alt, uploaded_by=author)
    page.goto(live_server.url + "/admin/login/?next=/admin/posts/image/")
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    grid = page.get_by_role("list", name="Images in the media library")
    expect(grid.get_by_role("listitem")).to_have_count(3)
    wait_for_images(page)
    assert not axe_violations(page, context=".media-grid"), describe(axe_violations(page, context=".media-grid"))
    screenshot(page, "media-library", full_page=False)
    page.locator("#searchbar").fill("lesions")
    page.locator("#searchbar").press("Enter")
    expect(grid.get_by_role("listitem")).to_have_count(1)
    grid.get_by_role("link", name="MRI lesions over time").click()
    expect(page.get_by_role("heading", name="Change image")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/admin/posts/image/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
