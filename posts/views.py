"""Reader pages at WordPress's URLs. Every public list goes through `Post.objects.published()`."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.contrib.sites.requests import RequestSite
from django.core.paginator import InvalidPage, Paginator
from django.core.paginator import Page as PageOfResults
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, dates

from .models import LARGEST_ID, Category, Page, Post, Tag
from .pagecache import public_page
from .search import add_snippets, normalise_terms, search_posts, uses_full_text_search
from .sitemaps import SITEMAPS

POSTS_PER_PAGE = 10


# Pagination: /page/N/ appended to the list's own address, as WordPress does.


def base_path(path: str) -> str:
    """The list's first-page address: /category/news/page/3/ → /category/news/."""
    return re.sub(r"page/\d+/$", "", path)


def page_links(request, page_obj) -> dict:
    """Addresses of the newer (previous) and older (next) pages, keeping a search query."""
    base = base_path(request.path)
    query = f"?{urlencode({'s': request.GET['s']})}" if "s" in request.GET else ""

    def url(number: int) -> str:
        return (base if number == 1 else f"{base}page/{number}/") + query

    return {
        "newer_page_url": url(page_obj.previous_page_number()) if page_obj.has_previous() else None,
        "older_page_url": url(page_obj.next_page_number()) if page_obj.has_next() else None,
    }


def paginate(queryset, page_number: int | None) -> PageOfResults:
    """One page of `queryset`; a page past the end is a 404, as for any address that shows nothing."""
    try:
        return Paginator(queryset, POSTS_PER_PAGE).page(1 if page_number is None else page_number)
    except InvalidPage as error:
        raise Http404(str(error)) from error


class PaginatedPostsMixin:
    """/page/1/ redirects to the list itself so each list has one address; later pages get links.
    /page/0/ is a 404 (ListView would quietly show page 1 there)."""

    paginate_by = POSTS_PER_PAGE
    page_kwarg = "page"
    context_object_name = "posts"

    def get(self, request, *args, **kwargs):
        if kwargs.get("page") == 1:
            return HttpResponsePermanentRedirect(base_path(request.path))
        if kwargs.get("page") == 0:
            raise Http404("Pages are numbered from 1.")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context.get("page_obj"):
            context.update(page_links(self.request, context["page_obj"]))
        return context


# The front page also answers WordPress's query-string links: /?p=ID, /?page_id=ID and /?s=terms.


@public_page
@require_safe
def home(request, page: int | None = None):
    """The front page: newest first, sticky posts on top; or a legacy link, or search results."""
    if request.GET.get("p"):
        return HttpResponsePermanentRedirect(legacy_post(request.GET["p"]).get_absolute_url())
    if request.GET.get("page_id"):
        return HttpResponsePermanentRedirect(legacy_page(request.GET["page_id"]).get_absolute_url())
    if page == 1:
        # One address per page: /page/1/ (of the front page or of a search) is the list itself.
        query = f"?{urlencode({'s': request.GET['s']})}" if "s" in request.GET else ""
        return HttpResponsePermanentRedirect(reverse("posts:home") + query)
    if "s" in request.GET:
        return search(request, page)
    posts = Post.objects.published().with_meta().order_by("-is_sticky", "-published_at", "-pk")
    page_obj = paginate(posts, page)
    context = {"posts": page_obj, "page_obj": page_obj, **page_links(request, page_obj)}
    return render(request, "posts/home.html", context)


def search(request, page: int | None):
    """Search results for /?s=terms, best match first, with highlighted snippets."""
    terms = normalise_terms(request.GET.get("s", ""))
    context = {"terms": terms, "full_text": uses_full_text_search(), "page_obj": None}
    if terms:
        page_obj = paginate(search_posts(terms=terms), page)
        page_obj.object_list = list(page_obj.object_list)
        add_snippets(page_obj.object_list, terms=terms)
        context.update(posts=page_obj, page_obj=page_obj, **page_links(request, page_obj))
    return render(request, "posts/search.html", context)


def parse_id(raw: str) -> int:
    """An ID from a query string; anything that cannot be a database ID is a 404, never a 500."""
    # ASCII only: str.isdigit() also accepts "²" and "①", which int() refuses.
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= LARGEST_ID:
        raise Http404("Not an ID.")
    return int(raw)


def legacy_post(raw_id: str) -> Post | Page:
    """/?p=ID: the WordPress ID of an imported post or page (WordPress sends /?p=<page id> to the page), else
    one of our own posts; public ones only.

    An imported row's own primary key is never looked up: /?p=2 of an old site is WordPress's item 2 or
    nothing. Ids of posts and pages written here start past every imported WordPress ID, so they never
    meet an old link.
    """
    number = parse_id(raw_id)
    found = (
        Post.objects.filter(legacy_id=number).first()
        or Page.objects.filter(legacy_id=number).first()
        or Post.objects.filter(pk=number, legacy_id__isnull=True).first()
    )
    if isinstance(found, Page):
        return _published_page(found)
    if found is None or not found.is_public:
        raise Http404("No such post.")
    return found


def legacy_page(raw_id: str) -> Page:
    """/?page_id=ID: the WordPress ID of an imported page, else one of our own pages; published pages only."""
    number = parse_id(raw_id)
    page = (
        Page.objects.filter(legacy_id=number).first() or Page.objects.filter(pk=number, legacy_id__isnull=True).first()
    )
    return _published_page(page)


def _published_page(page: Page | None) -> Page:
    if page is None or not page.is_public:
        raise Http404("No such page.")
    return page


# A single post.


