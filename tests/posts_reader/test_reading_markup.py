"""What a post's body becomes for reading: figures open their full-size file, tables get a box that scrolls
sideways, and WordPress's layout classes survive the sanitiser so the theme can style imported posts."""

import pytest

from posts.models import BodyFormat
from posts.rendering import render_body, scrollable_tables
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_wordpress_layout_classes_are_kept_and_anything_else_is_dropped():
    html = render_body(
        '<p class="has-text-align-center onclick">Centred</p>'
        '<img class="aligncenter size-large wp-image-5 evil" src="/media/b.jpg" alt="B">'
        '<ul class="wp-block-gallery columns-3 is-cropped x"><li class="blocks-gallery-item"><figure>'
        '<img src="/media/c.jpg" alt="C"></figure></li></ul>'
        '<p class="javascript:alert(1)">n</p><hr class="wp-block-separator">',
        BodyFormat.HTML,
    )

    assert '<p class="has-text-align-center">Centred</p>' in html
    assert '<img class="aligncenter size-large wp-image-5" src="/media/b.jpg" alt="B">' in html
    assert '<ul class="wp-block-gallery columns-3 is-cropped">' in html
    assert '<li class="blocks-gallery-item">' in html
    assert "<p>n</p>" in html
    assert '<hr class="wp-block-separator">' in html
    assert "evil" not in html
    assert "onclick" not in html


def test_wordpress_captions_keep_their_alignment():
    html = render_body(
        '[caption id="attachment_5" align="alignright" width="300"]<img src="/media/a.jpg" alt="A"> Relapses[/caption]',
        BodyFormat.HTML,
    )

    assert '<figure class="wp-caption alignright">' in html


def test_each_table_scrolls_in_a_named_box_the_keyboard_can_reach():
    html = render_body("| Trial | Result |\n|---|---|\n| OPERA | 46% fewer relapses |\n", BodyFormat.MARKDOWN)

    assert html.startswith('<div class="table-scroll" role="region" tabindex="0" aria-label="Table, scrolls sideways">')
    assert html.rstrip().endswith("</table></div>")


def test_nested_tables_get_one_box():
    html = scrollable_tables("<table><tr><td><table><tr><td>x</td></tr></table></td></tr></table><p>after</p>")

    assert html.count('class="table-scroll"') == 1
    assert html.endswith("</table></div><p>after</p>")


def test_a_post_without_tables_is_unchanged():
    post = PostFactory(body="Just *words*.")

    assert "table-scroll" not in post.body_html
