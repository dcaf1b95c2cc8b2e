"""A reader with MS on a phone and at a desk: a header that leaves room to read, figures to open full size,
tables that scroll, a post that prints as the article, a favicon, and nothing fetched from elsewhere.

Also takes the README screenshots (docs/screenshots/ under `make screenshots`) home-phone.png and home-phone-menu.png (the folded and unfolded menu).
"""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from posts.models import Post
from tests.factories import PageFactory, PostFactory

from .test_publishing import served_media  # noqa: F401  (fixture)

RITUXIMAB_TITLE = "Rituximab for Secondary Progressive MS?"
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.usefixtures("readers_at_browser_speed")


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    return Post.objects.get(title=RITUXIMAB_TITLE)


def test_on_a_phone_the_menu_folds_into_a_button_and_opens_on_a_tap(live_server, browser, demo, screenshot):
    for number in range(6):  # an imported site with many pages in its menu
        PageFactory(title=f"Imported page {number}", slug=f"imported-{number}")
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        menu = page.locator("details.site-menu")
        toggle = page.get_by_text("Menu", exact=True)
        expect(toggle).to_be_visible()
        expect(page.get_by_role("navigation", name="Site")).to_be_hidden()
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= 0.15 * PHONE["height"], header  # it was 42% of the screen
        screenshot(page, "home-phone", full_page=False)

        toggle.click()
        expect(menu).to_have_attribute("open", "")
        nav = page.get_by_role("navigation", name="Site")
        expect(nav.get_by_role("link", name="Imported page 5")).to_be_visible()
        expect(nav.get_by_role("searchbox")).to_be_visible()
        screenshot(page, "home-phone-menu", full_page=False)
    finally:
        context.close()


def test_without_javascript_the_phone_menu_is_open(live_server, browser, demo):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        expect(page.get_by_role("navigation", name="Site").get_by_role("link", name="About")).to_be_visible()
    finally:
        context.close()


def test_on_a_desk_the_menu_is_always_open_with_no_toggle(live_server, page, demo):
    page.goto(live_server.url + "/")

    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
    expect(page.get_by_role("navigation", name="Site").get_by_role("link", name="About")).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1200, "height": 900}], ids=["phone", "desk"])
def test_the_content_starts_with_room_under_the_header(live_server, browser, demo, viewport):
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(live_server.url + demo.get_absolute_url())
        header = page.locator(".site-header").bounding_box()
        article = page.locator("article.entry").bounding_box()
        assert article["y"] - (header["y"] + header["height"]) >= 16
    finally:
        context.close()


def test_a_figure_opens_its_full_size_image(live_server, page, demo, served_media):  # noqa: F811
    page.goto(live_server.url + demo.get_absolute_url())
    figure = page.get_by_role("figure").first
    link = figure.get_by_role("link")
    image = demo.body_html.split('<a href="', 1)[1].split('"', 1)[0]

    expect(link).to_have_attribute("href", image)
    link.click()
    expect(page).to_have_url(live_server.url + image)


def test_a_wide_table_scrolls_in_its_own_box_on_a_phone(live_server, browser, db):
    header = "| " + " | ".join(f"Trial {n} outcome" for n in range(8)) + " |"
    rule = "|" + "---|" * 8
    row = "| " + " | ".join("relapse rate 0.12 per year" for _ in range(8)) + " |"
    post = PostFactory(title="Trials compared", body=f"Outcomes:\n\n{header}\n{rule}\n{row}\n\nAfter the table.")
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url + post.get_absolute_url())
        box = page.get_by_role("region", name="Table, scrolls sideways")
        expect(box).to_be_visible()
        widths = box.evaluate("b => [b.clientWidth, b.scrollWidth, document.documentElement.scrollWidth]")
        assert widths[1] > widths[0]  # the table is wider than its box, which scrolls
        assert widths[2] <= PHONE["width"]  # the page itself does not scroll sideways
        box.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(200)
        assert box.evaluate("b => b.scrollLeft") > 0  # and the keyboard can scroll it
    finally:
        context.close()


def test_a_post_prints_as_the_article_without_menu_form_or_footer(live_server, page, demo):
    page.goto(live_server.url + demo.get_absolute_url())
    page.emulate_media(media="print")

    expect(page.get_by_role("heading", level=1, name=RITUXIMAB_TITLE)).to_be_visible()
    expect(page.locator(".entry-content")).to_be_visible()
    for hidden in (".site-nav", "#respond", ".footer-widgets", ".follow-by-email", ".related-posts", ".search-form"):
        expect(page.locator(hidden).first).to_be_hidden()
    assert page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(255, 255, 255)"
    # As a PDF the article and its twelve-comment discussion take a few pages, not nine.
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    print(f"The rituximab post prints on {pages} A4 pages")
    assert 1 <= pages <= 6


def test_the_favicon_is_served_at_the_root_without_a_redirect(live_server, page, db):
    responses = []
    page.on("response", lambda response: responses.append((response.url, response.status)))
    page.goto(live_server.url + "/")
    ico = page.request.get(live_server.url + "/favicon.ico", max_redirects=0)

    assert ico.status == 200
    assert ico.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert page.locator('link[rel="icon"]').first.get_attribute("href").endswith(".svg")
    assert all(status < 300 for _, status in responses), responses  # no redirect, no 404 on the way in


def test_home_and_post_reference_no_other_origin(live_server, page, demo, served_media):  # noqa: F811
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    own = urlsplit(live_server.url).netloc

    for path in ("/", demo.get_absolute_url()):
        page.goto(live_server.url + path)
        page.mouse.wheel(0, 20000)  # lazy images below the fold load too
        page.wait_for_timeout(300)
        addresses = page.evaluate(
            """() => [...document.querySelectorAll('[src], [srcset], link[href], [poster], [data]')].flatMap(e =>
                 [e.getAttribute('src'), e.getAttribute('poster'), e.getAttribute('data'),
                  e.tagName === 'LINK' && e.rel !== 'canonical' && e.rel !== 'alternate' ? e.href : null,
                  ...(e.getAttribute('srcset') || '').split(',').map(c => c.trim().split(' ')[0])])
               .filter(Boolean).map(u => new URL(u, location.href).host)"""
        )
        assert set(addresses) <= {own}, (path, set(addresses))
        if path != "/":
            assert page.locator("img.avatar").count() > 0  # the discussion's avatars were checked too

    assert {urlsplit(url).netloc for url in requested} <= {own}, sorted(set(requested))


def test_imported_wordpress_alignment_floats_at_a_desk_and_stacks_on_a_phone(live_server, browser, db):
    post = PostFactory(
        title="Imported with a caption",
        body_format="html",
        body=(
            '[caption id="attachment_5" align="alignright" width="300"]<img src="/static/img/favicon.svg" alt="Logo" '
            'width="300" height="300"> The old logo[/caption]<p>' + "Words beside the picture. " * 40 + "</p>"
            '<p class="has-text-align-center">Centred line</p>'
        ),
    )
    for viewport, floats in (({"width": 1200, "height": 900}, "right"), (PHONE, "none")):
        context = browser.new_context(viewport=viewport)
        try:
            page = context.new_page()
            page.goto(live_server.url + post.get_absolute_url())
            figure = page.locator("figure.wp-caption.alignright")
            assert figure.evaluate("f => getComputedStyle(f).float") == floats
            assert page.get_by_text("Centred line").evaluate("p => getComputedStyle(p).textAlign") == "center"
            expect(figure.locator("figcaption")).to_have_text("The old logo")
        finally:
            context.close()