def calendar_date(year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError as error:
        raise Http404("No such date.") from error


class PostContextMixin:
    """What a post page shows around the post: its public neighbours."""

    context_object_name = "post"
    template_name = "posts/post_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        public = Post.objects.published()
        context["previous_post"] = public.older_than(self.object).first()
        context["next_post"] = public.newer_than(self.object).first()
        context["related_posts"] = list(public.related_to(self.object))
        return context


@public_page
class PostDetailView(PostContextMixin, DetailView):
    """/YYYY/MM/DD/slug/: public posts only (authors and editors read the rest through the preview).

    An old address of a post whose slug or date changed redirects to the current one.
    """

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = self.moved_post()
            if moved is None:
                raise
            return HttpResponsePermanentRedirect(moved.get_absolute_url())

    def get_object(self, queryset=None):
        day = calendar_date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        return get_object_or_404(Post.objects.published().with_meta(), publish_date=day, slug=self.kwargs["slug"])

    def moved_post(self) -> Post | None:
        day = calendar_date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        return Post.objects.published().moved_from(publish_date=day, slug=self.kwargs["slug"])


@method_decorator(never_cache, name="dispatch")
class PostPreviewView(PostContextMixin, DetailView):
    """/preview/ID/: any post its author or an editor may see, whatever its status; never indexed or cached."""

    def get_queryset(self):
        return Post.objects.visible_to(self.request.user).with_meta()

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=True, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response


# Archives.


@public_page
class PostListView(PaginatedPostsMixin, ListView):
    """A paginated list of public posts; subclasses narrow it and name it."""

    template_name = "posts/post_list.html"

    def get_queryset(self):
        return Post.objects.published().with_meta()


class CategoryView(PostListView):
    """/category/parent/child/: posts in the category and in its subcategories, as WordPress lists them."""

    def get_queryset(self):
        self.category = get_object_or_404(Category, path=self.kwargs["path"])
        return super().get_queryset().in_category(self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            archive_kind="Category",
            archive_title=self.category.name,
            archive_description=self.category.description,
            category=self.category,
            feed_url=reverse("posts:category_feed", kwargs={"path": self.category.path}),
            empty_message="No posts in this category yet.",
            **kwargs,
        )


class TagView(PostListView):
    """/tag/slug/."""

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            archive_kind="Tag",
            archive_title=self.tag.name,
            tag=self.tag,
            feed_url=reverse("posts:tag_feed", kwargs={"slug": self.tag.slug}),
            empty_message="No posts with this tag yet.",
            **kwargs,
        )


class AuthorView(PostListView):
    """/author/username/: only people with public posts have one, so reader accounts stay private."""

    def get_queryset(self):
        authors = get_user_model().objects.filter(pk__in=Post.objects.published().values("author_id"))
        self.author = get_object_or_404(authors, username=self.kwargs["username"])
        return super().get_queryset().filter(author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(archive_kind="Author", author=self.author, **kwargs)


@public_page
class DateArchiveMixin(PaginatedPostsMixin):
    """Date archives: a date with no public posts is a 404, as on WordPress."""

    template_name = "posts/post_list.html"
    date_field = "publish_date"  # the site-local calendar day, as in the permalink
    # Post.objects.published() already hides scheduled posts; one rule, one place.
    allow_future = True
    allow_empty = False
    month_format = "%m"
    day_format = "%d"

    def get_queryset(self):
        return Post.objects.published()

    def get_dated_items(self):
        date_list, posts, extra_context = super().get_dated_items()
        return date_list, posts.with_meta(), extra_context

    # The archives link no neighbouring years, months or days (WordPress's do not either), so skip the
    # queries Django's date views would make to find them.
    def get_next_year(self, date):
        return None

    get_previous_year = get_next_month = get_previous_month = get_next_day = get_previous_day = get_next_year


class YearArchiveView(DateArchiveMixin, dates.YearArchiveView):
    make_object_list = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(archive_kind="Year", archive_title=f"{self.get_year()}", **kwargs)


class MonthArchiveView(DateArchiveMixin, dates.MonthArchiveView):
    def get_context_data(self, **kwargs):
        title = f"{datetime.date(int(self.get_year()), int(self.get_month()), 1):%B %Y}"
        return super().get_context_data(archive_kind="Month", archive_title=title, **kwargs)


class DayArchiveView(DateArchiveMixin, dates.DayArchiveView):
    def get_context_data(self, **kwargs):
        day = calendar_date(int(self.get_year()), int(self.get_month()), int(self.get_day()))
        title = f"{day.day} {day:%B %Y}"
        return super().get_context_data(archive_kind="Day", archive_title=title, **kwargs)


# Static pages.


@public_page
class PageDetailView(DetailView):
    """/slug/ and /parent/child/: published static pages; the catch-all, so it comes last in the URLs."""

    context_object_name = "page"
    template_name = "posts/page_detail.html"

    def get_object(self, queryset=None):
        return get_object_or_404(Page.objects.published().select_related("author"), path=self.kwargs["path"])

    def get_context_data(self, **kwargs):
        subpages = Page.objects.published().filter(parent=self.object)
        return super().get_context_data(subpages=subpages, **kwargs)


# For robots.


@public_page
@require_safe
def sitemap(request):
    """/sitemap.xml with the addresses of this host (the request's, already checked against ALLOWED_HOSTS)."""
    site = RequestSite(request)
    urls = [url for section in SITEMAPS.values() for url in section().get_urls(site=site, protocol=request.scheme)]
    response = TemplateResponse(request, "sitemap.xml", {"urlset": urls}, content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


@public_page
@require_safe
def robots_txt(request):
    """/robots.txt: keep crawlers out of the admin, accounts and previews; point them to the sitemap."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /preview/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('posts:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
