"""An administrator moves the blog in from the admin: upload the WordPress export, read what happened.
Editors and authors cannot; broken files are refused with a clear message and import nothing."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import ADMINISTRATOR, AUTHOR, EDITOR, assign_role
from comments.models import Comment
from posts.models import Category, Page, Post
from tests.factories import UserFactory
from wordpress import services
from wordpress.models import ImportRun

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
HISTORY = reverse("admin:wordpress_importrun_changelist")
UPLOAD = reverse("admin:wordpress_importrun_add")

WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>MS notes</title>
  <link>https://msnotes.wordpress.com</link>
  <pubDate>Mon, 01 Jul 2024 10:00:00 +0000</pubDate>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://wordpress.com</wp:base_site_url>
  <wp:base_blog_url>https://msnotes.wordpress.com</wp:base_blog_url>
  <wp:author><wp:author_id>3</wp:author_id><wp:author_login><![CDATA[mira]]></wp:author_login>
    <wp:author_email><![CDATA[mira@example.org]]></wp:author_email>
    <wp:author_display_name><![CDATA[Mira Okafor]]></wp:author_display_name></wp:author>
  <wp:category><wp:term_id>5</wp:term_id><wp:category_nicename><![CDATA[treatment]]></wp:category_nicename>
    <wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Treatment]]></wp:cat_name></wp:category>
  <item>
    <title>Rituximab and relapses</title>
    <dc:creator><![CDATA[mira]]></dc:creator>
    <content:encoded><![CDATA[<p>What the trials found.</p>]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_id>101</wp:post_id>
    <wp:post_date><![CDATA[2024-03-01 09:00:00]]></wp:post_date>
    <wp:post_date_gmt><![CDATA[2024-03-01 09:00:00]]></wp:post_date_gmt>
    <wp:comment_status><![CDATA[open]]></wp:comment_status>
    <wp:post_name><![CDATA[rituximab-and-relapses]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_parent>0</wp:post_parent>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <wp:is_sticky>0</wp:is_sticky>
    <category domain="category" nicename="treatment"><![CDATA[Treatment]]></category>
    <wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_author><![CDATA[Ada]]></wp:comment_author>
      <wp:comment_date_gmt><![CDATA[2024-03-02 09:00:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Does it help?]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
    <wp:comment><wp:comment_id>8</wp:comment_id><wp:comment_author><![CDATA[Ben]]></wp:comment_author>
      <wp:comment_date_gmt><![CDATA[2024-03-02 10:00:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[It did for me.]]></wp:comment_content>
      <wp:comment_approved><![CDATA[0]]></wp:comment_approved><wp:comment_parent>7</wp:comment_parent></wp:comment>
  </item>
  <item>
    <title>About</title>
    <dc:creator><![CDATA[mira]]></dc:creator>
    <content:encoded><![CDATA[Who writes here.]]></content:encoded>
    <wp:post_id>2</wp:post_id>
    <wp:post_date_gmt><![CDATA[2023-01-01 09:00:00]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[about]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_parent>0</wp:post_parent>
    <wp:post_type><![CDATA[page]]></wp:post_type>
  </item>
  <item>
    <title>Home</title>
    <wp:post_id>9</wp:post_id>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[nav_menu_item]]></wp:post_type>
  </item>
</channel>
</rss>
"""


