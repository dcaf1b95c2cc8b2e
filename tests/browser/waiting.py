"""Waiting for the page without `page.wait_for_function`, whose string predicates the site's CSP forbids (no eval)."""

import time

from playwright.sync_api import Page


def wait_until_images_loaded(page: Page, selector: str = "img", timeout: float = 10.0) -> None:
    """Poll until every image matching `selector` has loaded (screenshots must not catch half-drawn figures).

    A lazy image outside the window is not waited for: the browser loads it only when it is scrolled to.
    """
    check = (
        f"[...document.querySelectorAll({selector!r})].every(image => {{"
        " const box = image.getBoundingClientRect();"
        " const offscreen = box.bottom < 0 || box.top > window.innerHeight;"
        " return (image.loading === 'lazy' && offscreen) || (image.complete && image.naturalWidth > 0); })"
    )
    deadline = time.monotonic() + timeout
    while not page.evaluate(check):
        if time.monotonic() > deadline:
            raise AssertionError(f"images matching {selector!r} did not load within {timeout} s")
        page.wait_for_timeout(50)
