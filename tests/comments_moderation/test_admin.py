"""Editors moderate from the admin: tabs with counts, search, bulk actions, replies, the pending badge."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment, DiscussionSettings
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")
A = Comment.Status


def _run_action(client, action: str, comments, *, tab="", follow=True):
    """Select comments and run an action, from a status tab as the editor would (the tab filters the list)."""
    return client.post(
        f"{CHANGELIST}?comment_status={tab}" if tab else CHANGELIST,
        {"action": action, "_selected_action": [comment.pk for comment in comments]},
        follow=follow,
    )


def _status(comment) -> str:
    comment.refresh_from_db()
    return comment.status


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_list_shows_status_tabs_with_counts(editor_client, post):
    CommentFactory.create_batch(3, post=post, status=A.APPROVED)
    CommentFactory.create_batch(2, post=post, status=A.PENDING)
    CommentFactory(post=post, status=A.SPAM)
    CommentFactory.create_batch(4, post=post, status=A.TRASH)

    text = _text(editor_client.get(CHANGELIST))

    assert "All (5) | Pending (2) | Approved (3) | Spam (1) | Trash (4)" in text


def test_all_tab_hides_spam_and_trash_which_have_their_own_tabs(editor_client, post):
    CommentFactory(post=post, status=A.APPROVED, body="A kind word")
    CommentFactory(post=post, status=A.SPAM, body="Cheap pills here")

    everything = editor_client.get(CHANGELIST).content.decode()
    spam = editor_client.get(CHANGELIST, {"comment_status": "spam"}).content.decode()

    assert "A kind word" in everything
    assert "Cheap pills" not in everything
    assert "Cheap pills" in spam
    assert "A kind word" not in spam


def test_list_shows_post_linked_parent_and_excerpt(editor_client, post):
    parent = CommentFactory(post=post, author_name="Grace", body="First thought")
    CommentFactory(post=post, parent=parent, author_name="Henry", body="word " * 80)

    html = editor_client.get(CHANGELIST).content.decode()

    assert f'<a href="{post.get_absolute_url()}">Rituximab and relapses</a>' in html
    assert "in reply to" in html
    assert reverse("admin:comments_comment_change", args=[parent.pk]) in html
    assert "word " * 30 + "…" in html  # excerpt, not the whole body
    assert "word " * 31 not in html


@pytest.mark.parametrize(
    ("field", "query"),
    [("author_name", "Zelda"), ("author_email", "zelda@clinic.test"), ("body", "ocrelizumab"), ("ip", "203.0.113.9")],
)
def test_search_finds_comments_by_author_email_body_and_ip(editor_client, post, field, query):
    CommentFactory(
        post=post,
        author_name="Zelda",
        author_email="zelda@clinic.test",
        body="What about ocrelizumab?",
        ip_address="203.0.113.9",
    )
    CommentFactory(post=post, author_name="Other", body="Unrelated", ip_address="198.51.100.1")

    html = editor_client.get(CHANGELIST, {"q": query}).content.decode()

    assert "What about ocrelizumab?" in html
    assert "Unrelated" not in html


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("bulk_approve", A.PENDING, A.APPROVED),
        ("bulk_unapprove", A.APPROVED, A.PENDING),
        ("bulk_spam", A.PENDING, A.SPAM),
        ("bulk_trash", A.APPROVED, A.TRASH),
        ("bulk_restore", A.TRASH, A.PENDING),
    ],
)
def test_bulk_actions_change_every_selected_comment(editor_client, post, action, before, after):
    chosen = CommentFactory.create_batch(2, post=post, status=before)
    untouched = CommentFactory(post=post, status=before)

    response = _run_action(editor_client, action, chosen, tab=before)

    assert [_status(comment) for comment in chosen] == [after, after]
    assert _status(untouched) == before
    assert "2 comments" in response.content.decode()


def test_not_spam_approves_known_authors_and_holds_strangers(editor_client, post):
    CommentFactory(post=post, author_email="regular@example.org", status=A.APPROVED)
    regular = CommentFactory(post=post, author_email="regular@example.org", status=A.SPAM)
    stranger = CommentFactory(post=post, author_email="new@example.org", status=A.SPAM)

    _run_action(editor_client, "bulk_not_spam", [regular, stranger], tab="spam")

    assert _status(regular) == A.APPROVED
    assert _status(stranger) == A.PENDING


def test_bulk_action_on_comments_already_in_that_state_says_nothing_changed(editor_client, post):
    comment = CommentFactory(post=post, status=A.APPROVED)

    response = _run_action(editor_client, "bulk_approve", [comment])

    assert "Nothing changed." in response.content.decode()


def test_delete_permanently_removes_leaves_and_keeps_parents_of_replies_in_place(editor_client, post):
    parent = CommentFactory(post=post, body="Parent words", author_email="parent@example.org", ip_address="192.0.2.1")
    reply = CommentFactory(post=post, parent=parent, body="Reply words")
    lonely = CommentFactory(post=post, body="Lonely words")

    response = _run_action(editor_client, "delete_permanently", [parent, lonely])

    assert not Comment.objects.filter(pk=lonely.pk).exists()
    parent.refresh_from_db()
    assert parent.is_removed
    assert (parent.body, parent.author_email, parent.ip_address) == ("", "", None)
    assert Comment.objects.get(pk=reply.pk).body == "Reply words"
    assert "1 comment deleted permanently. 1 with replies was emptied" in response.content.decode()


def test_deleting_a_whole_branch_deletes_it_all(editor_client, post):
    parent = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=parent)

    _run_action(editor_client, "delete_permanently", [parent, reply])

    assert not Comment.objects.filter(pk__in=[parent.pk, reply.pk]).exists()


def test_delete_from_the_change_page_keeps_the_replies(editor_client, post):
    parent = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=parent)
    url = reverse("admin:comments_comment_delete", args=[parent.pk])

    confirm = editor_client.get(url)
    editor_client.post(url, {"post": "yes"})

    assert str(reply) not in confirm.content.decode()
    assert Comment.objects.get(pk=parent.pk).is_removed
    assert Comment.objects.filter(pk=reply.pk).exists()


def test_default_delete_selected_action_is_not_offered(editor_client, post):
    CommentFactory(post=post)

    html = editor_client.get(CHANGELIST).content.decode()

    assert 'value="delete_selected"' not in html
    assert 'value="delete_permanently"' in html


def test_editor_replies_from_the_admin_as_themselves(editor_client, editor, post):
    question = CommentFactory(post=post, author_name="Grace", body="Is it safe?")
    change_url = reverse("admin:comments_comment_change", args=[question.pk])

    page = editor_client.get(change_url).content.decode()
    response = editor_client.post(
        reverse("admin:comments_comment_reply", args=[question.pk]), {"body": "Yes, with monitoring."}, follow=True
    )

    assert "Reply to Grace" in page
    reply = Comment.objects.get(parent=question)
    assert reply.user == editor
    assert reply.author_name == "Eddie Editor"
    assert reply.author_email == "eddie@example.org"
    assert reply.status == A.APPROVED
    assert reply.body_html == "<p>Yes, with monitoring.</p>"
    assert reply.depth == 2
    assert "Your reply is published" in response.content.decode()


def test_replying_to_a_held_comment_approves_it(editor_client, post):
    question = CommentFactory(post=post, status=A.PENDING)

    editor_client.post(reverse("admin:comments_comment_reply", args=[question.pk]), {"body": "Welcome!"})

    assert _status(question) == A.APPROVED


def test_reply_at_the_maximum_depth_joins_the_deepest_level(editor_client, post, discussion):
    discussion.thread_depth = 2
    discussion.save()
    top = CommentFactory(post=post)
    deepest = CommentFactory(post=post, parent=top)

    editor_client.post(reverse("admin:comments_comment_reply", args=[deepest.pk]), {"body": "Agreed."})

    reply = Comment.objects.get(body="Agreed.")
    assert reply.parent == top
    assert reply.depth == 2


def test_empty_reply_is_refused_with_a_message(editor_client, post):
    question = CommentFactory(post=post)

    response = editor_client.post(
        reverse("admin:comments_comment_reply", args=[question.pk]), {"body": "   "}, follow=True
    )

    assert "Write a reply before sending it." in response.content.decode()
    assert not Comment.objects.filter(parent=question).exists()


def test_pending_count_badge_shows_on_the_admin_index_and_sidebar(editor_client, post):
    CommentFactory.create_batch(3, post=post, status=A.PENDING)
    CommentFactory(post=post, status=A.APPROVED)

    index = editor_client.get(reverse("admin:index")).content.decode()
    changelist = editor_client.get(CHANGELIST).content.decode()  # the sidebar is on every admin page

    badge = re.compile(r'Comments <span class="pending-count" title="3 comments waiting for moderation"[^>]*>3</span>')
    assert badge.search(index)
    assert badge.search(changelist)


def test_no_badge_when_nothing_waits(editor_client, post):
    CommentFactory(post=post, status=A.APPROVED)

    assert "pending-count" not in editor_client.get(reverse("admin:index")).content.decode()


def test_author_cannot_see_or_moderate_the_discussion_under_another_authors_post(client, author):
    from tests.factories import UserFactory

    others = PostFactory(title="Olle's post", author=UserFactory(username="olle", is_staff=True))
    comment = CommentFactory(post=others, status=A.PENDING, body="Under someone else's post")
    client.force_login(author)

    listing = client.get(CHANGELIST)
    action = _run_action(client, "bulk_approve", [comment], follow=False)
    reply = client.post(reverse("admin:comments_comment_reply", args=[comment.pk]), {"body": "Hi"})
    row = client.post(reverse("admin:comments_comment_row_action", args=[comment.pk]), {"do": "approve"})

    assert listing.status_code == 200
    assert "Under someone else" not in listing.content.decode()
    assert action.status_code == 302
    assert reply.status_code == 404
    assert row.status_code == 404
    assert _status(comment) == A.PENDING
    assert not Comment.objects.filter(parent=comment).exists()
    assert "pending-count" not in client.get(reverse("admin:index")).content.decode()


def test_viewer_without_moderation_permission_sees_no_bulk_actions(client):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    # Without moderation rights, one sees the discussion under one's own posts only.
    CommentFactory(post=PostFactory(author=viewer), status=A.PENDING)
    CommentFactory(status=A.PENDING)
    client.force_login(viewer)

    html = client.get(CHANGELIST).content.decode()

    assert 'value="bulk_approve"' not in html
    assert "All (1)" in html


def test_editor_changing_status_on_the_change_page_counts_as_approval(
    editor_client, post, mailoutbox, django_capture_on_commit_callbacks
):
    comment = CommentFactory(post=post, status=A.PENDING, author_name="Grace", body="Held")
    data = {
        "status": "approved",
        "body": "Held",
        "author_name": "Grace",
        "author_email": comment.author_email,
        "author_url": "",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("admin:comments_comment_change", args=[comment.pk]), data)

    assert response.status_code == 302
    assert _status(comment) == A.APPROVED
    assert [message.to for message in mailoutbox] == [[post.author.email]]


def test_discussion_settings_is_a_single_row_edited_in_place(client, superuser):
    client.force_login(superuser)

    listing = client.get(reverse("admin:comments_discussionsettings_changelist"))
    add = client.get(reverse("admin:comments_discussionsettings_add"))
    row = DiscussionSettings.load()
    change_url = reverse("admin:comments_discussionsettings_change", args=[row.pk])
    page = client.get(change_url).content.decode()
    data = {
        "thread_depth": 3,
        "comment_order": "asc",
        "comments_per_page": 0,
        "close_after_days": 0,
        "edit_window_minutes": 15,
        "require_previous_approval": "on",
        "max_links": 2,
        "moderation_keys": "",
        "disallowed_keys": "casino",
        "notify_moderators": "on",
        "notify_post_author": "on",
    }
    saved = client.post(change_url, data)

    assert listing.status_code == 302
    assert listing.url == change_url
    assert add.status_code == 403
    assert "Delete" not in re.sub(r"<script.*?</script>", "", page, flags=re.S).split("submit-row", 1)[-1]
    assert saved.status_code == 302
    assert DiscussionSettings.objects.count() == 1
    row.refresh_from_db()
    assert (row.thread_depth, row.disallowed_keys) == (3, "casino")


def test_editor_without_settings_permission_cannot_reach_discussion_settings(editor_client):
    assert editor_client.get(reverse("admin:comments_discussionsettings_changelist")).status_code == 403


def test_changelist_query_count_does_not_grow_with_comments(editor_client, django_assert_max_num_queries):
    post = PostFactory()
    CommentFactory.create_batch(5, post=post)
    with django_assert_max_num_queries(20) as few:
        editor_client.get(CHANGELIST)
    CommentFactory.create_batch(40, post=post, parent=Comment.objects.first())
    with django_assert_max_num_queries(len(few.captured_queries)):
        editor_client.get(CHANGELIST)


# The post list's "Comments" column (added by the comments app; posts knows nothing of comments) ------

POST_CHANGELIST = reverse("admin:posts_post_changelist")


def _comment_count_cell(html: str, post) -> str:
    """The text of the "Comments" cell in the row of `post`."""
    link = f"{reverse('admin:comments_comment_changelist')}?post__id__exact={post.pk}"
    found = re.search(rf'<a href="{re.escape(link)}" class="comment-count"[^>]*>(\d+)</a>', html)
    assert found, f"no Comments cell for {post}"
    return found.group(1)


def test_post_list_shows_each_posts_approved_comment_count(client, superuser):
    busy = PostFactory(title="Busy post")
    quiet = PostFactory(title="Quiet post")
    CommentFactory.create_batch(3, post=busy, status=A.APPROVED)
    CommentFactory(post=busy, status=A.PENDING)
    CommentFactory(post=busy, status=A.SPAM)
    CommentFactory(post=busy, status=A.APPROVED, is_removed=True)  # "This comment was deleted." does not count
    client.force_login(superuser)

    html = client.get(POST_CHANGELIST).content.decode()

    assert re.search(r'<th scope="col" class="sortable column-comment_count">.*?Comments</a>', html, re.S)
    assert _comment_count_cell(html, busy) == "3"
    assert _comment_count_cell(html, quiet) == "0"


def test_comment_count_links_to_that_posts_comments(client, superuser):
    busy = PostFactory(title="Busy post")
    other = PostFactory(title="Other post")
    CommentFactory(post=busy, body="About the busy post")
    CommentFactory(post=other, body="About the other post")
    client.force_login(superuser)

    response = client.get(CHANGELIST, {"post__id__exact": busy.pk})

    assert response.status_code == 200
    assert "About the busy post" in response.content.decode()
    assert "About the other post" not in response.content.decode()


def test_comment_count_is_not_multiplied_by_the_category_filter(client, superuser):
    from tests.factories import CategoryFactory, TagFactory

    post = PostFactory(title="Filed twice")
    health, research = CategoryFactory(), CategoryFactory()
    post.categories.add(health, research)
    post.tags.add(TagFactory(), TagFactory())
    CommentFactory.create_batch(2, post=post, status=A.APPROVED)
    client.force_login(superuser)

    html = client.get(POST_CHANGELIST, {"categories__id__exact": health.pk}).content.decode()

    assert _comment_count_cell(html, post) == "2"


def test_post_list_counts_comments_in_a_constant_number_of_queries(
    client, superuser, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(superuser)
    first = PostFactory()
    CommentFactory.create_batch(2, post=first)
    with django_assert_max_num_queries(20) as few:
        client.get(POST_CHANGELIST)
    for _ in range(15):
        CommentFactory.create_batch(3, post=PostFactory())

    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(POST_CHANGELIST).content.decode()

    assert html.count('class="comment-count"') == 16


def test_post_list_can_be_sorted_by_comment_count(client, superuser):
    popular = PostFactory(title="Popular post")
    PostFactory(title="Lonely post")
    CommentFactory.create_batch(4, post=popular)
    client.force_login(superuser)
    columns = client.get(POST_CHANGELIST).context["cl"].list_display
    order = str(list(columns).index("comment_count"))

    html = client.get(POST_CHANGELIST, {"o": f"-{order}"}).content.decode()

    assert html.index("Popular post") < html.index("Lonely post")


@pytest.mark.parametrize("object_id", ["abc", "0", "-1", "99999999999999999999999"])
def test_replying_to_a_comment_that_does_not_exist_is_a_404_not_a_500(editor_client, object_id):
    response = editor_client.post(f"{CHANGELIST}{object_id}/reply/", {"body": "Hello?"})

    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_the_comment_list_offers_each_wordpress_bulk_action_by_name(editor_client, post):
    CommentFactory(post=post)

    html = editor_client.get(CHANGELIST).content.decode()

    options = re.findall(r'<option value="([a-z_]+)">([^<]+)</option>', html)
    assert options == [
        ("bulk_approve", "Approve"),
        ("bulk_unapprove", "Unapprove"),
        ("bulk_spam", "Mark as spam"),
        ("bulk_not_spam", "Not spam"),
        ("bulk_trash", "Move to Trash"),
        ("bulk_restore", "Restore"),
        ("delete_permanently", "Delete permanently"),
    ]


def test_the_pending_count_follows_moderation_in_the_navigation(editor_client, post):
    held = CommentFactory.create_batch(2, post=post, status=A.PENDING)
    badge = re.compile(r'<span class="pending-count"[^>]*>(\d+)</span>')

    assert badge.search(editor_client.get(reverse("admin:index")).content.decode()).group(1) == "2"
    editor_client.post(CHANGELIST, {"action": "bulk_spam", "_selected_action": [held[0].pk]})
    assert badge.search(editor_client.get(reverse("admin:index")).content.decode()).group(1) == "1"


def test_a_comment_in_the_trash_is_restored_then_approved_and_shown_again(editor_client, post, client):
    comment = CommentFactory(post=post, body="Trashed by mistake.")
    editor_client.post(CHANGELIST, {"action": "bulk_trash", "_selected_action": [comment.pk]})
    assert "Trashed by mistake." not in Client().get(post.get_absolute_url()).content.decode()

    editor_client.post(
        f"{CHANGELIST}?comment_status=trash", {"action": "bulk_restore", "_selected_action": [comment.pk]}
    )
    editor_client.post(
        f"{CHANGELIST}?comment_status=pending", {"action": "bulk_approve", "_selected_action": [comment.pk]}
    )

    comment.refresh_from_db()
    assert comment.status == A.APPROVED
    assert "Trashed by mistake." in Client().get(post.get_absolute_url()).content.decode()
