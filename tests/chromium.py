"""Debian's Chromium for every browser test, in one Playwright session shared by all test folders.

Playwright's sync API runs an event loop in the test thread, so a second `sync_playwright()` started while the
first is alive fails ("Sync API inside the asyncio loop"): the session-wide `browser` fixture in tests/conftest.py
is the only one, and tests/browser, tests/security and tests/reliability all take theirs from it.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make between browser
# steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def launch_browser():
    """Start Playwright and Chromium; yields the browser and stops both afterwards."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it, or set CHROMIUM.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
