"""Ids, numbers, texts and dates in an export that do not fit our columns: the import finishes, says in its report
what it changed, and leaves the site working.

Each story imports a file WordPress (or a damaged or hostile copy of one) could hand us. They run on SQLite and
PostgreSQL alike: PostgreSQL refuses values SQLite quietly keeps.
"""

import pytest
from django.contrib.auth import get_user_model

from comments.models import Comment
from posts.models import Category, Page, Post, Tag
from tests.wordpress.conftest import notes_of, run_import
from wordpress.services import import_wxr

pytestmark = pytest.mark.django_db


BEYOND_64_BITS = 2**63  # WordPress's ids are unsigned 64-bit; ours are signed


@pytest.mark.django_db
def test_a_post_whose_id_is_beyond_64_bits_is_skipped_with_a_note_and_the_rest_imports(wxr):
    export = wxr.write(
        wxr.item(BEYOND_64_BITS, "Huge", comments=(wxr.comment(10),)),
        wxr.item(1, "Ordinary", comments=(wxr.comment(11),)),
    )

    report = import_wxr(source=export)

    assert list(Post.objects.values_list("title", flat=True)) == ["Ordinary"]
    assert list(Comment.objects.values_list("legacy_id", flat=True)) == [11]
    assert report.counts["posts"]["skipped"] == 1
    assert report.counts["comments"]["skipped"] == 1
    assert f"Post 'Huge': its ID {BEYOND_64_BITS} is too large to keep" in notes_of(report)


@pytest.mark.django_db
def test_the_command_reports_a_huge_id_instead_of_crashing(wxr):
    export = wxr.write(wxr.item(BEYOND_64_BITS, "Huge"), wxr.item(2**64 + 5, "Huger", post_type="page"))

    output = run_import(export)

    assert f"Post 'Huge': its ID {BEYOND_64_BITS} is too large to keep" in output
    assert f"Page 'Huger': its ID {2**64 + 5} is too large to keep" in output
    assert not Post.objects.exists()
    assert not Page.objects.exists()


@pytest.mark.django_db
def test_an_id_of_thousands_of_digits_is_called_too_large_not_missing(wxr):
    export = wxr.write(wxr.item("9" * 5000, "Endless"))

    report = import_wxr(source=export)

    assert "Post 'Endless': its ID (over 30 digits) is too large to keep" in notes_of(report)
    assert "has no ID" not in notes_of(report)
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_a_comment_whose_id_is_beyond_64_bits_is_skipped_and_its_replies_become_top_level(wxr):
    export = wxr.write(
        wxr.item(1, "Discussed", comments=(wxr.comment(BEYOND_64_BITS), wxr.comment(12, parent=BEYOND_64_BITS)))
    )

    report = import_wxr(source=export)

    reply = Comment.objects.get()
    assert reply.legacy_id == 12
    assert reply.parent is None
    assert reply.depth == 1
    assert f"has the ID {BEYOND_64_BITS}, too large to keep; not imported" in notes_of(report)
    assert f"Comment 12 on 'Discussed' replies to comment {BEYOND_64_BITS}" in notes_of(report)


@pytest.mark.django_db
def test_a_reply_to_a_parent_beyond_64_bits_is_a_top_level_comment(wxr):
    export = wxr.write(wxr.item(1, "Discussed", comments=(wxr.comment(5, parent=BEYOND_64_BITS),)))

    report = import_wxr(source=export)

    comment = Comment.objects.get(legacy_id=5)
    assert comment.parent is None
    assert report.counts["comments"]["created"] == 1
    assert "shown as a top-level comment" in notes_of(report)


@pytest.mark.django_db
def test_a_page_comment_replying_to_a_huge_parent_is_top_level_too(wxr):
    export = wxr.write(wxr.item(2, "About", post_type="page", comments=(wxr.comment(6, parent=BEYOND_64_BITS),)))

    import_wxr(source=export)

    comment = Comment.objects.get(legacy_id=6)
    assert comment.page.title == "About"
    assert comment.parent is None


