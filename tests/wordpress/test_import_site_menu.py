"""An import does not fill the site menu: imported pages wait for an editor to put them there."""

import io

import pytest
from django.core.management import call_command

from posts.models import Page

pytestmark = pytest.mark.django_db


def test_imported_pages_stay_out_of_the_menu_and_a_reimport_keeps_the_editors_choice(wxr, client):
    export = wxr.write(
        wxr.item(11, "About", post_type="page"),
        wxr.item(12, "Privacy policy", post_type="page"),
        wxr.item(13, "Sample Page", post_type="page"),
    )
    call_command("import_wxr", str(export), stdout=io.StringIO(), stderr=io.StringIO())

    assert not Page.objects.filter(show_in_navigation=True).exists()
    nav = client.get("/").content.decode().split('aria-label="Site"')[1].split("</nav>")[0]
    assert "Sample Page" not in nav

    # An editor puts "About" in the menu; importing the same file again leaves it there.
    Page.objects.filter(legacy_id=11).update(show_in_navigation=True)
    call_command("import_wxr", str(export), stdout=io.StringIO(), stderr=io.StringIO())

    assert list(Page.objects.filter(show_in_navigation=True).values_list("title", flat=True)) == ["About"]
    nav = client.get("/").content.decode().split('aria-label="Site"')[1].split("</nav>")[0]
    assert ">About</a>" in nav
    assert "Privacy policy" not in nav
