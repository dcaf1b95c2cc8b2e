"""Leaving for WordPress: ``export_wxr`` writes a WXR 1.2 file WordPress's importer reads, and our own
importer reads it back into an empty site with the same posts, pages and discussions."""

import io
from datetime import UTC, datetime

import pytest
from defusedxml import ElementTree
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import EDITOR, assign_role
from comments.models import Comment
from posts.models import BodyFormat, Category, Image, Page, Post, Tag
from posts.services import add_image
from tests.factories import CategoryFactory, CommentFactory, PageFactory, PostFactory, TagFactory, UserFactory
from tests.posts_authoring.imagefiles import image_bytes, upload
from wordpress.services import export_wxr, import_wxr

pytestmark = pytest.mark.django_db

NS = {
    "wp": "http://wordpress.org/export/1.2/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
}
FUTURE = datetime(2031, 5, 4, 9, 30, tzinfo=UTC)


def at(year, month, day, hour=12, minute=0) -> datetime:
    """A moment to the second, as WordPress stores dates (no microseconds to lose on the way)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def build_site() -> dict:
    """A small blog with everything an export must carry: the story's cast, by name."""
    writer = UserFactory(username="mira", email="mira@example.org", first_name="Mira", last_name="Okafor")
    assign_role(writer, EDITOR)
    treatment = CategoryFactory(name="Treatment", slug="treatment")
    drugs = CategoryFactory(name="Disease-modifying drugs", slug="dmt", parent=treatment)
    rituximab = TagFactory(name="Rituximab", slug="rituximab")
    mri = TagFactory(name="MRI", slug="mri")
    published = PostFactory(
        title="Rituximab & relapses",
        slug="rituximab-relapses",
        author=writer,
        body="First paragraph about **B cells**.\n\n<!--more-->\n\nThe rest, after the fold.",
        status=Post.Status.PUBLISHED,
        published_at=at(2024, 3, 1, 8, 15),
        is_sticky=True,
        excerpt="B cells and relapses.",
    )
    published.categories.set([drugs])
    published.tags.set([rituximab, mri])
    closed = PostFactory(
        title="Closed for comments",
        slug="closed",
        author=writer,
        published_at=at(2024, 2, 1),
        comments_open=False,
        body="<p>Imported text with a CDATA end ]]> inside.</p>",
        body_format=BodyFormat.HTML,
    )
    draft = PostFactory(
        title="A draft", slug="a-draft", author=writer, status=Post.Status.DRAFT, published_at=at(2024, 4, 2)
    )
    scheduled = PostFactory(title="Coming soon", slug="coming-soon", author=writer, published_at=FUTURE)
    pending = PostFactory(
        title="For review", slug="for-review", author=writer, status=Post.Status.PENDING, published_at=at(2024, 4, 3)
    )
    private = PostFactory(
        title="Only me", slug="only-me", author=writer, status=Post.Status.PRIVATE, published_at=at(2024, 4, 4)
    )

    about = PageFactory(
        title="About", slug="about", author=writer, order=1, created_at=at(2023, 1, 1), comments_open=True
    )
    team = PageFactory(title="The team", slug="team", parent=about, author=writer, order=2, created_at=at(2023, 1, 2))
    history = PageFactory(
        title="History", slug="history", parent=team, status=Page.Status.DRAFT, created_at=at(2023, 1, 3)
    )

    # A thread: Ada → Ben → Ada again, plus a pending reply, spam, trash and a pingback.
    ada = CommentFactory(post=published, author_name="Ada", body="Does it help?", created_at=at(2024, 3, 2, 9))
    ben = CommentFactory(
        post=published, parent=ada, author_name="Ben", body="It did for me.", created_at=at(2024, 3, 2, 10)
    )
    ada_again = CommentFactory(
        post=published, parent=ben, author_name="Ada", body="Thanks!", created_at=at(2024, 3, 2, 11)
    )
    held = CommentFactory(
        post=published,
        parent=ada,
        author_name="Cleo",
        body="Waiting.",
        status=Comment.Status.PENDING,
        created_at=at(2024, 3, 3),
    )
    spam = CommentFactory(
        post=published, author_name="Pills", body="Buy now", status=Comment.Status.SPAM, created_at=at(2024, 3, 4)
    )
    trash = CommentFactory(
        post=published, author_name="Troll", body="Rude", status=Comment.Status.TRASH, created_at=at(2024, 3, 5)
    )
    ping = CommentFactory(
        post=closed, author_name="Other blog", body="Linked here", type=Comment.Type.PINGBACK, created_at=at(2024, 2, 2)
    )
    # The About page has its own small discussion: a question and the author's answer.
    dana = CommentFactory(page=about, author_name="Dana", body="Who writes this blog?", created_at=at(2023, 2, 1))
    mira_answers = CommentFactory(
        page=about, parent=dana, author_name="Mira", body="I do, with two neurologists.", created_at=at(2023, 2, 2)
    )
    return locals()


