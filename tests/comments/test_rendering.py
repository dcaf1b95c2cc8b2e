"""The sanitiser: WordPress's guest allow-list, links, paragraphs, and nothing hostile survives."""

import re

import pytest

from comments.rendering import count_links, render_comment


def test_plain_text_becomes_paragraphs_and_line_breaks():
    html = render_comment("First line\nsecond line\n\nNew paragraph")

    assert html == "<p>First line<br>\nsecond line</p>\n<p>New paragraph</p>"


def test_wordpress_guest_tags_and_attributes_are_kept():
    html = render_comment(
        '<b>b</b> <i>i</i> <em>em</em> <strong>s</strong> <code>c</code> <del datetime="2024-01-01">d</del> '
        '<s>s</s> <strike>st</strike> <abbr title="multiple sclerosis">MS</abbr> <acronym title="x">X</acronym> '
        '<q cite="https://example.org">q</q> <cite>c</cite> <a href="https://example.org" title="t">link</a>'
    )

    for fragment in [
        "<b>b</b>",
        "<i>i</i>",
        "<em>em</em>",
        "<strong>s</strong>",
        "<code>c</code>",
        '<del datetime="2024-01-01">d</del>',
        "<s>s</s>",
        "<strike>st</strike>",
        '<abbr title="multiple sclerosis">MS</abbr>',
        '<acronym title="x">X</acronym>',
        '<q cite="https://example.org">q</q>',
        "<cite>c</cite>",
        '<a href="https://example.org" title="t" rel="nofollow ugc">link</a>',
    ]:
        assert fragment in html


def test_blockquote_stays_a_block_with_its_cite():
    html = render_comment('<blockquote cite="https://example.org">Quoted</blockquote>\n\nMy answer')

    assert html == '<blockquote cite="https://example.org">Quoted</blockquote>\n<p>My answer</p>'


def test_other_tags_are_removed_but_their_text_kept():
    html = render_comment(
        '<h1>Big</h1><span style="color:red">red</span> <img src="x.png"> <table><tr><td>t</td></tr></table>'
    )

    for tag in ("<h1", "<span", "<img", "<table"):
        assert tag not in html
    for text in ("Big", "red", "t"):
        assert text in html


def test_bare_urls_become_nofollow_links_without_trailing_punctuation():
    html = render_comment("See https://example.org/trial?id=1&arm=2. Also www.nationalmssociety.org, thanks")

    assert (
        '<a href="https://example.org/trial?id=1&amp;arm=2" rel="nofollow ugc">https://example.org/trial?id=1&amp;arm=2</a>.'
        in html
    )
    assert '<a href="http://www.nationalmssociety.org" rel="nofollow ugc">www.nationalmssociety.org</a>,' in html


def test_urls_inside_existing_links_are_not_linked_twice():
    html = render_comment('<a href="https://a.org">read https://b.org</a>')

    assert html == '<p><a href="https://a.org" rel="nofollow ugc">read https://b.org</a></p>'


def test_every_link_gets_nofollow_ugc_even_if_it_claims_another_rel():
    html = render_comment('<a href="https://a.org" rel="dofollow" target="_blank">a</a>')

    assert html == '<p><a href="https://a.org" rel="nofollow ugc">a</a></p>'


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<scr<script>ipt>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<b onmouseover="alert(1)">hover</b>',
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        '<a href="jav&#x09;ascript:alert(1)">click</a>',
        '<a href="&#106;avascript:alert(1)">click</a>',
        '<a href=" javascript:alert(1)">click</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
        '<a href="vbscript:msgbox(1)">click</a>',
        '<svg onload="alert(1)"><a href="javascript:alert(1)">x</a></svg>',
        '<iframe src="https://evil.example"></iframe>',
        "<style>body{display:none}</style>",
        '<q cite="javascript:alert(1)">q</q>',
        '<blockquote cite="javascript:alert(1)" onclick="alert(1)">q</blockquote>',
        '<a href="https://ok.example" style="position:fixed" onclick="alert(1)">ok</a>',
        "<!--<script>alert(1)</script>-->",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
        '"><script>alert(1)</script>',
        "javascript:alert(1)",
        'https://example.org/"onmouseover="alert(1)',
    ],
)
def test_hostile_input_never_survives(hostile):
    markup = _tags(render_comment(hostile).lower())

    assert "<script" not in markup
    for scheme in ("javascript:", "data:", "vbscript:"):
        assert scheme not in markup
    assert not re.search(r"\son\w+\s*=", markup)
    for tag in ("style", "iframe", "svg", "img", "math"):
        assert f"<{tag}" not in markup
        assert f" {tag}=" not in markup


def _tags(html: str) -> str:
    """Only the markup, not the escaped text a reader may legitimately write (like "onclick")."""
    return " ".join(re.findall(r"<[^>]*>", html))


def test_hostile_markup_is_only_ever_text():
    html = render_comment('<img src=x onerror=alert(1)> and <b onclick="steal()">bold</b>')

    assert _tags(html) == "<p> <b> </b> </p>"


def test_text_that_looks_like_html_is_escaped_not_dropped():
    assert render_comment("if a < b and c > d & e") == "<p>if a &lt; b and c &gt; d &amp; e</p>"


def test_empty_or_blank_bodies_render_empty():
    assert render_comment("") == ""
    assert render_comment("   \n\n ") == ""


def test_links_are_counted_for_moderation():
    html = render_comment('one https://a.org two <a href="https://b.org">b</a> three www.c.org')

    assert count_links(html) == 3
