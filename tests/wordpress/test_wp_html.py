"""WordPress post HTML shown as WordPress showed it: auto-paragraphs, captions, galleries, block comments."""

from posts.rendering import render_body
from posts.wp_html import GalleryImage, expand_galleries, unknown_shortcodes, wordpress_html_to_html, wpautop


def test_blank_lines_become_paragraphs_and_single_breaks_br():
    assert wordpress_html_to_html("Line one\nLine two\n\nPara two") == (
        "<p>Line one<br />\nLine two</p>\n<p>Para two</p>"
    )


def test_block_elements_are_not_wrapped_in_paragraphs():
    html = wpautop("<h2>Title</h2>\nText under it.\n\n<ul>\n<li>One</li>\n</ul>")
    assert "<p><h2>" not in html
    assert "<h2>Title</h2>" in html
    assert "<p>Text under it.</p>" in html
    assert "<p><ul>" not in html
    assert "<li>One</li>" in html


def test_preformatted_text_keeps_its_blank_lines():
    assert wordpress_html_to_html("<pre>a\n\nb</pre>\n\nAfter") == "<pre>a\n\nb</pre>\n<p>After</p>"


def test_more_marker_stays_a_separator():
    assert wordpress_html_to_html("Intro\n\n<!--more-->\n\nRest") == "<p>Intro</p>\n<!--more-->\n<p>Rest</p>"
    assert "<!--more-->" in wordpress_html_to_html("Intro <!--more Read on--> rest")


def test_block_editor_posts_lose_their_block_comments_but_not_their_markup():
    source = (
        '<!-- wp:heading {"level":3} -->\n<h3>Heading</h3>\n<!-- /wp:heading -->\n\n'
        "<!-- wp:paragraph -->\n<p>Block\ntext</p>\n<!-- /wp:paragraph -->\n\n"
        "<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->"
    )
    html = wordpress_html_to_html(source)
    assert "wp:" not in html
    assert "<h3>Heading</h3>" in html
    assert "<p>Block\ntext</p>" in html  # no auto-paragraphs or <br /> inside blocks, as in WordPress
    assert "<!--more-->" in html


def test_caption_shortcode_becomes_a_figure():
    source = (
        '[caption id="attachment_7" align="alignleft" width="300"]<img src="/a.jpg" alt="A" /> The caption[/caption]'
    )
    assert wordpress_html_to_html(source) == (
        '<figure class="wp-caption alignleft"><img src="/a.jpg" alt="A" />'
        '<figcaption class="wp-caption-text">The caption</figcaption></figure>'
    )
    attribute_form = wordpress_html_to_html(
        '[caption caption="Said so" align="alignright"]<img src="/b.jpg" />[/caption]'
    )
    assert '<figcaption class="wp-caption-text">Said so</figcaption>' in attribute_form


def test_caption_survives_the_sanitiser():
    html = render_body('[caption align="alignnone"]<img src="/a.jpg" alt="A" /> Seen here[/caption]', "html")
    assert "<figure" in html
    assert "<figcaption" in html
    assert "Seen here" in html


def test_unknown_shortcodes_stay_visible_and_escaped_ones_print_literally():
    assert wordpress_html_to_html("Escaped [[caption]] and [foo bar=1]") == "<p>Escaped [caption] and [foo bar=1]</p>"
    assert unknown_shortcodes("[[foo]] [bar x=1] [bar] [Caps] [gallery] [caption]x[/caption]") == {"bar": 2}


def test_gallery_lists_the_named_images_and_counts_the_missing_ones():
    images = {1: GalleryImage(1, "/m/1.jpg", "One", "First"), 2: GalleryImage(2, "/m/2.jpg", "Two")}
    html, missing = expand_galleries('[gallery ids="1,2,3" columns="2"]', images=images)
    assert missing == 1
    assert html.startswith('<figure class="gallery gallery-columns-2">')
    assert html.index("/m/1.jpg") < html.index("/m/2.jpg")
    assert "<figcaption>First</figcaption>" in html


def test_gallery_without_ids_uses_the_posts_own_attachments():
    html, missing = expand_galleries("[gallery]", images={5: GalleryImage(5, "/m/5.jpg", "Five")}, attached=[5])
    assert missing == 0
    assert 'alt="Five"' in html


def test_gallery_with_absurdly_long_numbers_ignores_them_instead_of_crashing():
    images = {1: GalleryImage(1, "/m/1.jpg", "One")}
    huge = "9" * 5000
    html, missing = expand_galleries(f'[gallery ids="{huge},1" exclude="{huge}" columns="{huge}"]', images=images)
    assert missing == 0
    assert html.startswith('<figure class="gallery gallery-columns-3">')
    assert "/m/1.jpg" in html


def test_scripts_are_removed_by_the_post_sanitiser():
    html = render_body('<p>x</p><script>alert(1)</script>\n\n<a href="javascript:alert(2)" onclick="y()">z</a>', "html")
    assert "<script" not in html
    assert "alert" not in html
    assert "onclick" not in html