def export_text(**options) -> str:
    out = io.StringIO()
    export_wxr(out=out, **options)
    return out.getvalue()


def parse(text: str):
    return ElementTree.fromstring(text.encode())


def items(root) -> dict[str, object]:
    """The channel's items by title."""
    return {item.findtext("title"): item for item in root.find("channel").findall("item")}


def wp(element, name: str) -> str:
    return element.findtext(f"wp:{name}", namespaces=NS)


# The file ----------------------------------------------------------------------------------------


def test_export_command_writes_a_wxr_file_wordpress_recognises(tmp_path, settings):
    settings.SITE_URL = "https://ms.example.org"
    build_site()
    target = tmp_path / "export.xml"

    out = io.StringIO()
    call_command("export_wxr", str(target), stdout=out)

    text = target.read_text(encoding="utf-8")
    root = parse(text)  # defusedxml: a well-formed file with no DTD or entities
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    for prefix, uri in NS.items():
        assert f'xmlns:{prefix}="{uri}"' in text
    channel = root.find("channel")
    assert wp(channel, "wxr_version") == "1.2"
    assert wp(channel, "base_site_url") == "https://ms.example.org"
    assert "Exported 1 authors, 2 categories, 2 tags, 0 attachments, 6 posts, 9 comments, 3 pages" in out.getvalue()
    assert not (tmp_path / "export.xml.partial").exists()


def test_export_to_standard_output_is_only_the_xml():
    build_site()
    out, err = io.StringIO(), io.StringIO()

    call_command("export_wxr", "-", stdout=out, stderr=err)

    root = parse(out.getvalue())
    assert len(items(root)) == 9
    assert "Exported" in err.getvalue()


def test_export_to_a_folder_that_does_not_exist_says_so(tmp_path):
    with pytest.raises(CommandError, match="Cannot write .*missing/export.xml"):
        call_command("export_wxr", str(tmp_path / "missing" / "export.xml"))


def test_authors_categories_with_parents_and_tags_are_in_the_header():
    build_site()
    channel = parse(export_text()).find("channel")

    (author,) = channel.findall("wp:author", NS)
    assert wp(author, "author_login") == "mira"
    assert wp(author, "author_email") == "mira@example.org"
    assert wp(author, "author_display_name") == "Mira Okafor"
    categories = [
        (wp(c, "category_nicename"), wp(c, "category_parent"), wp(c, "cat_name"))
        for c in channel.findall("wp:category", NS)
    ]
    # Parents come first: WordPress creates them in file order.
    assert categories == [("treatment", "", "Treatment"), ("dmt", "treatment", "Disease-modifying drugs")]
    assert {wp(t, "tag_slug"): wp(t, "tag_name") for t in channel.findall("wp:tag", NS)} == {
        "mri": "MRI",
        "rituximab": "Rituximab",
    }


