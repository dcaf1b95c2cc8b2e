"""Never lose writing: each saved version is kept, compared in words and restored in one click; the text
being typed is autosaved beside the post (never over it) and offered again when its author comes back."""

import pytest
from django.urls import reverse

from posts import revisions
from posts.models import Autosave, Post, Revision
from tests.factories import PostFactory, UserFactory
from tests.posts_authoring.test_admin import form_data

pytestmark = pytest.mark.django_db


def change_url(post) -> str:
    return reverse("admin:posts_post_change", args=[post.pk])


def autosave_url(post) -> str:
    return reverse("admin:posts_post_autosave", args=[post.pk])


def revisions_url(post) -> str:
    return reverse("admin:posts_post_revisions", args=[post.pk])


def restore_url(revision) -> str:
    return reverse("admin:posts_post_restore_revision", args=[revision.post_id, revision.pk])


def save_through_admin(client, post, **fields):
    data = form_data("_publish", **{"title": post.title, "slug": post.slug, **fields})
    response = client.post(change_url(post), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    post.refresh_from_db()
    return post


# -- revisions ----------------------------------------------------------------------------------


def test_each_save_with_new_words_keeps_a_revision_and_the_first_save_keeps_the_original_too(client, author):
    post = PostFactory(author=author, body="First thoughts on vitamin D.")
    client.force_login(author)

    save_through_admin(client, post, body="Second thoughts on vitamin D.")
    save_through_admin(client, post, body="Second thoughts on vitamin D.")  # same words: no new revision
    save_through_admin(client, post, body="Third thoughts on vitamin D.")

    bodies = list(post.revisions.values_list("body", flat=True))
    assert bodies == ["Third thoughts on vitamin D.", "Second thoughts on vitamin D.", "First thoughts on vitamin D."]
    assert post.revisions.first().author == author


def test_the_revisions_page_shows_a_word_level_diff_with_the_current_version(client, author):
    post = PostFactory(author=author, title="Vitamin D", body="Low vitamin D is linked to relapses.\n\nKeep this.")
    client.force_login(author)
    save_through_admin(client, post, body="Low vitamin D is weakly linked to relapses.\n\nKeep this.")

    response = client.get(revisions_url(post))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Body changed" in html
    assert "<ins>weakly </ins>" not in html  # the older version lacks the word; it is struck from the current one
    assert "<del>weakly </del>" in html or "<del>weakly</del>" in html
    assert "Keep this." in html
    assert "Restore this version" in html


def test_the_diff_escapes_what_the_author_wrote():
    rows = revisions.diff_lines("<script>alert(1)</script> old", "<script>alert(1)</script> new")

    assert rows[0].kind == "changed"
    assert "<script>" not in rows[0].old
    assert "&lt;script&gt;" in rows[0].old
    assert "<del>old</del>" in rows[0].old
    assert "<ins>new</ins>" in rows[0].new


def test_diff_lines_pairs_changed_lines_and_shows_added_and_removed_ones():
    rows = revisions.diff_lines("one\ntwo\nthree", "one\n2\nthree\nfour")

    assert [row.kind for row in rows] == ["same", "changed", "same", "added"]
    assert rows[3].new == "<ins>four</ins>"


def test_restoring_a_revision_is_one_post_and_keeps_the_replaced_version(client, author):
    post = PostFactory(author=author, title="Original title", body="Original body.")
    client.force_login(author)
    save_through_admin(client, post, title="Rewritten title", body="Rewritten body.")
    original = post.revisions.get(body="Original body.")

    assert client.get(restore_url(original)).status_code == 405  # never by a GET (a link, a prefetch)
    response = client.post(restore_url(original))

    assert response.status_code == 302
    assert response.url == change_url(post)
    post.refresh_from_db()
    assert (post.title, post.body) == ("Original title", "Original body.")
    assert "Original body." in post.body_html
    assert post.revisions.filter(body="Rewritten body.").exists()
    assert post.revisions.first().body == "Original body."


def test_authors_cannot_see_or_restore_the_revisions_of_another_authors_post(client, author, other_author):
    post = PostFactory(author=other_author, title="Olle's draft", body="Private words.", status=Post.Status.DRAFT)
    revision = Revision.objects.create(post=post, author=other_author, title="Olle's draft", body="Older words.")
    client.force_login(author)

    assert client.get(revisions_url(post)).status_code in (302, 404)
    assert client.post(restore_url(revision)).status_code in (302, 404)
    post.refresh_from_db()
    assert post.body == "Private words."


def test_editors_restore_any_authors_revision(client, editor, author):
    post = PostFactory(author=author, body="Edited by an editor.")
    revision = Revision.objects.create(post=post, author=author, title=post.title, body="The author's words.")
    client.force_login(editor)

    assert client.post(restore_url(revision)).status_code == 302

    post.refresh_from_db()
    assert post.body == "The author's words."


def test_a_revision_of_another_post_cannot_be_restored_through_this_one(client, author):
    mine, also_mine = PostFactory(author=author), PostFactory(author=author)
    revision = Revision.objects.create(post=also_mine, title="Other", body="Other post's words.")
    client.force_login(author)

    response = client.post(reverse("admin:posts_post_restore_revision", args=[mine.pk, revision.pk]))

    assert response.status_code == 404


def test_the_change_form_links_to_the_revisions(client, author):
    post = PostFactory(author=author)
    client.force_login(author)
    save_through_admin(client, post, body="New words.")

    html = client.get(change_url(post)).content.decode()

    assert f'href="{revisions_url(post)}"' in html
    assert "Revisions (2)" in html


# -- autosave -----------------------------------------------------------------------------------


def test_autosave_keeps_the_typed_text_beside_a_published_post_without_changing_it(client, author):
    post = PostFactory(author=author, title="Published", body="What readers see.")
    client.force_login(author)

    response = client.post(autosave_url(post), {"title": "Published", "excerpt": "", "body": "Half a new paragraph"})

    assert response.status_code == 200
    assert "saved_at" in response.json()
    post.refresh_from_db()
    assert post.body == "What readers see."
    assert Autosave.objects.get(post=post, user=author).body == "Half a new paragraph"
    # A second autosave replaces the first: one per post and person.
    client.post(autosave_url(post), {"title": "Published", "excerpt": "", "body": "A whole new paragraph"})
    assert Autosave.objects.filter(post=post).count() == 1


def test_reopening_a_post_offers_its_autosave_and_restores_it_into_the_form_only(client, author):
    post = PostFactory(author=author, title="Published", body="What readers see.")
    client.force_login(author)
    client.post(autosave_url(post), {"title": "Published", "excerpt": "", "body": "Unsaved new text"})

    offer = client.get(change_url(post))
    assert offer.context["autosave_offer"].body == "Unsaved new text"
    assert "Restore the unsaved text" in offer.content.decode()

    restored = client.get(change_url(post) + "?restore_autosave=1")
    assert restored.context["adminform"].form.initial["body"] == "Unsaved new text"
    assert "Nothing is saved until you press a save button" in restored.content.decode()
    post.refresh_from_db()
    assert post.body == "What readers see."  # still, until the author saves

    save_through_admin(client, post, body="Unsaved new text")
    assert post.body == "Unsaved new text"
    assert not Autosave.objects.filter(post=post).exists()  # saved: nothing left to offer


def test_an_autosave_matching_the_saved_post_or_older_than_it_is_not_offered(client, author):
    post = PostFactory(author=author, title="Same", body="Same words.")
    client.force_login(author)
    client.post(autosave_url(post), {"title": "Same", "excerpt": "", "body": "Same words."})

    assert client.get(change_url(post)).context["autosave_offer"] is None


def test_discarding_the_autosave_forgets_it(client, author):
    post = PostFactory(author=author)
    client.force_login(author)
    client.post(autosave_url(post), {"title": post.title, "excerpt": "", "body": "Never mind"})

    response = client.post(autosave_url(post), {"discard": "1"})

    assert response.status_code == 302
    assert not Autosave.objects.exists()


def test_a_new_post_is_autosaved_per_person_and_offered_on_the_next_add(client, author, other_author):
    add_autosave = reverse("admin:posts_post_autosave_new")
    client.force_login(author)
    client.post(add_autosave, {"title": "Fatigue", "excerpt": "", "body": "Started before the power cut"})

    response = client.get(reverse("admin:posts_post_add"))
    assert response.context["autosave_offer"].title == "Fatigue"
    restored = client.get(reverse("admin:posts_post_add") + "?restore_autosave=1")
    assert restored.context["adminform"].form.initial["body"] == "Started before the power cut"

    client.force_login(other_author)
    assert client.get(reverse("admin:posts_post_add")).context["autosave_offer"] is None

    client.force_login(author)
    client.post(reverse("admin:posts_post_add"), form_data("_save_draft", title="Fatigue"))
    assert not Autosave.objects.filter(user=author).exists()


def test_authors_cannot_autosave_into_or_read_another_authors_post(client, author, other_author):
    post = PostFactory(author=other_author, status=Post.Status.DRAFT)
    client.force_login(author)

    response = client.post(autosave_url(post), {"title": "x", "excerpt": "", "body": "Planted"})

    assert response.status_code in (302, 404)
    assert not Autosave.objects.exists()


def test_autosave_needs_a_post_not_a_get(client, author):
    post = PostFactory(author=author)
    client.force_login(author)

    assert client.get(autosave_url(post)).status_code == 405


def test_readers_cannot_autosave(client):
    post = PostFactory()
    client.force_login(UserFactory(username="reader"))

    response = client.post(autosave_url(post), {"title": "x", "excerpt": "", "body": "Planted"})

    assert response.status_code == 302
    assert "/login/" in response.url
    assert not Autosave.objects.exists()


def test_two_autosaves_at_once_end_in_one_row_with_the_later_text(author, monkeypatch):
    """The 30-second autosave and the one on leaving may race: the loser of the insert updates instead."""
    from django.db import IntegrityError

    post = PostFactory(author=author)
    real = Autosave.objects.update_or_create

    # The other request inserted its row after this one looked and found none.
    Autosave.objects.create(post=post, user=author, body="From the other request")

    def other_request_won(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(Autosave.objects, "update_or_create", other_request_won)

    revisions.save_autosave(post=post, user=author, title=post.title, excerpt="", body="From this request")

    monkeypatch.setattr(Autosave.objects, "update_or_create", real)
    assert list(Autosave.objects.values_list("body", flat=True)) == ["From this request"]
