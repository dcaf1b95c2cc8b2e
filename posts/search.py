"""Site search (/?s=terms): PostgreSQL full-text search with ranking and highlighted snippets, and a
plain SQLite fallback, both over `Post.objects.published()` only."""

import html
import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import Case, F, Func, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from .models import Post

SEARCH_CONFIG = "english"
SNIPPET_WORDS = 32
# ts_headline wraps matches in these; they cannot occur in stored text, so after escaping the snippet
# they are the only places that become <mark> tags.
START_MARK, STOP_MARK = "\x02", "\x03"
MAX_QUERY_LENGTH = 200


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def normalise_terms(raw: str) -> str:
    """The query as typed, without control characters or runaway length."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in raw)
    return " ".join(cleaned.split())[:MAX_QUERY_LENGTH]


def search_posts(*, terms: str) -> QuerySet[Post]:
    """Public posts matching `terms`, best match first."""
    posts = Post.objects.published().with_meta()
    if uses_full_text_search():
        return _full_text_search(posts, terms)
    return _fallback_search(posts, terms)


def add_snippets(posts: Iterable[Post], *, terms: str) -> None:
    """Give each post of a result page a `search_snippet`: escaped text with the matches in <mark>."""
    words = _words(terms)
    for post in posts:
        headline = getattr(post, "search_headline", None)
        if headline:
            post.search_snippet = _marked_headline(headline)
        else:
            post.search_snippet = _fallback_snippet(_plain_text(post), words)


def _full_text_search(posts: QuerySet[Post], terms: str) -> QuerySet[Post]:
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector

    query = SearchQuery(terms, search_type="websearch", config=SEARCH_CONFIG)
    vector = (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("excerpt", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )
    # The headline is cut from the written excerpt (if any) and the rendered body, tags removed, so it
    # reads as plain text and shows the match wherever it was found.
    written_excerpt = Case(When(excerpt="", then=Value("")), default=F("excerpt_html"), output_field=TextField())
    document = Concat(written_excerpt, Value(" "), F("body_html"), output_field=TextField())
    headline_text = Func(document, Value("<[^>]*>"), Value(" "), Value("g"), function="regexp_replace")
    return (
        posts.annotate(search_document=vector, search_rank=SearchRank(vector, query))
        .filter(search_document=query)
        .annotate(
            search_headline=SearchHeadline(
                headline_text,
                query,
                config=SEARCH_CONFIG,
                start_sel=START_MARK,
                stop_sel=STOP_MARK,
                max_words=SNIPPET_WORDS,
                min_words=SNIPPET_WORDS // 2,
            )
        )
        .order_by("-search_rank", "-published_at", "-pk")
    )


def _fallback_search(posts: QuerySet[Post], terms: str) -> QuerySet[Post]:
    """Every word must appear in the title, excerpt or body; ranked like the full-text search, coarsely:
    all words in the title, then all in the excerpt, then the rest, newest first within each."""
    words = _words(terms)
    if not words:
        return posts.none()
    in_title, in_excerpt = Q(), Q()
    for word in words:
        posts = posts.filter(Q(title__icontains=word) | Q(excerpt__icontains=word) | Q(body__icontains=word))
        in_title &= Q(title__icontains=word)
        in_excerpt &= Q(excerpt__icontains=word)
    rank = Case(When(in_title, then=Value(2)), When(in_excerpt, then=Value(1)), default=Value(0))
    return posts.annotate(search_rank=rank).order_by("-search_rank", "-published_at", "-pk")


def _words(terms: str) -> list[str]:
    """The distinct words of a query, ignoring the quotes and minus signs of web-search syntax."""
    words = []
    for word in re.findall(r"[\w'’-]+", terms):
        word = word.strip("'’-")
        if word and word.lower() not in (w.lower() for w in words):
            words.append(word)
    return words


def _plain_text(post: Post) -> str:
    """The written excerpt (if any) and the body as text: where the snippet looks for the words."""
    written_excerpt = post.excerpt_html if post.excerpt.strip() else ""
    return " ".join(html.unescape(strip_tags(f"{written_excerpt} {post.body_html or post.body}")).split())


def _marked_headline(headline: str) -> SafeString:
    text = " ".join(html.unescape(headline).split())
    marked = escape(text).replace(START_MARK, "<mark>").replace(STOP_MARK, "</mark>")
    return mark_safe(marked)  # noqa: S308 - escaped above; only our own <mark> tags are added.


def _fallback_snippet(text: str, words: list[str]) -> SafeString:
    """About SNIPPET_WORDS words around the first match, each match wrapped in <mark>."""
    if not text:
        return mark_safe("")
    tokens = text.split(" ")
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    first = next((i for i, token in enumerate(tokens) if words and pattern.search(token)), 0)
    start = max(0, first - SNIPPET_WORDS // 4)
    window = tokens[start : start + SNIPPET_WORDS]
    snippet = " ".join(window)
    pieces = []
    position = 0
    if words:
        for match in pattern.finditer(snippet):
            pieces.append(escape(snippet[position : match.start()]))
            pieces.append(f"<mark>{escape(match.group())}</mark>")
            position = match.end()
    pieces.append(escape(snippet[position:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + SNIPPET_WORDS < len(tokens) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece of text is escaped.
