"""Old /?p=ID and /?page_id=ID links after a move: WordPress's numbers only, never our own for imported rows."""

import pytest

from posts.models import Page, Post
from tests.factories import PageFactory, PostFactory
from tests.wordpress.conftest import notes_of
from wordpress.services import import_wxr

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(wxr):
    """An old site: a post with WordPress ID 100 and an "About" page with ID 2 (rows 1 and 1 here)."""
    import_wxr(
        source=wxr.write(wxr.item(100, "Rituximab for SPMS"), wxr.item(2, "About", post_type="page", slug="about"))
    )
    return Post.objects.get(legacy_id=100), Page.objects.get(legacy_id=2)


def _redirect(client, query):
    return client.get(f"/?{query}")


def test_an_old_post_link_reaches_the_post(client, imported):
    post, _ = imported
    assert _redirect(client, "p=100").headers["Location"] == post.get_absolute_url()


def test_an_old_page_link_reaches_the_page_by_either_query(client, imported):
    _, about = imported
    assert _redirect(client, "page_id=2").headers["Location"] == about.get_absolute_url()
    assert _redirect(client, "p=2").headers["Location"] == about.get_absolute_url()  # as WordPress does


def test_an_imported_rows_own_key_is_not_an_old_link(client, imported):
    post, about = imported
    assert {post.pk, about.pk}.isdisjoint({100, 2})

    assert _redirect(client, f"p={post.pk}").status_code == 404
    assert _redirect(client, f"p={about.pk}").status_code == 404
    assert _redirect(client, f"page_id={about.pk}").status_code == 404
    assert _redirect(client, f"page_id={post.pk}").status_code == 404


@pytest.mark.parametrize("query", ["p=3", "page_id=100", "p=99999"])
def test_an_unknown_id_is_a_404(client, imported, query):
    assert _redirect(client, query).status_code == 404


def test_posts_and_pages_written_here_never_take_an_old_number(client, imported):
    ours = PostFactory(title="Written here")
    page = PageFactory(title="Contact")

    assert ours.pk > 100
    assert page.pk > 100
    assert _redirect(client, f"p={ours.pk}").headers["Location"] == ours.get_absolute_url()
    assert _redirect(client, f"page_id={page.pk}").headers["Location"] == page.get_absolute_url()


def test_an_imported_page_moved_to_another_address_is_reported_and_its_old_link_finds_it(client, wxr):
    local = PageFactory(slug="about", title="About this site")
    export = wxr.write(wxr.item(1, "About", slug="about", post_type="page"))

    report = import_wxr(source=export)

    imported = Page.objects.get(legacy_id=1)
    assert imported.path == "about-2"
    assert Page.objects.get(pk=local.pk).path == "about"
    assert "Page 1 ('About'): another page already has the address 'about'; this one is at 'about-2'" in notes_of(
        report
    )
    assert client.get("/", {"page_id": 1})["Location"] == imported.get_absolute_url()
    assert "About" in client.get(imported.get_absolute_url()).content.decode()


def test_a_child_page_moved_aside_is_reported_with_its_whole_path(client, wxr):
    import_wxr(source=wxr.write(wxr.item(10, "Guides", slug="guides", post_type="page")))
    guides = Page.objects.get(legacy_id=10)
    PageFactory(slug="setup", parent=guides, title="Setup written here")

    report = import_wxr(
        source=wxr.write(
            wxr.item(10, "Guides", slug="guides", post_type="page"),
            wxr.item(11, "Setup", slug="setup", post_type="page", parent=10),
        )
    )

    imported = Page.objects.get(legacy_id=11)
    assert imported.path == "guides/setup-2"
    assert (
        "Page 11 ('Setup'): another page already has the address 'guides/setup'; this one is at 'guides/setup-2'"
        in notes_of(report)
    )
    assert client.get("/", {"page_id": 11})["Location"] == imported.get_absolute_url()
