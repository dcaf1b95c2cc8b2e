"""Seed the bench site: the demo blog, then posts with 0, 200 and 1,000 threaded comments.

Run by bench/run.py with DJANGO_SETTINGS_MODULE=bench.settings; prints one JSON object (the pages to
measure, how many comments each must show, a signed-in reader's session cookie) on its last line.
"""

import json
import random
from datetime import timedelta

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from comments.models import Comment, DiscussionSettings  # noqa: E402
from posts.demo.content import RITUXIMAB_SLUG  # noqa: E402
from posts.models import Category, Post, Tag  # noqa: E402

SIZES = (0, 200, 1000)
MAX_DEPTH = 5
FIRST_NAMES = [
    "Margaret",
    "Lars",
    "Jamie",
    "Priya",
    "Carlos",
    "Anne-Marie",
    "Kevin",
    "Sofia",
    "Tomasz",
    "Aisha",
    "Ravi",
    "Helen",
    "Noor",
    "Pieter",
    "Grace",
    "Mateo",
    "Ingrid",
    "Yusuf",
    "Chloé",
    "Dmitri",
    "Fiona",
    "Kenji",
    "Amara",
    "Oskar",
    "Leila",
]
LAST_NAMES = [
    "O'Neill",
    "Holmberg",
    "Rivers",
    "Natarajan",
    "Mendes",
    "Dubois",
    "Walsh",
    "Rossi",
    "Nowak",
    "Bello",
    "Shah",
    "Kowalski",
    "Berg",
    "Tanaka",
]
SENTENCES = (
    "My neurologist mentioned rituximab at my last appointment, and this post explains it better than the leaflet.",
    "I have had secondary progressive MS for six years; fatigue is still the hardest part of every day.",
    "Is there any trial data on people over 55? Most of the studies seem to stop at that age.",
    "Thank you for writing this in plain language. I shared it with my support group.",
    "The figure with the four courses of MS finally made sense of what my doctor drew on a napkin.",
    "How often are the infusions given, and do the side effects get easier after the first one?",
    "I switched from interferon three years ago and my MRI has been stable since, touch wood.",
    "Could you write about vitamin D next? Everyone in my clinic has a different opinion.",
    "My wife has tremor in her right hand; typing these comments takes her a long time, so clear pages help.",
    "Do you know whether the NHS funds this for progressive MS yet, or only relapsing forms?",
    "Heat makes my symptoms worse every summer. Does anyone else find cooling vests useful?",
    "Very helpful, thank you. The link to the trial registry in the second paragraph is broken for me though.",
)


def paragraph(rng: random.Random) -> str:
    return " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))


def add_thread(post: Post, size: int, rng: random.Random) -> None:
    """`size` approved comments, a third top-level, the rest replies at any depth up to MAX_DEPTH."""
    start = post.published_at + timedelta(hours=1)
    shown: list[Comment] = []
    for index in range(size):
        candidates = [c for c in shown[-60:] if c.depth < MAX_DEPTH]
        parent = rng.choice(candidates) if candidates and rng.random() < 0.66 else None
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        comment = Comment(
            post=post,
            parent=parent,
            author_name=name,
            author_email=f"{name.split()[0].lower()}.{index}@example.org",
            author_url=f"https://example.org/{index}" if index % 4 == 0 else "",
            body="\n\n".join(paragraph(rng) for _ in range(rng.randint(1, 3))),
            status=Comment.Status.APPROVED,
            ip_address="192.0.2.10",
            created_at=start + timedelta(minutes=7 * index),
        )
        comment.save()
        shown.append(comment)


@transaction.atomic
def seed() -> dict:
    call_command("load_demo", verbosity=0)
    discussion = DiscussionSettings.load()
    discussion.comments_per_page = 0  # every comment on one page, so a page shows all N
    discussion.save()
    demo = Post.objects.get(slug=RITUXIMAB_SLUG)
    rng = random.Random(9)
    pages = {}
    for size in SIZES:
        post = Post.objects.create(
            title=f"Rituximab for Secondary Progressive MS? ({size} comments)",
            slug=f"bench-{size}-comments",
            author=demo.author,
            body=demo.body,
            body_format=demo.body_format,
            status=Post.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(days=2, minutes=size),
            featured_image=demo.featured_image,
        )
        post.categories.set(demo.categories.all())
        post.tags.set(demo.tags.all())
        add_thread(post, size, rng)
        pages[size] = {"url": post.get_absolute_url(), "post_id": post.pk, "comments": size}
    reader = get_user_model().objects.create_user("bench-reader", "reader@example.org", "bench-reader-password")
    client = Client()
    client.force_login(reader)
    category = Category.objects.filter(posts__isnull=False).first()
    tag = Tag.objects.filter(posts__isnull=False).first()
    post = Post.objects.get(pk=pages[200]["post_id"])
    return {
        "posts": pages,
        "category_url": category.get_absolute_url(),
        "tag_url": tag.get_absolute_url(),
        "year_url": f"/{post.publish_date:%Y}/",
        "session_cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
    }


if __name__ == "__main__":
    print(json.dumps(seed()))