def test_posts_keep_every_status_sticky_flag_and_comment_status():
    build_site()
    posts = items(parse(export_text()))

    status = {title: wp(item, "status") for title, item in posts.items() if wp(item, "post_type") == "post"}
    assert status == {
        "Rituximab & relapses": "publish",
        "Closed for comments": "publish",
        "A draft": "draft",
        "Coming soon": "future",
        "For review": "pending",
        "Only me": "private",
    }
    article = posts["Rituximab & relapses"]
    assert wp(article, "is_sticky") == "1"
    assert wp(posts["A draft"], "is_sticky") == "0"
    assert wp(article, "comment_status") == "open"
    assert wp(posts["Closed for comments"], "comment_status") == "closed"
    assert wp(article, "post_name") == "rituximab-relapses"
    assert article.findtext("dc:creator", namespaces=NS) == "mira"
    assert article.findtext("excerpt:encoded", namespaces=NS) == "B cells and relapses."
    terms = {(c.get("domain"), c.get("nicename"), c.text) for c in article.findall("category")}
    assert terms == {
        ("category", "dmt", "Disease-modifying drugs"),
        ("post_tag", "rituximab", "Rituximab"),
        ("post_tag", "mri", "MRI"),
    }


def test_dates_are_written_in_local_time_and_gmt(settings):
    settings.TIME_ZONE = "Europe/Paris"
    site = build_site()
    article = items(parse(export_text()))["Rituximab & relapses"]

    assert wp(article, "post_date") == "2024-03-01 09:15:00"  # Paris is UTC+1 in March
    assert wp(article, "post_date_gmt") == "2024-03-01 08:15:00"
    assert article.findtext("pubDate") == "Fri, 01 Mar 2024 08:15:00 +0000"
    comment = next(c for c in article.findall("wp:comment", NS) if wp(c, "comment_author") == "Ada")
    assert wp(comment, "comment_date") == "2024-03-02 10:00:00"
    assert wp(comment, "comment_date_gmt") == "2024-03-02 09:00:00"
    assert site["published"].published_at == at(2024, 3, 1, 8, 15)


def test_markdown_body_is_exported_as_html_keeping_the_more_marker():
    build_site()
    body = items(parse(export_text()))["Rituximab & relapses"].findtext("content:encoded", namespaces=NS)

    assert "<strong>B cells</strong>" in body
    assert "<!--more-->" in body
    assert body.index("B cells") < body.index("<!--more-->") < body.index("after the fold")
    assert "**" not in body


def test_a_body_containing_the_cdata_terminator_survives():
    build_site()
    text = export_text()

    body = items(parse(text))["Closed for comments"].findtext("content:encoded", namespaces=NS)
    assert body == "<p>Imported text with a CDATA end ]]> inside.</p>"
    assert "]]]]><![CDATA[>" in text  # split across two CDATA sections, as WordPress's wxr_cdata() does


def test_comments_keep_parents_statuses_and_types():
    site = build_site()
    posts = items(parse(export_text()))

    comments = {wp(c, "comment_content"): c for c in posts["Rituximab & relapses"].findall("wp:comment", NS)}
    ids = {body: wp(c, "comment_id") for body, c in comments.items()}
    parent = {body: wp(c, "comment_parent") for body, c in comments.items()}
    approved = {body: wp(c, "comment_approved") for body, c in comments.items()}
    assert parent == {
        "Does it help?": "0",
        "It did for me.": ids["Does it help?"],
        "Thanks!": ids["It did for me."],
        "Waiting.": ids["Does it help?"],
        "Buy now": "0",
        "Rude": "0",
    }
    assert approved == {
        "Does it help?": "1",
        "It did for me.": "1",
        "Thanks!": "1",
        "Waiting.": "0",
        "Buy now": "spam",
        "Rude": "trash",
    }
    assert len(set(ids.values())) == 6
    assert wp(comments["Does it help?"], "comment_type") == ""
    (ping,) = posts["Closed for comments"].findall("wp:comment", NS)
    assert wp(ping, "comment_type") == "pingback"
    assert wp(ping, "comment_author") == "Other blog"
    assert site["ping"].type == "pingback"


