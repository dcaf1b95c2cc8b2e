"""Post bodies as readers get them: Markdown, figures, excerpts, and nothing hostile."""

import pytest

from posts.models import BodyFormat, Page, Post
from posts.rendering import render, render_body, sanitize_html
from posts.services import add_image
from tests.factories import PostFactory
from tests.posts_authoring.imagefiles import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def chart():
    return add_image(
        file=upload(image_bytes("PNG", size=(1800, 1200)), "ms-courses.png"),
        alt_text="Four curves of disability over time",
        caption="The four courses of MS",
        credit="Drawn by the author",
    )


def test_markdown_becomes_html_with_tables_and_strikethrough():
    html = render_body("## Dosing\n\n| Drug | Route |\n| --- | :-: |\n| Rituximab | IV |\n\n~~old~~ *new*", "markdown")

    assert "<h2>Dosing</h2>" in html
    assert "<th>Drug</th>" in html
    assert '<td class="has-text-align-center">IV</td>' in html
    assert "<del>old</del> <em>new</em>" in html


def test_figure_shows_the_image_responsively_with_caption_and_credit(chart):
    html = render_body(f"Before.\n\n[figure {chart.pk}]\n\nAfter.", "markdown")

    assert '<figure class="figure">' in html
    assert f'src="{chart.file.url}"' in html
    assert "ms-courses-png.480w.png 480w" in html
    assert "ms-courses-png.960w.png 960w" in html
    assert "ms-courses.png 1800w" in html
    assert '<source type="image/webp" srcset="' in html
    assert "ms-courses-png.1600w.webp 1600w" in html
    assert 'width="1800" height="1200" loading="lazy" decoding="async"' in html
    assert 'alt="Four curves of disability over time"' in html
    assert (
        '<figcaption>The four courses of MS <span class="figure-credit">Drawn by the author</span></figcaption>' in html
    )
    assert html.index("Before.") < html.index("<figure") < html.index("After.")


def test_figure_caption_can_be_overridden_in_the_body(chart):
    html = render_body(f'[figure {chart.pk} caption="Courses a–d, <b>schematic</b>"]', "markdown")

    assert "<figcaption>Courses a–d, &lt;b&gt;schematic&lt;/b&gt; <span" in html
    assert "The four courses of MS" not in html


def test_figure_of_an_unknown_image_shows_nothing_and_is_reported():
    rendered = render("Intro.\n\n[figure 987654]\n\nMore.", "markdown")

    assert rendered.html == "<p>Intro.</p>\n<p>More.</p>"
    assert rendered.missing_image_ids == [987654]


def test_figure_syntax_inside_code_or_a_sentence_is_left_alone(chart):
    html = render_body(f"    [figure {chart.pk}]\n\nSee [figure {chart.pk}] here.\n\n`[figure {chart.pk}]`", "markdown")

    assert "<figure" not in html
    assert f"See [figure {chart.pk}] here." in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x.png" onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        "[click](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        "<style>body{display:none}</style>",
        '<iframe src="https://evil.example"></iframe>',
        '<div onclick="alert(1)" style="position:fixed">x</div>',
        '<svg onload="alert(1)"><circle/></svg>',
        '<img src="a.png" srcset="javascript:alert(1) 1x">',
    ],
)
def test_hostile_html_in_markdown_never_survives(hostile):
    html = render_body(f"Hello\n\n{hostile}\n\nworld", "markdown")

    for fragment in ("<script", "onerror", "onclick", "onload", '="javascript:', "<style", "<iframe", "<svg", "style="):
        assert fragment not in html.lower()
    assert "Hello" in html
    assert "world" in html


def test_sanitizer_keeps_the_markup_a_post_needs():
    source = (
        '<h3>Results</h3><p>See <a href="https://example.org/trial" title="Trial" rel="nofollow">the trial</a>'
        '<sup>1</sup>.</p><div class="note"><span class="hl">key</span></div><pre><code class="language-r">x</code></pre>'
    )

    assert sanitize_html(source) == source


def test_html_bodies_are_sanitized_too():
    html = render_body('<p onclick="x()">Imported</p>\n\n<script>steal()</script>', BodyFormat.HTML)

    assert "<p>Imported</p>" in html
    assert "onclick" not in html
    assert "steal" not in html


def test_excerpt_is_the_part_before_the_more_marker():
    post = PostFactory(body="First **paragraph**.\n\n<!--more-->\n\nThe rest of the story.")

    assert post.excerpt_html == "<p>First <strong>paragraph</strong>.</p>"
    assert "The rest of the story." in post.body_html
    assert "more" not in post.body_html


def test_explicit_excerpt_wins_over_the_more_marker():
    post = PostFactory(excerpt="A *short* summary.", body="Intro\n\n<!--more-->\n\nRest")

    assert post.excerpt_html == "<p>A <em>short</em> summary.</p>"


def test_excerpt_without_marker_is_the_first_55_words():
    words = [f"word{n}" for n in range(80)]
    post = PostFactory(body="# Title\n\n" + " ".join(words[:30]) + "\n\n" + " ".join(words[30:]))

    excerpt_words = post.excerpt_html.removeprefix("<p>").removesuffix("</p>").split()
    assert excerpt_words[0] == "Title"
    assert len(excerpt_words) == 56  # 55 words and the ellipsis
    assert excerpt_words[-2:] == ["word53", "…"]


def test_short_body_excerpt_has_no_ellipsis():
    post = PostFactory(body="Just a few words & a sign.")

    assert post.excerpt_html == "<p>Just a few words &amp; a sign.</p>"


def test_post_and_page_store_rendered_html_on_save(chart):
    post = PostFactory(body=f"Text\n\n[figure {chart.pk}]")
    page = Page.objects.create(title="About", slug="about", body="*About* us")

    assert Post.objects.get(pk=post.pk).body_html.startswith("<p>Text</p>\n<figure")
    assert Page.objects.get(pk=page.pk).body_html == "<p><em>About</em> us</p>"
