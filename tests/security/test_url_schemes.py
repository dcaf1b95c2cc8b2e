"""One URL-scheme allow-list guards every address in every sanitiser: a post body and a comment alike."""

import pytest

from comments.rendering import render_comment
from posts.rendering import sanitize_html

HOSTILE = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<b>x</b>",
    "vbscript:x",
]


@pytest.mark.parametrize("url", HOSTILE)
@pytest.mark.parametrize(
    "markup",
    [
        '<blockquote cite="{url}">Quoted</blockquote>',
        '<q cite="{url}">Quoted</q>',
        '<a href="{url}">link</a>',
        '<img src="{url}" alt="x">',
        '<img src="/a.png" srcset="/a.png 1x, {url} 2x" alt="x">',
        '<video controls src="{url}"></video>',
        '<video controls poster="{url}" src="/a.mp4"></video>',
        '<audio controls><source src="{url}"></audio>',
    ],
)
def test_post_body_drops_every_hostile_address(markup, url):
    cleaned = sanitize_html(markup.format(url=url))
    assert "script:" not in cleaned.lower().replace("\t", "")
    assert "data:" not in cleaned
    assert "vbscript" not in cleaned


@pytest.mark.parametrize("url", HOSTILE)
@pytest.mark.parametrize(
    "markup", ['<blockquote cite="{url}">Quoted</blockquote>', '<q cite="{url}">Q</q>', '<a href="{url}">x</a>']
)
def test_comment_body_drops_every_hostile_address(markup, url):
    cleaned = render_comment(markup.format(url=url))
    assert "script:" not in cleaned.lower().replace("\t", "")
    assert "data:" not in cleaned


@pytest.mark.parametrize("render", [sanitize_html, render_comment])
def test_safe_addresses_are_kept_by_both_sanitisers(render):
    cleaned = render('<blockquote cite="https://example.org/source">Quoted</blockquote>')
    assert 'cite="https://example.org/source"' in cleaned


def test_post_keeps_relative_and_https_media_addresses():
    cleaned = sanitize_html('<video src="/media/a.mp4" poster="https://example.org/p.jpg" controls></video>')
    assert 'src="/media/a.mp4"' in cleaned
    assert 'poster="https://example.org/p.jpg"' in cleaned


def test_the_allow_list_is_one_object_shared_by_both_sanitisers():
    from comments import rendering as comment_rendering
    from posts import rendering as post_rendering
    from posts import url_policy

    assert post_rendering.URL_SCHEMES is url_policy.URL_SCHEMES is comment_rendering.URL_SCHEMES
