"""Searching the blog with /?s=terms. PostgreSQL ranks with full-text search; SQLite uses a simpler
fallback. Each test runs on whichever database the suite uses and checks that database's behaviour."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

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


def test_search_ranks_a_title_match_above_an_excerpt_match_above_a_body_match(client):
    """The oldest post has the word in its title and the newest only in its body, so date order would
    give the opposite: the order shown can only come from the ranking."""
    now = timezone.now()
    PostFactory(
        title="Gadolinium after MRI",
        body="Contrast agents leave traces in the brain.",
        published_at=now - datetime.timedelta(days=30),
    )
    PostFactory(
        title="Brain scans",
        excerpt="Is gadolinium safe?",
        body="Contrast agents used in MRI leave traces.",
        published_at=now - datetime.timedelta(days=20),
    )
    PostFactory(
        title="Contrast agents",
        body="Some scans use gadolinium as a contrast agent for lesions.",
        published_at=now - datetime.timedelta(days=10),
    )

    response = client.get("/", {"s": "gadolinium"})

    assert result_titles(response) == ["Gadolinium after MRI", "Brain scans", "Contrast agents"]
    snippets = {post.title: str(post.search_snippet) for post in response.context["posts"]}
    assert "Is <mark>gadolinium</mark> safe?" in snippets["Brain scans"]
    assert "Some scans use <mark>gadolinium</mark> as a contrast agent" in snippets["Contrast agents"]
    if ON_POSTGRESQL:
        ranks = [post.search_rank for post in response.context["posts"]]
        assert ranks[0] > ranks[1] > ranks[2] > 0
        # PostgreSQL highlights word forms too: "agents" in the query finds and marks "agent".
        stemmed = client.get("/", {"s": "agents lesions"})
        assert result_titles(stemmed) == ["Contrast agents"]
        assert "<mark>agent</mark> for <mark>lesions</mark>" in str(stemmed.context["posts"][0].search_snippet)
    else:
        assert [post.search_rank for post in response.context["posts"]] == [2, 1, 0]


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


HOSTILE_QUERIES = [
    "<script>",
    "'; DROP TABLE posts_post; --",
    "' OR 1=1 --",
    "%",
    "_",
    "\x00\x01",
    "vitamin\x00D",
    "a" * 5000,
    "vitamin " * 1000,
    '"',
    "'",
    '"unclosed quote',
    "\\",
    "-",
    "!!! &&& |||",
    "vitamin & relapses",
    "vitamin | exercise",
    "!vitamin",
    "vita:*",
    "vitamin:* & !rituximab",
    "(vitamin | exercise) & !d",
    "vitamin <-> d",
    "vitamin <2> d",
    ":*",
    "&",
    "|",
    "!",
    "()",
    "the and of",
    "😀 ünïcödé ∑",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_odd_searches_never_break_the_page(client, blog, query):
    """Quotes, SQL, tsquery operators, stop words and huge input: a results page or a friendly empty one."""
    response = client.get("/", {"s": query})

    assert response.status_code == 200
    main = response.content.decode().split("<main")[1]
    assert "<script>" not in main
    assert "post found" in main or "posts found" in main or "Nothing matched" in main or "Type a word" in main


def test_tsquery_operators_are_read_as_words_not_syntax(client, blog):
    """Typed operators never turn into a PostgreSQL tsquery; on SQLite they are simply ignored."""
    assert result_titles(client.get("/", {"s": "vitamin & relapses"})) == ["Vitamin D and relapses"]
    assert result_titles(client.get("/", {"s": "fatigue:*"})) == ["Exercise and fatigue"]


def test_search_results_are_paginated_and_keep_the_query(client):
    for number in range(12):
        PostFactory(title=f"Fatigue study {number}", body="About fatigue.")

    first = client.get("/", {"s": "fatigue"})
    second = client.get("/page/2/", {"s": "fatigue"})

    assert len(result_titles(first)) == 10
    assert 'href="/page/2/?s=fatigue"' in first.content.decode()
    assert len(result_titles(second)) == 2
    assert client.get("/page/3/", {"s": "fatigue"}).status_code == 404
    assert client.get("/page/0/", {"s": "fatigue"}).status_code == 404
    assert client.get("/page/1/", {"s": "fatigue & rest"}).url == "/?s=fatigue+%26+rest"