def test_a_pages_discussion_is_written_inside_the_page_item():
    site = build_site()

    pages = items(parse(export_text()))

    about = pages["About"]
    assert wp(about, "post_type") == "page"
    assert wp(about, "comment_status") == "open"
    comments = {wp(c, "comment_content"): c for c in about.findall("wp:comment", NS)}
    assert set(comments) == {"Who writes this blog?", "I do, with two neurologists."}
    question, answer = comments["Who writes this blog?"], comments["I do, with two neurologists."]
    assert wp(question, "comment_parent") == "0"
    assert wp(answer, "comment_parent") == wp(question, "comment_id")
    assert wp(answer, "comment_approved") == "1"
    assert pages["The team"].findall("wp:comment", NS) == []
    assert wp(pages["The team"], "comment_status") == "closed"
    assert site["dana"].page == site["about"]


def test_imported_objects_keep_their_wordpress_ids_and_new_ones_never_collide():
    site = build_site()
    Post.objects.filter(pk=site["published"].pk).update(legacy_id=4242)
    Comment.objects.filter(pk=site["ada"].pk).update(legacy_id=77)
    posts = items(parse(export_text()))

    article = posts["Rituximab & relapses"]
    assert wp(article, "post_id") == "4242"
    comments = {wp(c, "comment_author") + wp(c, "comment_content"): c for c in article.findall("wp:comment", NS)}
    assert wp(comments["AdaDoes it help?"], "comment_id") == "77"
    assert wp(comments["BenIt did for me."], "comment_parent") == "77"
    post_ids = [wp(item, "post_id") for item in posts.values()]
    assert len(set(post_ids)) == len(post_ids) == 9
    assert all(int(post_id) > 0 for post_id in post_ids)


def test_pages_keep_their_hierarchy_order_and_status():
    build_site()
    posts = items(parse(export_text()))

    about, team, history = posts["About"], posts["The team"], posts["History"]
    assert {wp(page, "post_type") for page in (about, team, history)} == {"page"}
    assert wp(about, "post_parent") == "0"
    assert wp(team, "post_parent") == wp(about, "post_id")
    assert wp(history, "post_parent") == wp(team, "post_id")
    assert wp(team, "menu_order") == "2"
    assert wp(about, "status") == "publish"
    assert wp(history, "status") == "draft"


def test_images_are_attachments_with_absolute_urls_and_figures_point_at_them():
    writer = UserFactory(username="mira")
    image = add_image(
        file=upload(image_bytes(size=(640, 400)), "mri-scan.jpg"),
        alt_text="An MRI scan",
        caption="Lesions",
        uploaded_by=writer,
    )
    PostFactory(title="With a figure", author=writer, body=f"Look:\n\n[figure {image.pk}]", featured_image=image)

    text = export_text(base_url="https://ms.example.org/")
    posts = items(parse(text))

    attachment = posts["An MRI scan"]
    url = wp(attachment, "attachment_url")
    assert wp(attachment, "post_type") == "attachment"
    assert url == f"https://ms.example.org{image.file.url}"
    assert url.endswith(".jpg")
    metas = {wp(m, "meta_key"): wp(m, "meta_value") for m in attachment.findall("wp:postmeta", NS)}
    assert metas["_wp_attached_file"] == image.file.name.removeprefix("uploads/")
    assert metas["_wp_attachment_image_alt"] == "An MRI scan"
    post = posts["With a figure"]
    body = post.findtext("content:encoded", namespaces=NS)
    assert f'src="{url}"' in body
    assert 'src="/' not in body
    assert 'srcset="/' not in body
    assert ", /" not in body
    thumbnail = {wp(m, "meta_key"): wp(m, "meta_value") for m in post.findall("wp:postmeta", NS)}["_thumbnail_id"]
    assert thumbnail == wp(attachment, "post_id")
    assert post.findtext("link").startswith("https://ms.example.org/")
    assert Image.objects.count() == 1


