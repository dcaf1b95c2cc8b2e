from django.conf import settings
from playwright.sync_api import expect


def test_reader_opens_an_empty_blog_and_sees_its_title_and_empty_state(live_server, page):
    page.goto(live_server.url + "/")

    expect(page).to_have_title(f"{settings.SITE_NAME} – {settings.SITE_TAGLINE}")
    expect(page.get_by_role("link", name=settings.SITE_NAME)).to_be_visible()
    expect(page.get_by_text("No posts yet.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Site")).to_be_visible()
