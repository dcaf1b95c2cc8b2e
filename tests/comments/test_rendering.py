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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (
            '<a href="https://a.org" title="t" name="n" id="i" class="c" target="_blank" style="x">a</a>',
            '<a href="https://a.org" title="t" rel="nofollow ugc">a</a>',
        ),
        ('<abbr title="multiple sclerosis" class="c" id="i">MS</abbr>', '<abbr title="multiple sclerosis">MS</abbr>'),
        ('<acronym title="t" id="i">X</acronym>', '<acronym title="t">X</acronym>'),
        ('<b class="c" id="i">b</b>', "<b>b</b>"),
        (
            '<blockquote cite="https://a.org" class="c" style="x">q</blockquote>',
            '<blockquote cite="https://a.org">q</blockquote>',
        ),
        ('<cite id="i" class="c">c</cite>', "<cite>c</cite>"),
        ('<code class="language-python" id="i">c</code>', "<code>c</code>"),
        ('<del datetime="2024-01-01" cite="https://a.org" class="c">d</del>', '<del datetime="2024-01-01">d</del>'),
        ('<em id="i">e</em>', "<em>e</em>"),
        ('<i class="icon">i</i>', "<i>i</i>"),
        ('<q cite="https://a.org" id="i" class="c">q</q>', '<q cite="https://a.org">q</q>'),
        ('<s style="x">s</s>', "<s>s</s>"),
        ('<strike class="c">s</strike>', "<strike>s</strike>"),
        ('<strong style="color:red">s</strong>', "<strong>s</strong>"),
    ],
)
def test_each_guest_tag_keeps_only_its_wordpress_attributes(typed, kept):
    html = render_comment(typed)

    assert kept in html
    for dropped in ('name="', 'id="', 'class="', 'target="', 'style="', 'lang="'):
        assert dropped not in html
    if not kept.startswith(("<blockquote", "<q")):
        assert 'cite="' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tag",
    ["u", "sup", "sub", "span", "div", "pre", "h2", "font", "small", "mark", "ins", "kbd", "button", "label", "li"],
)
def test_tags_outside_the_guest_list_are_dropped_and_their_text_kept(tag):
    html = render_comment(f"before <{tag}>inside</{tag}> after")

    assert f"<{tag}" not in html
    assert "inside" in html
    assert "before" in html
    assert "after" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tag",
    ['img src="https://a.org/x.png"', 'input value="x"', 'video src="x"', "form", 'object data="x"', 'embed src="x"'],
)
def test_embedded_or_interactive_elements_never_survive(tag):
    name = tag.split()[0]

    assert f"<{name}" not in render_comment(f"look <{tag}> here")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hostile",
    [
        '<a href="javascript&colon;alert(1)">x</a>',
        '<a href="java\nscript:alert(1)">x</a>',
        '<a href="\x01javascript:alert(1)">x</a>',
        '<a href="JAVASCRIPT&#58;alert(1)">x</a>',
        '<abbr title="x" onfocus="alert(1)" tabindex="0" autofocus>MS</abbr>',
        '<del datetime="x" onclick="alert(1)">d</del>',
        '<q cite="https://ok.example" onmouseover="alert(1)">q</q>',
        '<a href="https://ok.example" onmouseover="alert(1)" onfocus=alert(1)>ok</a>',
        '<a href="https://ok.example" title="x" ONCLICK="alert(1)">ok</a>',
    ],
)
def test_javascript_urls_and_event_handlers_never_survive_in_allowed_tags(hostile):
    markup = " ".join(re.findall(r"<[^>]*>", render_comment(hostile).lower()))

    assert "javascript" not in markup
    assert not re.search(r"\son\w+\s*=", markup)
    assert "tabindex" not in markup
    assert "autofocus" not in markup


@pytest.mark.django_db
def test_bare_urls_and_typed_links_all_get_nofollow_ugc_and_count_as_links():
    html = render_comment('Two sources: https://a.org/one and <a href="https://b.org">two</a>, plus www.c.org.')

    assert html.count('rel="nofollow ugc"') == 3
    assert len(re.findall(r"<a ", html)) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ('<b title="t">b</b>', "<p><b>b</b></p>"),
        ('<code title="t">c</code>', "<p><code>c</code></p>"),
        ('<q cite="https://a.org" title="t">q</q>', '<p><q cite="https://a.org">q</q></p>'),
        ('<abbr title="t" lang="en">MS</abbr>', '<p><abbr title="t">MS</abbr></p>'),
        ('<strong lang="fr">s</strong>', "<p><strong>s</strong></p>"),
        ('<acronym title="t" lang="en">NEDA</acronym>', '<p><acronym title="t">NEDA</acronym></p>'),
        (
            '<a href="https://a.org" title="t" lang="en">a</a>',
            '<p><a href="https://a.org" title="t" rel="nofollow ugc">a</a></p>',
        ),
        (
            '<blockquote cite="https://a.org" title="t" lang="en">q</blockquote>',
            '<blockquote cite="https://a.org">q</blockquote>',
        ),
    ],
)
def test_title_and_lang_are_kept_only_where_wordpress_allows_them(typed, expected):
    assert render_comment(typed) == expected


@pytest.mark.django_db
def test_a_blockquote_between_lines_leaves_no_text_outside_a_paragraph():
    html = render_comment("Intro\n<blockquote>Quoted</blockquote>\nAfter")

    assert html == "<p>Intro</p>\n<blockquote>Quoted</blockquote>\n<p>After</p>"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            "You wrote <blockquote>Quoted</blockquote> and I agree.",
            "<p>You wrote</p>\n<blockquote>Quoted</blockquote>\n<p>and I agree.</p>",
        ),
        (
            "<blockquote>One</blockquote><blockquote>Two</blockquote>\nBoth true.",
            "<blockquote>One</blockquote>\n<blockquote>Two</blockquote>\n<p>Both true.</p>",
        ),
        (
            "First line\nsecond line\n<blockquote>Quoted\nover two lines</blockquote>\nMy answer",
            "<p>First line<br>\nsecond line</p>\n<blockquote>Quoted<br>\nover two lines</blockquote>\n<p>My answer</p>",
        ),
        ("<b>Bold <blockquote>Quoted</blockquote> bold</b>", "<b>Bold <blockquote>Quoted</blockquote> bold</b>"),
    ],
)
def test_quotes_inside_a_line_become_blocks_between_whole_paragraphs(typed, expected):
    html = render_comment(typed)

    assert html == expected
    assert "<p></p>" not in html