def test_base_url_defaults_to_the_site_url_setting(settings):
    settings.SITE_URL = "https://blog.example.com"
    PostFactory(title="Hello", slug="hello", published_at=at(2024, 1, 5))

    root = parse(export_text())

    assert wp(root.find("channel"), "base_site_url") == "https://blog.example.com"
    assert items(root)["Hello"].findtext("link") == "https://blog.example.com/2024/01/05/hello/"


def test_control_characters_that_xml_forbids_are_dropped():
    PostFactory(title="Bell\x07 title", body="<p>Form\x0cfeed</p>", body_format=BodyFormat.HTML)

    posts = items(parse(export_text()))

    assert "Bell title" in posts
    assert posts["Bell title"].findtext("content:encoded", namespaces=NS) == "<p>Formfeed</p>"


# The round trip ----------------------------------------------------------------------------------


def snapshot() -> dict:
    """What a reader and an editor would compare between the old site and the new one."""
    posts = {
        post.slug: (
            post.title,
            post.published_at,
            post.status,
            post.is_sticky,
            post.comments_open,
            post.author.username,
            sorted(c.path for c in post.categories.all()),
            sorted(t.slug for t in post.tags.all()),
        )
        for post in Post.objects.select_related("author").prefetch_related("categories", "tags")
    }
    comments = {
        (comment.post.slug if comment.post_id else f"page:{comment.page.path}", comment.author_name, comment.body): (
            comment.status,
            comment.type,
            comment.created_at,
            comment.depth,
            (comment.parent.author_name, comment.parent.body) if comment.parent_id else None,
        )
        for comment in Comment.objects.select_related("post", "page", "parent")
    }
    pages = {page.path: (page.title, page.status, page.order, page.comments_open) for page in Page.objects.all()}
    categories = {category.path: category.name for category in Category.objects.all()}
    tags = {tag.slug: tag.name for tag in Tag.objects.all()}
    return {"posts": posts, "comments": comments, "pages": pages, "categories": categories, "tags": tags}


def thread_order(slug: str) -> list[str]:
    return list(Comment.objects.filter(post__slug=slug).order_by("thread_path").values_list("body", flat=True))


def empty_the_site() -> None:
    """As a fresh database: no content, no users, and no record of earlier imports."""

    for model in apps.get_app_config("wordpress").get_models():
        model.objects.all().delete()
    Comment.objects.all().delete()
    Post.objects.all().delete()
    Page.objects.filter(parent__isnull=True).delete()
    Category.objects.filter(parent__isnull=True).delete()
    Tag.objects.all().delete()
    get_user_model().objects.all().delete()


def test_round_trip_into_an_empty_site_keeps_posts_comments_threads_and_pages():
    build_site()
    before = snapshot()
    order_before = thread_order("rituximab-relapses")
    exported = export_text()

    empty_the_site()
    assert Post.objects.count() == Comment.objects.count() == Page.objects.count() == 0
    report = import_wxr(source=io.BytesIO(exported.encode()))

    after = snapshot()
    assert after["posts"] == before["posts"]
    assert after["comments"] == before["comments"]
    assert after["pages"] == before["pages"]
    assert after["categories"] == before["categories"]
    assert after["tags"] == before["tags"]
    assert thread_order("rituximab-relapses") == order_before
    answer = Comment.objects.get(body="I do, with two neurologists.")
    assert answer.page == Page.objects.get(path="about")
    assert answer.parent.body == "Who writes this blog?"
    assert report.counts["posts"]["created"] == 6
    assert report.counts["comments"]["created"] == 9
    assert report.counts["pages"]["created"] == 3
    scheduled = Post.objects.get(slug="coming-soon")
    assert scheduled.is_scheduled
    assert not Post.objects.published().filter(pk=scheduled.pk).exists()


