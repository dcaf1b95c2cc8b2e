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


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_every_wxr_version_in_either_namespace_spelling_imports_whole(wxr, version, scheme):
    export = wxr.write(
        wxr.item(
            1,
            "From an old WordPress",
            excerpt="The summary.",
            terms=(("category", "news", "News"), ("post_tag", "ms", "MS")),
            comments=(wxr.comment(10), wxr.comment(11, parent=10)),
        ),
        wxr.item(2, "About", post_type="page"),
        namespace=f"{scheme}://wordpress.org/export/{version}/",
    )

    report = import_wxr(source=export)

    post = Post.objects.get(legacy_id=1)
    assert post.excerpt == "The summary."
    assert list(post.categories.values_list("slug", flat=True)) == ["news"]
    assert list(post.tags.values_list("slug", flat=True)) == ["ms"]
    assert Comment.objects.get(legacy_id=11).parent == Comment.objects.get(legacy_id=10)
    assert Page.objects.get(legacy_id=2).title == "About"
    assert report.counts["posts"]["created"] == 1


def test_every_wordpress_post_status_is_kept_and_only_published_posts_are_public(wxr, client):
    export = wxr.write(
        wxr.item(1, "Published", status="publish"),
        wxr.item(2, "Draft", status="draft"),
        wxr.item(3, "Pending", status="pending"),
        wxr.item(4, "Private", status="private"),
        wxr.item(5, "Scheduled", status="future", date_gmt="2099-01-01 09:00:00"),
    )

    import_wxr(source=export)

    statuses = dict(Post.objects.values_list("legacy_id", "status"))
    assert statuses == {1: "published", 2: "draft", 3: "pending", 4: "private", 5: "published"}
    assert Post.objects.get(legacy_id=5).is_scheduled
    assert list(Post.objects.published().values_list("legacy_id", flat=True)) == [1]
    assert client.get("/", {"p": 1}).status_code == 301
    for hidden in (2, 3, 4, 5):
        assert client.get("/", {"p": hidden}).status_code == 404, hidden
        assert client.get(Post.objects.get(legacy_id=hidden).get_absolute_url()).status_code == 404, hidden


def test_a_child_category_declared_before_its_parent_keeps_the_hierarchy(wxr):
    terms = (
        wxr.category(3, "relapsing", "Relapsing MS", parent="treatment")
        + wxr.category(2, "treatment", "Treatment")
        + wxr.category(4, "orphan", "Orphan", parent="not-in-the-file")
    )

    report = import_wxr(
        source=wxr.write(wxr.item(1, "Post", terms=(("category", "relapsing", "Relapsing MS"),)), terms=terms)
    )

    child = Category.objects.get(slug="relapsing")
    assert child.parent.slug == "treatment"
    assert child.parent.parent is None
    assert Category.objects.get(slug="orphan").parent is None
    assert any("'Orphan'" in note and "not-in-the-file" in note for note in report.notes)


def test_a_child_page_listed_before_its_parent_keeps_the_hierarchy(wxr, client):
    export = wxr.write(
        wxr.item(12, "Diet", post_type="page", slug="diet", parent=11),
        wxr.item(11, "Living with MS", post_type="page", slug="living"),
    )

    import_wxr(source=export)

    diet = Page.objects.get(legacy_id=12)
    assert diet.parent.legacy_id == 11
    assert client.get("/living/diet/").status_code == 200
    assert client.get("/", {"page_id": 12})["Location"] == "/living/diet/"