@pytest.mark.django_db
def test_a_page_whose_parent_id_is_beyond_64_bits_is_at_the_top_level(wxr):
    export = wxr.write(wxr.item(3, "Child", post_type="page", parent=BEYOND_64_BITS))

    report = import_wxr(source=export)

    page = Page.objects.get()
    assert page.parent is None
    assert page.path == "child"
    assert f"its parent page {BEYOND_64_BITS} is not imported" in notes_of(report)


@pytest.mark.django_db
def test_terms_whose_ids_are_beyond_64_bits_are_matched_on_their_slugs(wxr):
    terms = wxr.category(BEYOND_64_BITS, "news", "News") + wxr.tag(BEYOND_64_BITS + 1, "ms", "MS")
    export = wxr.write(
        wxr.item(1, "Tagged", terms=(("category", "news", "News"), ("post_tag", "ms", "MS"))), terms=terms
    )

    report = import_wxr(source=export)
    again = import_wxr(source=export)

    post = Post.objects.get()
    assert [c.name for c in post.categories.all()] == ["News"]
    assert [t.name for t in post.tags.all()] == ["MS"]
    assert Category.objects.get().legacy_id is None
    assert Tag.objects.get().legacy_id is None
    assert f"Category 'News': its ID {BEYOND_64_BITS} is too large to keep" in notes_of(report)
    assert f"Tag 'MS': its ID {BEYOND_64_BITS + 1} is too large to keep" in notes_of(report)
    assert again.total_changes == 0


@pytest.mark.django_db
def test_an_attachment_whose_id_is_beyond_64_bits_is_skipped_with_a_note(wxr):
    export = wxr.write(
        wxr.item(
            BEYOND_64_BITS,
            "photo",
            post_type="attachment",
            parent=1,
            attachment_url="https://old.example.org/wp-content/uploads/2024/05/photo.jpg",
        ),
        wxr.item(1, "With a photo", meta={"_thumbnail_id": str(BEYOND_64_BITS)}),
    )

    report = import_wxr(source=export)

    assert Post.objects.get().featured_image is None
    assert report.counts["images"]["skipped"] == 1
    assert f"Attachment '2024/05/photo.jpg': its ID {BEYOND_64_BITS} is too large to keep" in notes_of(report)


@pytest.mark.django_db
def test_a_thumbnail_id_that_is_not_a_plain_number_is_ignored(wxr):
    export = wxr.write(wxr.item(1, "Odd thumbnail", meta={"_thumbnail_id": "²"}))

    import_wxr(source=export)

    assert Post.objects.get().featured_image is None


@pytest.mark.django_db
def test_file_names_too_long_for_the_file_system_are_reported_missing(wxr, tmp_path):
    uploads = tmp_path / "wp-content" / "uploads"
    uploads.mkdir(parents=True)
    name = "2024/05/" + "n" * 300 + ".jpg"  # over the 255 bytes a file name may have
    export = wxr.write(
        wxr.item(
            20,
            "photo",
            post_type="attachment",
            status="inherit",
            attachment_url=f"https://old.example.org/wp-content/uploads/{name}",
            meta={"_wp_attached_file": name},
        ),
        wxr.item(
            1, "Illustrated", content=f'<img src="https://old.example.org/wp-content/uploads/{name[:-4]}-300x200.jpg">'
        ),
    )

    report = import_wxr(source=export, uploads_dir=uploads)

    assert report.missing_files == [name]
    assert report.counts["images"]["skipped"] == 1
    assert "-300x200.jpg" in Post.objects.get().body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("menu_order", "stored", "shown"),
    [
        ("99999999999999", 2**31 - 1, "99999999999999"),
        ("-99999999999999", -(2**31), "-99999999999999"),
        ("9" * 5000, 2**31 - 1, "(over 30 digits)"),
    ],
)
def test_a_page_menu_order_beyond_32_bits_is_clamped_and_reported(wxr, menu_order, stored, shown):
    export = wxr.write(wxr.item(1, "About", post_type="page", menu_order=menu_order))

    report = import_wxr(source=export)
    again = import_wxr(source=export)

    assert Page.objects.get().order == stored
    assert f"Page 1 ('About'): its menu order {shown} is out of range; it is {stored} here." in notes_of(report)
    assert again.total_changes == 0