def test_round_trip_body_still_reads_the_same():
    build_site()
    exported = export_text()
    empty_the_site()

    import_wxr(source=io.BytesIO(exported.encode()))

    article = Post.objects.get(slug="rituximab-relapses")
    assert "<strong>B cells</strong>" in article.body_html
    assert "after the fold" in article.body_html
    assert "First paragraph" in article.excerpt_html or article.excerpt == "B cells and relapses."
    assert "]]> inside" in Post.objects.get(slug="closed").body


def test_every_creator_named_in_the_file_is_listed_as_an_author():
    pager = UserFactory(username="pager", first_name="", last_name="")
    PageFactory(title="Contact", author=pager)
    PostFactory(title="Hello", author=UserFactory(username="poster"))

    channel = parse(export_text()).find("channel")

    logins = {wp(author, "author_login") for author in channel.findall("wp:author", NS)}
    creators = {item.findtext("dc:creator", namespaces=NS) for item in channel.findall("item")}
    assert logins == creators == {"pager", "poster"}
    pager_entry = next(a for a in channel.findall("wp:author", NS) if wp(a, "author_login") == "pager")
    assert wp(pager_entry, "author_display_name") == "pager"


def test_round_trip_of_wordpress_theme_test_data_keeps_everything_imported():
    """Real WordPress.com output: imported, exported, imported again into an empty site."""
    from tests.wordpress.conftest import THEME_TEST_DATA

    import_wxr(source=THEME_TEST_DATA)
    before = snapshot()
    order_before = {
        slug: thread_order(slug) for slug in Post.objects.filter(comments__isnull=False).values_list("slug", flat=True)
    }
    exported = export_text()

    empty_the_site()
    import_wxr(source=io.BytesIO(exported.encode()))

    after = snapshot()
    assert after["posts"] == before["posts"]
    assert after["comments"] == before["comments"]
    assert after["pages"] == before["pages"]
    assert after["categories"] == before["categories"]
    assert after["tags"] == before["tags"]
    assert {slug: thread_order(slug) for slug in order_before} == order_before
    assert max(depth for *_, depth, _ in after["comments"].values()) >= 10


def test_export_queries_do_not_grow_with_the_number_of_posts_and_comments(django_assert_max_num_queries):
    def add_posts(count: int) -> None:
        for _ in range(count):
            post = PostFactory()
            post.categories.set([CategoryFactory()])
            post.tags.set([TagFactory()])
            root = CommentFactory(post=post)
            CommentFactory(post=post, parent=root)

    add_posts(3)
    with CaptureQueriesContext(connection) as few:
        export_text()
    add_posts(12)

    with django_assert_max_num_queries(len(few.captured_queries)):
        text = export_text()

    assert len(items(parse(text))) == 15


def test_round_trip_keeps_what_commenters_gave_and_what_the_author_wrote():
    post = PostFactory(
        title="Vitamin D",
        slug="vitamin-d",
        author=UserFactory(username="mira", first_name="Mira", last_name="Okafor"),
        body="First paragraph.\n\nSecond paragraph with a [link](https://example.org/).",
        excerpt="What the trials say.",
    )
    CommentFactory(
        post=post,
        author_name="Ada",
        author_email="ada@example.org",
        author_url="https://ada.example.org/",
        ip_address="192.0.2.10",
        body="Does it help?",
    )
    exported = io.StringIO()
    export_wxr(out=exported)

    empty_the_site()
    import_wxr(source=io.BytesIO(exported.getvalue().encode()))

    again = Post.objects.get(slug="vitamin-d")
    assert again.excerpt == "What the trials say."
    assert "Second paragraph with a" in again.body_html
    assert 'href="https://example.org/"' in again.body_html
    author = again.author
    assert (author.username, author.first_name, author.last_name) == ("mira", "Mira", "Okafor")
    assert not author.has_usable_password()
    ada = Comment.objects.get()
    assert (ada.author_name, ada.author_email, ada.author_url, ada.ip_address) == (
        "Ada",
        "ada@example.org",
        "https://ada.example.org/",
        "192.0.2.10",
    )
