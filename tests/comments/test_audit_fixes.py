"""Stories for the bugs the issue 4 audit found in comments/ (notes/audit-issue4.md, "Bugs found"), now fixed."""

import pytest

from comments.rendering import render_comment

pytestmark = pytest.mark.django_db


# Bug 1: nh3 kept its generic `title` and `lang` on every tag ------------------------------------------


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


# Bug 5: a blockquote between single line breaks left text outside any paragraph ------------------------


def test_a_blockquote_between_lines_leaves_no_text_outside_a_paragraph():
    html = render_comment("Intro\n<blockquote>Quoted</blockquote>\nAfter")

    assert html == "<p>Intro</p>\n<blockquote>Quoted</blockquote>\n<p>After</p>"


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
