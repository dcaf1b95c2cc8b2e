"""Categories (with their parents) and tags, matched on their WordPress ID or else their slug."""

from __future__ import annotations

from django.utils.text import slugify

from posts.models import Category, Tag

from .. import wxr
from .base import ImportState
from .values import LARGEST_STORABLE_ID, PATH_LENGTH, SLUG_LENGTH, TERM_NAME_LENGTH, plain_text, shown_id


def declared_once(terms: list[wxr.Term]) -> list[wxr.Term]:
    """Each term once: newer exports declare a tag or category twice (as <wp:tag> and again as <wp:term>)."""
    seen: set[tuple] = set()
    unique = []
    for term in terms:
        key = (term.taxonomy, term.legacy_id) if term.legacy_id else (term.taxonomy, term.slug)
        if key not in seen:
            seen.add(key)
            unique.append(term)
    return unique


class TermsMixin(ImportState):
    def _check_terms(self, terms: list[wxr.Term], what: str) -> None:
        """Fit terms to our columns before anything is matched on them, and say what was changed.

        An id too large to store is dropped: the term is then matched on its slug, as WordPress does.
        """
        for term in terms:
            term.name, term.description = plain_text(term.name), plain_text(term.description)
            if term.legacy_id is not None and abs(term.legacy_id) > LARGEST_STORABLE_ID:
                self.report.note(
                    f"{what} {term.name[:80] or term.slug[:80]!r}: its ID {shown_id(term.legacy_id)} is too large to keep; "
                    "it is matched on its slug instead."
                )
                term.legacy_id = None
            if len(term.slug) > SLUG_LENGTH:
                self.report.note(
                    f"{what} {term.name[:80]!r}: its slug is {len(term.slug)} characters long; "
                    f"cut to the {SLUG_LENGTH} allowed here."
                )
            term.slug, term.parent_slug = term.slug[:SLUG_LENGTH], term.parent_slug[:SLUG_LENGTH]
            if len(term.name) > TERM_NAME_LENGTH:
                self.report.note(
                    f"{what} {term.name[:80]!r}…: its name is {len(term.name)} characters long; "
                    f"cut to the {TERM_NAME_LENGTH} allowed here."
                )
                term.name = term.name[: TERM_NAME_LENGTH - 1].rstrip() + "…"

    def _import_categories(self, terms: list[wxr.Term]) -> None:
        self._check_terms(terms, "Category")
        by_slug = {term.slug: term for term in terms if term.slug}
        existing = {
            c.legacy_id: c for c in Category.objects.filter(legacy_id__in=[t.legacy_id for t in terms if t.legacy_id])
        }

        def ensure(slug: str, chain: tuple[str, ...] = ()) -> Category | None:
            if slug in self.categories:
                return self.categories[slug]
            term = by_slug.get(slug)
            if term is None:
                return None
            parent = None
            if term.parent_slug and term.parent_slug not in chain:
                parent = ensure(term.parent_slug, (*chain, slug))
                if parent is None:
                    self.report.note(
                        f"Category {term.name!r}: parent {term.parent_slug!r} is not in the file; kept at the top level."
                    )
            elif term.parent_slug:
                self.report.note(f"Category {term.name!r}: its parents loop back to it; kept at the top level.")
            if parent is not None and len(parent.path) + 1 + len(slug) > PATH_LENGTH:
                self.report.note(
                    f"Category {term.name!r}: its address under {parent.path[:80]!r}… would be longer than "
                    f"{PATH_LENGTH} characters; kept at the top level."
                )
                parent = None
            category = existing.get(term.legacy_id) if term.legacy_id else None
            if category is None:
                category = Category.objects.filter(parent=parent, slug=slug).first()
            values = {
                "name": (term.name or slug)[:200],
                "slug": slug[:200],
                "parent": parent,
                "description": term.description,
            }
            self._save(category, Category, values, "categories", legacy_id=term.legacy_id)
            self.categories[slug] = self._last_saved
            return self._last_saved

        for term in terms:
            if term.slug:
                ensure(term.slug)

    def _import_tags(self, terms: list[wxr.Term]) -> None:
        self._check_terms(terms, "Tag")
        existing = {
            t.legacy_id: t for t in Tag.objects.filter(legacy_id__in=[t.legacy_id for t in terms if t.legacy_id])
        }
        for term in terms:
            if not term.slug:
                continue
            tag = existing.get(term.legacy_id) if term.legacy_id else None
            if tag is None:
                tag = Tag.objects.filter(slug=term.slug[:200]).first()
            self._save(
                tag,
                Tag,
                {"name": (term.name or term.slug)[:200], "slug": term.slug[:200]},
                "tags",
                legacy_id=term.legacy_id,
            )
            self.tags[term.slug] = self._last_saved

    def _terms_for(self, item: wxr.Item) -> tuple[set[int], set[int]]:
        """Category and tag primary keys for an item, creating terms the header did not declare."""
        categories, tags = set(), set()
        for domain, nicename, name in item.terms:
            name = plain_text(name)
            slug = (nicename or slugify(name, allow_unicode=True))[:200]
            if not slug:
                continue
            if domain == "category":
                category = self.categories.get(slug)
                if category is None:
                    # Not declared in the header: created the first time, counted unchanged on a re-import.
                    category = Category.objects.filter(parent=None, slug=slug).first()
                    if category is None:
                        values = {"name": (name or slug)[:200], "slug": slug, "parent": None, "description": ""}
                        category = self._save(None, Category, values, "categories")
                    else:
                        self.report.count("categories", "unchanged")
                    self.categories[slug] = category
                categories.add(category.pk)
            elif domain in ("post_tag", "tag"):
                tag = self.tags.get(slug)
                if tag is None:
                    tag = Tag.objects.filter(slug=slug).first()
                    if tag is None:
                        tag = self._save(None, Tag, {"name": (name or slug)[:200], "slug": slug}, "tags")
                    else:
                        self.report.count("tags", "unchanged")
                    self.tags[slug] = tag
                tags.add(tag.pk)
        return categories, tags
