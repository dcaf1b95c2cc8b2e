"""Search engines and social networks get a canonical address, a description, a card with the featured
image, structured data, and a sitemap of everything public (and nothing else)."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from posts.models import Post
from tests.factories import CategoryFactory, PageFactory, PostFactory, TagFactory, UserFactory
from tests.posts_reader.conftest import at

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def meta(html: str, attribute: str, name: str) -> str:
    """The content of <meta {attribute}="{name}" content="…">, or "" if the page has none."""
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    return match.group(1) if match else ""


def json_ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture
def illustrated_post(figure_image):
    author = UserFactory(username="gavin", first_name="Gavin", last_name="Giovannoni")
    image = figure_image
    post = PostFactory(
        title="Rituximab for Secondary Progressive MS?",
        slug="rituximab-spms",
        author=author,
        excerpt="What a small trial says about anti-CD20 therapy in SPMS.",
        body=f'The four courses of MS.\n\n[figure {image.pk} caption="The four courses of MS, a–d"]\n\nMore text.',
        featured_image=image,
        published_at=datetime.datetime(2024, 3, 7, 9, tzinfo=datetime.UTC),
    )
    post.categories.add(CategoryFactory(name="Treatment", slug="treatment"))
    post.tags.add(TagFactory(name="Rituximab", slug="rituximab"))
    return post


def test_post_page_shows_its_figure_responsively_with_its_caption(client, illustrated_post):
    image = illustrated_post.featured_image

    html = client.get(illustrated_post.get_absolute_url()).content.decode()

    figure = re.search(r"<figure\b.*?</figure>", html, re.DOTALL).group(0)
    img = re.search(r"<img [^>]*>", figure).group(0)
    assert f'src="{image.file.url}"' in img
    assert re.search(r'srcset="[^"]+ 480w, [^"]+ 960w, [^"]+ 1200w"', img)
    assert 'sizes="' in img
    assert 'width="1200" height="800"' in img
    assert 'loading="lazy"' in img
    assert 'alt="Four curves of disability over time"' in img
    assert '<source type="image/webp" srcset="' in figure
    assert "<figcaption>The four courses of MS, a–d</figcaption>" in figure


def test_post_page_has_canonical_description_and_social_cards_with_the_featured_image(client, illustrated_post):
    image_url = f"http://testserver{illustrated_post.featured_image.file.url}"

    html = client.get(illustrated_post.get_absolute_url()).content.decode()

    assert '<link rel="canonical" href="http://testserver/2024/03/07/rituximab-spms/">' in html
    description = "What a small trial says about anti-CD20 therapy in SPMS."
    assert meta(html, "name", "description") == description
    assert meta(html, "property", "og:type") == "article"
    assert meta(html, "property", "og:title") == "Rituximab for Secondary Progressive MS?"
    assert meta(html, "property", "og:description") == description
    assert meta(html, "property", "og:url") == "http://testserver/2024/03/07/rituximab-spms/"
    assert meta(html, "property", "og:image") == image_url
    assert meta(html, "property", "og:image:alt") == "Four curves of disability over time"
    assert meta(html, "property", "article:published_time") == "2024-03-07T09:00:00+00:00"
    assert meta(html, "property", "article:section") == "Treatment"
    assert meta(html, "property", "article:tag") == "Rituximab"
    assert meta(html, "name", "twitter:card") == "summary_large_image"
    assert meta(html, "name", "twitter:image") == image_url
    assert meta(html, "name", "twitter:title") == "Rituximab for Secondary Progressive MS?"


def test_post_page_describes_itself_as_a_blog_posting_in_json_ld(client, illustrated_post):
    html = client.get(illustrated_post.get_absolute_url()).content.decode()

    data = json_ld(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Rituximab for Secondary Progressive MS?"
    assert data["description"] == "What a small trial says about anti-CD20 therapy in SPMS."
    assert data["url"] == data["mainEntityOfPage"]["@id"] == "http://testserver/2024/03/07/rituximab-spms/"
    assert data["image"] == f"http://testserver{illustrated_post.featured_image.file.url}"
    assert data["author"] == {"@type": "Person", "name": "Gavin Giovannoni", "url": "http://testserver/author/gavin/"}
    assert datetime.datetime.fromisoformat(data["datePublished"]) == illustrated_post.published_at
    assert data["publisher"]["name"] == "MS Research Notes"


def test_a_title_with_markup_cannot_break_out_of_the_json_ld_script(client):
    post = PostFactory(title='</script><script>alert("x")</script> & “quotes”', excerpt="Plain.")

    html = client.get(post.get_absolute_url()).content.decode()

    assert '<script>alert("x")' not in html
    assert json_ld(html)["headline"] == post.title
    assert (
        meta(html, "property", "og:title")
        == "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; “quotes”"
    )


def test_post_without_featured_image_gets_a_plain_card_and_a_description_from_its_body(client):
    post = PostFactory(title="Plain", body="Fatigue is the **most common** symptom of MS.\n\nSecond paragraph.")

    html = client.get(post.get_absolute_url()).content.decode()

    assert meta(html, "name", "twitter:card") == "summary"
    assert meta(html, "property", "og:image") == ""
    assert "image" not in json_ld(html)
    assert meta(html, "name", "description").startswith("Fatigue is the most common symptom of MS.")


def test_archives_and_pages_have_canonical_addresses_and_descriptions(client):
    treatment = CategoryFactory(name="Treatment", slug="treatment", description="Drugs and trials in MS.")
    PostFactory().categories.add(treatment)
    about = PageFactory(title="About", slug="about", body="Who writes this blog, and why.")

    home = client.get("/").content.decode()
    category = client.get("/category/treatment/").content.decode()
    page = client.get("/about/").content.decode()

    assert '<link rel="canonical" href="http://testserver/">' in home
    assert meta(home, "name", "description") == "Multiple sclerosis research, treatment and discussion"
    assert '<link rel="canonical" href="http://testserver/category/treatment/">' in category
    assert meta(category, "name", "description") == "Drugs and trials in MS."
    assert f'<link rel="canonical" href="http://testserver{about.get_absolute_url()}">' in page
    assert meta(page, "name", "description") == "Who writes this blog, and why."


# The sitemap and robots.txt.


def sitemap_locations(client) -> set[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)}


def test_sitemap_lists_the_front_page_and_public_posts_pages_categories_tags_and_authors_only(client):
    gavin = UserFactory(username="gavin")
    drafter = UserFactory(username="drafter")
    UserFactory(username="reader")
    treatment = CategoryFactory(slug="treatment")
    anti_cd20 = CategoryFactory(slug="anti-cd20", parent=treatment)
    empty = CategoryFactory(slug="diet")
    drafts_only = CategoryFactory(slug="drafts-only")
    rituximab = TagFactory(slug="rituximab")
    hidden_tag = TagFactory(slug="hidden-tag")
    TagFactory(slug="unused")
    public = PostFactory(slug="public", author=gavin)
    public.categories.add(anti_cd20)
    public.tags.add(rituximab)
    hidden = [
        PostFactory(slug="draft", author=drafter, status=Post.Status.DRAFT),
        PostFactory(slug="pending", author=drafter, status=Post.Status.PENDING),
        PostFactory(slug="private", author=drafter, status=Post.Status.PRIVATE),
        PostFactory(slug="scheduled", author=drafter, published_at=timezone.now() + datetime.timedelta(days=1)),
    ]
    for post in hidden:
        post.categories.add(drafts_only)
        post.tags.add(hidden_tag)
    about = PageFactory(slug="about")
    PageFactory(slug="unfinished", status="draft")

    locations = sitemap_locations(client)

    def url(path):
        return f"http://testserver{path}"

    assert locations == {
        url("/"),
        url(public.get_absolute_url()),
        url(about.get_absolute_url()),
        url("/category/treatment/"),
        url("/category/treatment/anti-cd20/"),
        url("/tag/rituximab/"),
        url("/author/gavin/"),
    }
    for post in hidden:
        assert url(post.get_absolute_url()) not in locations
    assert url(empty.get_absolute_url()) not in locations


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "User-agent: *" in lines
    assert {"Disallow: /admin/", "Disallow: /preview/"} <= set(lines)
    assert "Disallow: /" not in lines


def test_an_edited_post_tells_search_engines_when_it_was_updated(client, time_machine):
    time_machine.move_to(at(2024, 3, 7, 9), tick=False)
    post = PostFactory(title="Rituximab", published_at=at(2024, 3, 7, 9), excerpt="A summary.")
    time_machine.move_to(at(2024, 4, 2, 15), tick=False)
    post.body = "Updated with the two-year results."
    post.save()

    html = client.get(post.get_absolute_url()).content.decode()

    assert '<meta property="article:published_time" content="2024-03-07T09:00:00+00:00">' in html
    assert '<meta property="article:modified_time" content="2024-04-02T15:00:00+00:00">' in html
    assert '"dateModified": "2024-04-02T15:00:00+00:00"' in html
