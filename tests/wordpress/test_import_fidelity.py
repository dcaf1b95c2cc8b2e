"""What a blog owner sees after moving in: nothing that was behind a password is public, text reads as text."""

import pytest

from comments.models import Comment
from posts.models import Category, Page, Post, Tag
from wordpress.services import import_wxr

pytestmark = pytest.mark.django_db

TERMS = (
    "<wp:category><wp:term_id>5</wp:term_id><wp:category_nicename>tom-jerry</wp:category_nicename>"
    "<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Tom &amp; Jerry]]></wp:cat_name>"
    "<wp:category_description><![CDATA[Cats &amp; mice <b>only</b>]]></wp:category_description></wp:category>"
    "<wp:tag><wp:term_id>6</wp:term_id><wp:tag_slug>media-text</wp:tag_slug>"
    "<wp:tag_name><![CDATA[Media &amp; Text]]></wp:tag_name></wp:tag>"
)


def protected(item_xml: str) -> str:
    return item_xml.replace("<wp:post_password></wp:post_password>", "<wp:post_password>secret</wp:post_password>")


def test_a_password_protected_page_is_not_published(wxr, client):
    export = wxr.write(protected(wxr.item(7, "Members only", post_type="page", content="<p>The secret text.</p>")))

    report = import_wxr(source=export)

    page = Page.objects.get(legacy_id=7)
    assert page.status == Page.Status.DRAFT
    assert not Page.objects.published().exists()
    assert client.get(page.get_absolute_url()).status_code == 404
    assert "The secret text." not in client.get("/sitemap.xml").content.decode()
    assert "Page 7 ('Members only') was password-protected; it is imported as a draft." in report.notes


def test_a_password_protected_post_stays_private(wxr):
    report = import_wxr(source=wxr.write(protected(wxr.item(8, "Protected post"))))

    assert Post.objects.get(legacy_id=8).status == Post.Status.PRIVATE
    assert any(note.startswith("Post 8 ('Protected post') was password-protected") for note in report.notes)


def test_html_entities_are_decoded_once_in_titles_names_and_terms(wxr, client):
    comment = wxr.comment(30, author="Tom &amp; Jerry")
    post = wxr.item(
        9,
        "Media &amp; Text",
        slug="media-and-text",
        terms=(("category", "tom-jerry", "Tom &amp; Jerry"), ("post_tag", "media-text", "Media &amp; Text")),
        comments=(comment,),
    )
    import_wxr(source=wxr.write(post, terms=TERMS))

    imported = Post.objects.get(legacy_id=9)
    assert imported.title == "Media & Text"
    assert Category.objects.get(slug="tom-jerry").name == "Tom & Jerry"
    assert Category.objects.get(slug="tom-jerry").description == "Cats & mice only"
    assert Tag.objects.get(slug="media-text").name == "Media & Text"
    assert Comment.objects.get(legacy_id=30).author_name == "Tom & Jerry"
    page = client.get(imported.get_absolute_url()).content.decode()
    assert "Media &amp; Text" in page
    assert "&amp;amp;" not in page


def test_markup_in_a_title_is_stripped_and_reported(wxr):
    report = import_wxr(source=wxr.write(wxr.item(10, "Title <em>With</em> <b>Mark<sup>up</sup></b>")))

    assert Post.objects.get(legacy_id=10).title == "Title With Markup"
    assert any("titles here are plain text" in note and "Post 10" in note for note in report.notes)


@pytest.mark.parametrize(
    "url", ["javascript:alert(document.cookie)", "data:text/html,<script>x</script>", " JavaScript:x"]
)
def test_a_commenters_non_web_address_is_dropped_with_a_note(wxr, url):
    comment = wxr.comment(40, url=url)

    report = import_wxr(source=wxr.write(wxr.item(11, "Discussed", comments=(comment,))))

    assert Comment.objects.get(legacy_id=40).author_url == ""
    assert any(note.startswith("Comment 40: its author's website") for note in report.notes)


def test_a_commenters_web_address_is_kept(wxr):
    import_wxr(source=wxr.write(wxr.item(12, "Discussed", comments=(wxr.comment(41),))))

    assert Comment.objects.get(legacy_id=41).author_url == "https://reader.example.org/"
