"""The WordPress URL scheme, so links to the old blog keep working. The page catch-all comes last."""

from django.http import Http404
from django.urls import path, register_converter

from . import feeds, views
from .models import LARGEST_ID


class FourDigitYearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


class TwoDigitConverter:
    """Month and day as WordPress writes them: always two digits (/2024/03/07/)."""

    regex = "[0-9]{2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):02d}"


class IdConverter:
    """A database ID, at most LARGEST_ID: /comments/99999999999999999999/edit/ is a 404, never a 500 (overflow).

    Out of range is a 404 right here, rather than "no match", so the address does not fall through to the
    page catch-all (which would answer a POST with 405).
    """

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= LARGEST_ID:
            raise Http404("No such ID.")
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class SegmentConverter:
    """One path segment (a slug, a username) without NUL, which PostgreSQL refuses in a query: a 404, not a 500."""

    regex = "[^/\\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


class TreeConverter(SegmentConverter):
    """Slash-separated segments (/category/parent/child/, /parent/child/), also without NUL."""

    regex = "[^\\x00]+"


register_converter(IdConverter, "id")
register_converter(FourDigitYearConverter, "yyyy")
register_converter(TwoDigitConverter, "dd")
register_converter(SegmentConverter, "segment")
register_converter(TreeConverter, "tree")

app_name = "posts"

# A post's address, as on WordPress: /YYYY/MM/DD/slug/. Comment pages and a post's comment feed hang below it
# (comments/urls.py), so this is the one place that says what a post URL is.
POST_PERMALINK = "<yyyy:year>/<dd:month>/<dd:day>/<segment:slug>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("page/<int:page>/", views.home, name="home"),
    path("feed/", feeds.LatestPostsFeed(), name="feed"),
    path("feed/atom/", feeds.LatestPostsAtomFeed(), name="feed_atom"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("preview/<id:pk>/", views.PostPreviewView.as_view(), name="preview"),
    path("category/<tree:path>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("category/<tree:path>/page/<int:page>/", views.CategoryView.as_view(), name="category"),
    path("category/<tree:path>/", views.CategoryView.as_view(), name="category"),
    path("tag/<segment:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tag/<segment:slug>/page/<int:page>/", views.TagView.as_view(), name="tag"),
    path("tag/<segment:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<segment:username>/page/<int:page>/", views.AuthorView.as_view(), name="author"),
    path("author/<segment:username>/", views.AuthorView.as_view(), name="author"),
    path(POST_PERMALINK, views.PostDetailView.as_view(), name="detail"),
    path("<yyyy:year>/<dd:month>/<dd:day>/page/<int:page>/", views.DayArchiveView.as_view(), name="day"),
    path("<yyyy:year>/<dd:month>/<dd:day>/", views.DayArchiveView.as_view(), name="day"),
    path("<yyyy:year>/<dd:month>/page/<int:page>/", views.MonthArchiveView.as_view(), name="month"),
    path("<yyyy:year>/<dd:month>/", views.MonthArchiveView.as_view(), name="month"),
    path("<yyyy:year>/page/<int:page>/", views.YearArchiveView.as_view(), name="year"),
    path("<yyyy:year>/", views.YearArchiveView.as_view(), name="year"),
    # Last: static pages at /slug/ and /parent/child/.
    path("<tree:path>/", views.PageDetailView.as_view(), name="page"),
]
