"""Importing WordPress's block-editor test data: every block reaches readers as safe HTML, or is named in the report."""

from django.conf import settings
from django.test import TestCase

from posts.models import Post
from posts.wp_html import wordpress_html_to_html
from wordpress.services import import_wxr

BLOCK_TEST_DATA = settings.BASE_DIR.parent / "shared" / "fixtures" / "wordpress" / "64-block-test-data.xml"
AUDIO_FILE = (
    "https://wpthemetestdata.files.wordpress.com/2008/06/originaldixielandjazzbandwithalbernard-stlouisblues.mp3"
)


class BlockTestDataImport(TestCase):
    @classmethod
    def setUpTestData(cls):
        assert BLOCK_TEST_DATA.is_file(), f"{BLOCK_TEST_DATA} is missing: check out ../shared beside the project"
        cls.report = import_wxr(source=BLOCK_TEST_DATA)

    def test_audio_blocks_keep_their_players_and_files(self):
        body = Post.objects.get(legacy_id=86).body_html
        assert f'<audio controls="" src="{AUDIO_FILE}">' in body
        assert "St. Louis Blues" in body

    def test_video_blocks_keep_their_players_with_controls_even_when_the_block_had_none(self):
        body = Post.objects.get(legacy_id=95).body_html
        assert body.count("<video controls") == body.count("<video")
        assert '<video controls="" src="https://wpthemetestdata.files.wordpress.com/2013/12/' in body

    def test_the_report_names_each_post_whose_players_play_files_from_the_old_site(self):
        notes = [note for note in self.report.notes if "audio/video player" in note]
        assert any(note.startswith("Post 86 ('Audio')") and AUDIO_FILE in note for note in notes)
        assert any(note.startswith("Post 95 ('Video')") for note in notes)

    def test_details_and_summary_are_kept(self):
        body = Post.objects.get(legacy_id=39).body_html
        assert '<details class="wp-block-details"><summary>Summary</summary>' in body
        assert '<details class="wp-block-details" open=""><summary>Open by default</summary>' in body

    def test_dynamic_blocks_are_named_in_the_report(self):
        assert self.report.dynamic_blocks["latest-posts"] >= 1
        assert self.report.dynamic_blocks["archives"] >= 1
        assert self.report.dynamic_blocks["calendar"] >= 1
        assert self.report.dynamic_blocks["query"] >= 1
        assert any(line.startswith("Dynamic blocks show nothing here") for line in self.report.details())


def test_a_bare_url_on_its_own_line_becomes_a_link_naming_its_provider():
    html = wordpress_html_to_html("https://www.youtube.com/watch?v=SQEQr7c0-dw\n\nLearn more.")
    assert '<a href="https://www.youtube.com/watch?v=SQEQr7c0-dw">YouTube: https://www.youtube.com/watch?v=' in html


def test_an_embed_block_becomes_a_link_without_a_third_party_frame():
    source = (
        '<!-- wp:embed {"url":"https://vimeo.com/1","providerNameSlug":"vimeo"} -->\n'
        '<figure class="wp-block-embed is-type-video is-provider-vimeo"><div class="wp-block-embed__wrapper">\n'
        "https://vimeo.com/1\n</div></figure>\n<!-- /wp:embed -->"
    )
    html = wordpress_html_to_html(source)
    assert '<a href="https://vimeo.com/1">Vimeo: https://vimeo.com/1</a>' in html
    assert "iframe" not in html


def test_a_url_inside_a_sentence_or_a_pre_block_is_left_alone():
    html = wordpress_html_to_html("See https://example.org/ here.\n\n<pre>\nhttps://example.org/\n</pre>")
    assert "<a " not in html


class FootnotesImport(TestCase):
    """The block editor keeps footnote texts in post meta; readers must still see them, linked both ways."""

    @classmethod
    def setUpTestData(cls):
        import_wxr(source=BLOCK_TEST_DATA)
        cls.body = Post.objects.get(legacy_id=75).body_html

    def test_the_footnote_list_is_rendered_from_the_meta(self):
        assert '<ol class="wp-block-footnotes"><li id="aa484441-9ea2-470c-a0a3-218ede0c6b05">A note ' in self.body
        assert '<li id="f51b5ea0-388d-4673-ae03-1fc47853970f">Another note ' in self.body

    def test_references_and_notes_link_to_each_other(self):
        note = "aa484441-9ea2-470c-a0a3-218ede0c6b05"
        assert f'<a href="#{note}" id="{note}-link">1</a>' in self.body
        assert f'<a href="#{note}-link" aria-label="Jump to footnote reference 1">' in self.body


def test_ids_other_than_footnotes_are_dropped():
    from posts.rendering import sanitize_html

    assert sanitize_html('<a id="respond" href="#x">x</a><li id="comments">y</li>') == '<a href="#x">x</a><li>y</li>'