@pytest.mark.django_db
def test_over_long_titles_slugs_and_terms_are_cut_with_notes(client, wxr):
    long_title = "A very long title" * 30  # 510 characters
    long_slug = "s" * 250
    long_term = "t" * 260
    export = wxr.write(
        wxr.item(
            1, long_title, slug=long_slug, terms=(("category", long_term, "Cat " * 80), ("post_tag", long_term, "Tag"))
        ),
        wxr.item(2, "Page " * 80, slug=long_slug, post_type="page"),
        terms=wxr.category(5, long_term, "Cat " * 80) + wxr.tag(6, long_term, "Tag " * 80),
    )

    report = import_wxr(source=export)
    again = import_wxr(source=export)

    post, page = Post.objects.get(), Page.objects.get()
    assert len(post.title) == 300
    assert post.title.endswith("…")
    assert post.slug == "s" * 200
    assert page.slug == "s" * 200
    assert len(page.title) <= 300
    assert Category.objects.get().slug == "t" * 200
    assert len(Category.objects.get().name) == 200
    assert Tag.objects.get().slug == "t" * 200
    assert set(post.categories.all()) == set(Category.objects.all())
    assert set(post.tags.all()) == set(Tag.objects.all())
    notes = notes_of(report)
    assert "Post 1: its title is 510 characters long; cut to the 300 allowed here." in notes
    assert "250 characters long; cut to the 200 allowed here." in notes
    assert "Category 'Cat Cat" in notes
    assert "its slug is 260 characters long" in notes
    assert again.total_changes == 0
    assert client.get(post.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_over_long_author_login_and_email_become_a_working_user(wxr):
    login = "a" * 200
    export = wxr.write(wxr.item(1, "By a long name", creator=login), authors=((login, "x" * 300 + "@example.org"),))

    report = import_wxr(source=export)
    again = import_wxr(source=export)

    user = get_user_model().objects.get(username="a" * 150)
    assert user.email == ""
    assert Post.objects.get().author == user
    assert "is 200 characters long; the user here is" in notes_of(report)
    assert "the email is 312 characters long (at most 254 here); left out." in notes_of(report)
    assert again.total_changes == 0


@pytest.mark.django_db
def test_over_long_commenter_details_are_cut_or_left_out_with_notes(client, wxr):
    long_url = "https://reader.example.org/" + "p" * 600
    comment = wxr.comment(
        10, author="N" * 300, email="e" * 300 + "@example.org", url=long_url, ip="fe80::1%" + "z" * 60
    )
    export = wxr.write(wxr.item(1, "Discussed", comments=(comment,)))

    report = import_wxr(source=export)
    again = import_wxr(source=export)

    stored = Comment.objects.get()
    assert len(stored.author_name) == 245
    assert stored.author_name.endswith("…")
    assert stored.author_email == ""
    assert stored.author_url == ""
    assert stored.ip_address == "fe80::1"
    notes = notes_of(report)
    assert "Comment 10: its author's name is 300 characters long; cut to the 245 allowed here." in notes
    assert "Comment 10: its author's email is 312 characters long (at most 254 here); left out." in notes
    assert "Comment 10: its author's website is" in notes
    assert again.total_changes == 0
    assert client.get(stored.post.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_a_category_tree_too_deep_for_its_address_keeps_the_rest_of_the_tree(wxr):
    slugs = [f"{level}" + "c" * 199 for level in range(6)]  # six levels of 200 characters: over 1,000
    terms = "".join(
        wxr.category(20 + level, slug, f"Level {level}", slugs[level - 1] if level else "")
        for level, slug in enumerate(slugs)
    )
    export = wxr.write(wxr.item(1, "Deep", terms=(("category", slugs[-1], "Level 5"),)), terms=terms)

    report = import_wxr(source=export)

    # 0/1/2/3 fits in 1,000 characters, 0/1/2/3/4 would not: level 4 starts a tree of its own.
    assert Category.objects.get(name="Level 3").path.count("/") == 3
    assert Category.objects.get(name="Level 4").parent is None
    deepest = Category.objects.get(name="Level 5")
    assert deepest.path == f"{slugs[4]}/{slugs[5]}"
    assert "Category 'Level 4': its address under" in notes_of(report)
    assert list(Post.objects.get().categories.all()) == [deepest]


@pytest.mark.django_db
def test_a_page_tree_too_deep_for_its_address_is_imported(wxr):
    pages = [
        wxr.item(
            100 + level,
            f"Level {level}",
            slug=f"{level}" + "p" * 199,
            post_type="page",
            parent=99 + level if level else 0,
        )
        for level in range(6)
    ]
    report = import_wxr(source=wxr.write(*pages))

    assert Page.objects.count() == 6
    assert Page.objects.get(legacy_id=103).path.count("/") == 3
    assert Page.objects.get(legacy_id=104).parent is None
    assert Page.objects.get(legacy_id=105).parent.legacy_id == 104
    assert "Page 104 ('Level 4'): its address under" in notes_of(report)


@pytest.mark.django_db
def test_a_post_scheduled_at_the_end_of_the_calendar_stays_scheduled(client, wxr):
    late = "9999-12-31 23:59:59"
    export = wxr.write(
        wxr.item(1, "Far future", status="future", date_gmt=late, comments=(wxr.comment(3, date_gmt=late),))
    )

    import_wxr(source=export)
    again = import_wxr(source=export)

    post = Post.objects.get()
    assert post.published_at.year == 2999
    assert not Post.objects.published().exists()
    assert client.get("/", {"p": 1}).status_code == 404
    assert Comment.objects.get().created_at.year == 2999
    assert again.total_changes == 0


@pytest.mark.django_db
def test_a_date_before_1900_falls_back_to_the_items_feed_date(wxr):
    early = "0001-01-01 00:00:00"
    export = wxr.write(wxr.item(1, "Timeless", date_gmt=early, comments=(wxr.comment(3, date_gmt=early),)))

    import_wxr(source=export)

    assert Post.objects.get().published_at.year == 2024  # the item's <pubDate>
    assert Comment.objects.get().created_at.year == 2024  # the export's date


@pytest.mark.django_db
def test_percent_encoded_slashes_and_nul_in_slugs_become_hyphens_and_every_page_still_renders(client, wxr):
    export = wxr.write(
        wxr.item(
            1,
            "Sneaky",
            slug="a%2Fb%00c",
            terms=(("category", "p%00q", "Odd category"), ("post_tag", "x%2Fy", "Odd tag")),
        ),
        wxr.item(2, "Guides", slug="guides", post_type="page"),
        wxr.item(3, "Setup", slug="setup", post_type="page", parent=2),
        wxr.item(4, "Not a child", slug="guides%2Fsetup", post_type="page"),
        terms=wxr.category(5, "p%00q", "Odd category") + wxr.tag(6, "x%2Fy", "Odd tag"),
    )

    import_wxr(source=export)

    post = Post.objects.get()
    assert post.slug == "a-b-c"
    assert Category.objects.get().slug == "p-q"
    assert Tag.objects.get().slug == "x-y"
    assert Page.objects.get(legacy_id=4).path == "guides-setup"
    assert Page.objects.get(legacy_id=3).path == "guides/setup"
    for url in ("/", post.get_absolute_url(), "/category/p-q/", "/tag/x-y/", "/guides-setup/", "/guides/setup/"):
        assert client.get(url).status_code == 200, url