def wxr_file(content: str = WXR, name: str = "msnotes.wordpress.2024-07-01.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="text/xml")


def text_of(response) -> str:
    """What a person reads on the page: tags removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def person(role: str):
    user = UserFactory(username=role.lower())
    assign_role(user, role)
    return user


@pytest.fixture
def admin_client(client):
    client.force_login(person(ADMINISTRATOR))
    return client


def nothing_imported() -> bool:
    return not (Post.objects.exists() or Comment.objects.exists() or Page.objects.exists() or Category.objects.exists())


# Finding it -------------------------------------------------------------------------------------


def test_administrator_finds_the_import_from_the_admin_index(admin_client):
    page = admin_client.get(INDEX)

    assert "WordPress imports" in text_of(page)
    assert f'href="{UPLOAD}"' in page.content.decode()


def test_upload_page_states_the_size_limit_and_the_command_for_bigger_files(admin_client):
    page = admin_client.get(UPLOAD)

    text = text_of(page)
    assert page.status_code == 200
    assert "Files up to 512 MB." in text
    assert "python manage.py import_wxr export.xml --uploads wp-content/uploads" in text
    assert "Dry run: only report what the import would do" in text


# Importing --------------------------------------------------------------------------------------


def test_administrator_imports_an_export_and_reads_the_summary(admin_client):
    response = admin_client.post(UPLOAD, {"file": wxr_file()}, follow=True)

    text = text_of(response)
    assert response.status_code == 200
    assert "Imported msnotes.wordpress.2024-07-01.xml: 3 items read, 6 records changed." in text
    assert "What the import did" in text
    assert "Kind Created Updated Unchanged Skipped" in text
    assert "Posts 1 0 0 0" in text
    assert "Comments 2 0 0 0" in text
    assert "Pages 1 0 0 0" in text
    assert "Categories 1 0 0 0" in text
    assert "nav_menu_item (not imported) 0 0 0 1" in text
    post = Post.objects.get(legacy_id=101)
    assert post.title == "Rituximab and relapses"
    reply = Comment.objects.get(legacy_id=8)
    assert reply.parent.legacy_id == 7
    assert reply.status == Comment.Status.PENDING
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.started_by.username == "administrator"
    assert run.finished_at is not None


def test_dry_run_shows_what_would_happen_and_changes_nothing(admin_client):
    response = admin_client.post(UPLOAD, {"file": wxr_file(), "dry_run": "on"}, follow=True)

    text = text_of(response)
    assert "Dry run of msnotes.wordpress.2024-07-01.xml: nothing was written." in text
    assert "Dry run: what the import would do" in text
    assert "Posts 1 0 0 0" in text
    assert nothing_imported()
    assert ImportRun.objects.get().dry_run


def test_importing_the_same_file_again_changes_nothing(admin_client):
    admin_client.post(UPLOAD, {"file": wxr_file()})

    response = admin_client.post(UPLOAD, {"file": wxr_file()}, follow=True)

    text = text_of(response)
    assert "0 records changed" in text
    assert "Posts 0 0 1 0" in text
    assert Post.objects.count() == 1
    assert Comment.objects.count() == 2


def test_history_lists_every_run_with_its_outcome(admin_client):
    admin_client.post(UPLOAD, {"file": wxr_file(name="first.xml")})
    admin_client.post(UPLOAD, {"file": wxr_file("<rss><channel>", name="broken.xml")})
    admin_client.post(UPLOAD, {"file": wxr_file(name="tried.xml"), "dry_run": "on"})

    text = text_of(admin_client.get(HISTORY))

    assert "Import from WordPress" in text
    assert "first.xml Succeeded administrator 1 posts created, 1 pages created, 2 comments created" in text
    assert "broken.xml Failed administrator" in text
    assert "tried.xml Succeeded (dry run) administrator No changes" in text


def test_a_run_page_is_a_read_only_record(admin_client):
    admin_client.post(UPLOAD, {"file": wxr_file()})
    run = ImportRun.objects.get()

    page = admin_client.get(reverse("admin:wordpress_importrun_change", args=[run.pk]))

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert (
        admin_client.post(reverse("admin:wordpress_importrun_change", args=[run.pk]), {"file_name": "x"}).status_code
        == 403
    )


# Who may -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [EDITOR, AUTHOR])
def test_editors_and_authors_cannot_import(client, role):
    client.force_login(person(role))

    assert client.get(UPLOAD).status_code == 403
    assert client.get(HISTORY).status_code == 403
    assert client.post(UPLOAD, {"file": wxr_file()}).status_code == 403
    assert "WordPress imports" not in text_of(client.get(INDEX))
    assert nothing_imported()
    assert not ImportRun.objects.exists()


def test_visitors_are_sent_to_the_login_page(client):
    response = client.post(UPLOAD, {"file": wxr_file()})

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert nothing_imported()


# Bad files ---------------------------------------------------------------------------------------


def test_truncated_export_is_refused_with_the_line_and_nothing_is_imported(admin_client):
    truncated = WXR[: WXR.index("<wp:comment><wp:comment_id>8")]

    response = admin_client.post(UPLOAD, {"file": wxr_file(truncated, name="cut.xml")}, follow=True)

    text = text_of(response)
    assert response.status_code == 200
    assert "Could not import cut.xml: The file is not well-formed XML at line" in text
    assert "not well-formed XML at line" in text
    assert "Nothing was imported." in text
    assert nothing_imported()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<html><body>Not an export</body></html>", "This is not a WordPress export"),
        ('<rss version="2.0"><channel><title>A feed</title></channel></rss>', "no <wp:wxr_version>"),
        ("\x89PNG\r\n\x1a\n binary", "not well-formed XML"),
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            "<rss><channel>&lol2;</channel></rss>",
            "declares a DTD or XML entities",
        ),
    ],
    ids=["html", "plain-rss", "binary", "xml-bomb"],
)
def test_files_that_are_not_wordpress_exports_are_refused_clearly(admin_client, content, message):
    response = admin_client.post(UPLOAD, {"file": wxr_file(content, name="upload.xml")}, follow=True)

    assert response.status_code == 200
    assert message in text_of(response).replace("&lt;", "<").replace("&gt;", ">")
    assert nothing_imported()


def test_a_file_over_the_limit_is_refused_with_the_command_to_use(admin_client, monkeypatch):
    monkeypatch.setattr(services, "ADMIN_BACKGROUND_LIMIT", 1024 * 1024)
    padded = WXR.replace("</channel>", "<!--" + "x" * (2 * 1024 * 1024) + "--></channel>")

    response = admin_client.post(UPLOAD, {"file": wxr_file(padded, name="huge.xml")})

    text = text_of(response)
    assert response.status_code == 200
    assert "This file is 2 MB; the admin imports files up to 1 MB." in text
    assert "python manage.py import_wxr huge.xml" in text
    assert "Files up to 1 MB." in text
    assert nothing_imported()
    assert not ImportRun.objects.exists()


def test_no_file_or_an_empty_file_asks_for_one(admin_client):
    missing = admin_client.post(UPLOAD, {})
    empty = admin_client.post(UPLOAD, {"file": SimpleUploadedFile("empty.xml", b"")})

    assert missing.status_code == empty.status_code == 200
    assert "This field is required." in text_of(missing)
    assert "The submitted file is empty." in text_of(empty)
    assert not ImportRun.objects.exists()


def test_an_unexpected_failure_is_reported_and_leaves_nothing_half_imported(admin_client, monkeypatch):
    real_import = services.import_wxr

    def import_then_fail(**kwargs):
        real_import(**kwargs)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "import_wxr", import_then_fail)

    response = admin_client.post(UPLOAD, {"file": wxr_file()}, follow=True)

    text = text_of(response)
    assert response.status_code == 200
    assert "The import stopped on an unexpected error" in text
    assert "Nothing was imported." in text
    assert "disk on fire" not in text
    assert nothing_imported()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.started_by.username == "administrator"


def test_administrator_imports_wordpress_theme_test_data_from_the_admin(admin_client):
    from tests.wordpress.conftest import THEME_TEST_DATA

    upload = SimpleUploadedFile(THEME_TEST_DATA.name, THEME_TEST_DATA.read_bytes(), content_type="text/xml")

    response = admin_client.post(UPLOAD, {"file": upload}, follow=True)

    text = text_of(response)
    assert "Imported themeunittestdata.wordpress.xml: 186 items read" in text
    assert "Posts 58 0 0 0" in text
    assert "nav_menu_item (not imported) 0 0 0 70" in text
    assert Post.objects.count() == 58
    assert Comment.objects.get(legacy_id=1015).status == Comment.Status.PENDING
