"""Searching the blog with /?s=terms. PostgreSQL ranks with full-text search; SQLite uses a simpler
fallback. Each test runs on whichever database the suite uses and checks that database's behaviour."""

import pytest
from django.db import connection

from posts.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"


def result_titles(response) -> list[str]:
    return [post.title for post in response.context["posts"]]


@pytest.fixture
def blog():
    """Three public posts about MS treatment and one draft."""
    PostFactory(
        title="Vitamin D and relapses",
        body="Low vitamin D levels are linked with more relapses in relapsing-remitting MS.",
        excerpt="Sunshine, supplements and relapse rates.",
    )
    PostFactory(
        title="Rituximab for secondary progressive MS",
        body="Anti-CD20 therapy may slow disability in progressive disease; vitamin D was not studied.",
    )
    PostFactory(title="Exercise and fatigue", body="Aerobic training helps fatigue more than rest does.")
    PostFactory(title="Draft about vitamin D", body="Unpublished vitamin D notes.", status=Post.Status.DRAFT)


def test_search_finds_public_posts_with_the_title_match_first(client, blog):
    response = client.get("/", {"s": "vitamin D"})

    assert response.status_code == 200
    assert result_titles(response) == ["Vitamin D and relapses", "Rituximab for secondary progressive MS"]
    html = response.content.decode()
    assert "2 posts found" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "Draft about vitamin D" not in html


def test_search_requires_every_word(client, blog):
    response = client.get("/", {"s": "rituximab fatigue"})

    assert result_titles(response) == []


def test_search_snippet_highlights_the_matches(client, blog):
    response = client.get("/", {"s": "fatigue"})

    snippet = str(response.context["posts"][0].search_snippet)
    assert "<mark>fatigue</mark>" in snippet
    assert "Aerobic training" in snippet
    assert "<mark>fatigue</mark>" in response.content.decode()


def test_search_keeps_the_typed_words_and_searches_again_from_the_results(client, blog):
    html = client.get("/", {"s": "exercise"}).content.decode()

    assert 'name="s" value="exercise"' in html


def test_search_matches_word_forms_on_postgresql_and_word_parts_on_sqlite(client, blog):
    """PostgreSQL stems words ("relapse" finds "relapses") and ranks a title hit (weight A) above a body
    hit (weight C); the SQLite fallback matches any part of a word, case-insensitively."""
    PostFactory(title="A note", body="One relapse in ten years.")

    if ON_POSTGRESQL:
        response = client.get("/", {"s": "relapse"})
        assert result_titles(response) == ["Vitamin D and relapses", "A note"]
        assert "<mark>relapses</mark>" in str(response.context["posts"][0].search_snippet)
        assert result_titles(client.get("/", {"s": "training"})) == ["Exercise and fatigue"]
    else:
        response = client.get("/", {"s": "AEROBIC train"})
        assert result_titles(response) == ["Exercise and fatigue"]
        assert "<mark>Aerobic</mark> <mark>train</mark>ing" in str(response.context["posts"][0].search_snippet)
        assert result_titles(client.get("/", {"s": "relapse"})) == ["Vitamin D and relapses", "A note"]


def test_search_understands_web_search_syntax_on_postgresql_and_plain_words_on_sqlite(client, blog):
    if ON_POSTGRESQL:
        assert result_titles(client.get("/", {"s": '"vitamin D" -rituximab'})) == ["Vitamin D and relapses"]
        assert set(result_titles(client.get("/", {"s": "rituximab or exercise"}))) == {
            "Rituximab for secondary progressive MS",
            "Exercise and fatigue",
        }
    else:
        # Quotes and minus signs are ignored: every remaining word must appear.
        assert result_titles(client.get("/", {"s": '"vitamin D" -rituximab'})) == [
            "Rituximab for secondary progressive MS"
        ]
        assert result_titles(client.get("/", {"s": "rituximab or exercise"})) == []


def test_search_snippet_escapes_the_post_text(client):
    PostFactory(title="Markup", body="Use `<script>alert(1)</script>` with care: it is dangerous markup.")

    response = client.get("/", {"s": "dangerous"})

    html = response.content.decode()
    assert result_titles(response) == ["Markup"]
    assert "<script>alert(1)</script>" not in html
    assert "<mark>dangerous</mark>" in html


def test_search_with_no_results_is_friendly(client, blog):
    response = client.get("/", {"s": "xylophone"})

    assert response.status_code == 200
    assert "Nothing matched “xylophone”. Try other words." in response.content.decode()


def test_empty_search_invites_the_reader_to_type(client, blog):
    for query in ["", "   "]:
        response = client.get("/", {"s": query})
        assert response.status_code == 200
        assert "Type a word or two" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["<script>", "'; DROP TABLE posts_post; --", "%", "_", "\x00\x01", "a" * 5000, '"', "-", "!!! &&& |||"]
)
def test_odd_searches_never_break_the_page(client, blog, query):
    response = client.get("/", {"s": query})

    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main")[1]


def test_search_results_are_paginated_and_keep_the_query(client):
    for number in range(12):
        PostFactory(title=f"Fatigue study {number}", body="About fatigue.")

    first = client.get("/", {"s": "fatigue"})
    second = client.get("/page/2/", {"s": "fatigue"})

    assert len(result_titles(first)) == 10
    assert 'href="/page/2/?s=fatigue"' in first.content.decode()
    assert len(result_titles(second)) == 2
    assert client.get("/page/3/", {"s": "fatigue"}).status_code == 404
