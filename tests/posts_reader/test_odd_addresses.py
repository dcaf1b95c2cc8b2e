"""Nothing a reader types in the address bar breaks the site: odd query strings, huge numbers, encoded junk in slugs."""

import pytest
from django.test import Client

from tests.factories import CategoryFactory, PageFactory, PostFactory, TagFactory, UserFactory
from tests.posts_reader.conftest import at

pytestmark = pytest.mark.django_db


ODD_ADDRESSES = [
    # WordPress's ?p= and ?page_id= links with things that are not IDs.
    "/?p=abc",
    "/?p=99999999999999999999",
    "/?p=%C2%B2",  # "²": a digit to str.isdigit(), not to int()
    "/?p=%E2%91%A0",  # "①"
    "/?p=%D9%A1%D9%A2",  # Arabic-Indic "12"
    "/?p=%EF%BC%91",  # full-width "1"
    "/?p=%00",
    "/?p=+1",
    "/?p=1.0",
    "/?p=1&p=2",
    "/?page_id=-1",
    "/?page_id=%C2%B2",
    "/?page_id=%E2%91%A0",
    "/?page_id=99999999999999999999",
    # Searches.
    "/?s=" + "a" * 10_000,
    "/?s=%00",
    "/?s=%ff%fe",
    "/?s=a&s=b",
    "/page/2/?s=" + "x" * 10_000,
    # Page numbers.
    "/page/999999999999999999999/",
    "/page/999999999999999999999/?s=real",
    "/category/news/page/99999999999999999999999/",
    "/tag/trial/page/0/",
    "/category/news/?page=abc",
    "/category/news/?page=last",
    "/tag/trial/?page=0",
    "/2024/?page=99999999999999999999",
    "/author/gavin/?page=%C2%B2",
    # Dates that cannot be.
    "/0000/",
    "/0000/01/",
    "/0000/01/01/",
    "/9999/",
    "/9999/12/",
    "/9999/12/31/",
    "/9999/12/31/page/2/",
    "/2024/00/",
    "/2024/13/",
    "/2024/03/00/",
    "/2024/03/32/",
    "/2024/02/30/",
    "/0000/00/00/real/",
    "/9999/12/31/real/",
    # Encoded junk and huge slugs.
    "/2024/03/07/%ff/",
    "/2024/03/07/%C0%AF/",
    "/2024/03/07/" + "a" * 5000 + "/",
    "/category/%ff/",
    "/category/%ff/feed/",
    "/category/news/" + "x/" * 600,
    "/category/%2e%2e/",
    "/tag/%ff/",
    "/tag/%ff/feed/",
    "/tag/%2F/",
    "/author/%ff/",
    "/%ff/",
    "/%ff/%fe/",
    "/%E2%80%AE/",
    "/" + "y" * 5000 + "/",
    "/preview/0/",
    "/preview/99999999999999999999/",
    # WordPress query links this site does not answer: the front page, not an error.
    "/?cat=3",
    "/?tag=x",
    "/?author=1",
    "/?m=202403",
    "/?paged=2",
    "/?attachment_id=5",
    "/2024/03/07/real/?replytocom=%C2%B2",
    "/2024/03/07/real/?replytocom=abc",
    "/2024/03/07/real/?replytocom=99999999999999999999",
]


@pytest.fixture
def small_blog():
    post = PostFactory(slug="real", author=UserFactory(username="gavin"), published_at=at(2024, 3, 7), legacy_id=5)
    post.categories.add(CategoryFactory(slug="news"))
    post.tags.add(TagFactory(slug="trial"))
    PageFactory(slug="about", legacy_id=7)
    return post


@pytest.mark.django_db
@pytest.mark.parametrize("url", ODD_ADDRESSES)
def test_nothing_a_reader_types_in_the_address_bar_breaks_the_site(small_blog, url):
    client = Client(raise_request_exception=True)  # a crash fails the test with its traceback

    for response in (client.get(url), client.head(url)):
        assert response.status_code in (200, 301, 404), url
        if response.status_code == 404 and response.request["REQUEST_METHOD"] == "GET":
            assert "Page not found" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["%C2%B2", "%E2%91%A0", "%D9%A1%D9%A2", "%EF%BC%91"], ids=["²", "①", "١٢", "１"])
def test_wordpress_id_links_with_non_ascii_digits_are_404_not_another_post(client, small_blog, value):
    """Only the ASCII digits WordPress writes are IDs: "١٢" must not quietly open post 12."""
    PostFactory.create_batch(12)

    assert client.get(f"/?p={value}").status_code == 404
    assert client.get(f"/?page_id={value}").status_code == 404
