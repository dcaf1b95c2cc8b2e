"""The demo discussion under the rituximab post, added when `load_demo` sends `demo_content_loaded`.

Comments are written straight through the ORM: this is trusted seed data, so the anti-spam checks
and moderation emails of a reader's comment do not apply. `Comment.save` still renders the body
through the sanitiser and maintains the thread path. Each comment is found again by its post,
email and text, so running `load_demo` twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from posts.demo.content import RITUXIMAB_SLUG

from .models import Comment

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@dataclass(frozen=True)
class Reader:
    name: str
    email: str
    url: str = ""
    ip: str = "192.0.2.10"  # documentation addresses (RFC 5737), never a real reader's


@dataclass(frozen=True)
class DemoComment:
    key: str
    reader: Reader | None  # None: the post's author, signed in
    hours_after_post: float
    body: str
    parent: str | None = None
    status: str = Comment.Status.APPROVED


MARGARET = Reader("Margaret O'Neill", "margaret.oneill@example.org", ip="192.0.2.21")
LARS = Reader("Lars Holmberg", "lars.holmberg@example.net", "https://example.net/lars", ip="198.51.100.7")
JAMIE = Reader("Jamie Rivers", "jamie.rivers@example.com", ip="203.0.113.42")
PRIYA = Reader("Priya Natarajan", "priya.n@example.org", "https://priya.example.org", ip="192.0.2.58")
CARLOS = Reader("Carlos Mendes", "carlos.mendes@example.com", "https://example.com/carlos-reads", ip="198.51.100.23")
ANNE = Reader("Anne-Marie Dubois", "am.dubois@example.net", ip="203.0.113.9")
KEVIN = Reader("Kevin Walsh", "kevin.walsh@example.org", ip="192.0.2.77")

THREAD = (
    DemoComment(
        "margaret",
        MARGARET,
        3,
        "I was diagnosed with relapsing-remitting MS in 2004, and last year my neurologist said I have "
        "probably moved into the secondary progressive stage. Nobody had ever explained it as clearly as "
        "panel (c) does.\n\nIs there a test that tells you for certain when the change has happened?",
    ),
    DemoComment(
        "author-to-margaret",
        None,
        6,
        "Thank you, Margaret. Sadly there is no single test. Secondary progressive MS is diagnosed looking "
        "back: usually after six months to a year of steady worsening that relapses don't explain. That is "
        "why so many people go through a long grey zone where the word <em>probably</em> keeps coming up.\n\n"
        "It is a real limitation, and research groups are working on blood markers such as neurofilament "
        "light chain, but none of them can make the call on its own yet.",
        parent="margaret",
    ),
    DemoComment(
        "margaret-thanks",
        MARGARET,
        20,
        "That makes sense, thank you. Strangely, it helps to know the uncertainty is normal and not just "
        "my doctors being vague.",
        parent="author-to-margaret",
    ),
    DemoComment(
        "lars",
        LARS,
        9,
        "Writing from Sweden, where rituximab has been the most common MS treatment for years. One practical "
        "point for anyone starting it: ask whether your clinic checks immunoglobulin levels. Mine does every "
        "year, and it caught a low IgG in my sister before she had any serious infection.",
        parent="margaret",
    ),
    DemoComment(
        "jamie",
        JAMIE,
        14,
        "I have been on rituximab for four years for secondary progressive MS. I had two enhancing lesions "
        "when I started; my scans have been quiet since and my walking is about the same.\n"
        "Of course there is no way to know what would have happened without it.",
    ),
    DemoComment(
        "priya",
        PRIYA,
        26,
        "Same story here, three years in. Jamie, did you have trouble with infections? My first winter on it "
        "was rough.",
        parent="jamie",
    ),
    DemoComment(
        "jamie-infections",
        JAMIE,
        30,
        "Two chest infections in the first winter, none since. My IgG is low-normal, so they check it every "
        "six months and I had all my vaccinations updated before the first infusion, which the post rightly "
        "mentions.",
        parent="priya",
    ),
    DemoComment(
        "carlos",
        CARLOS,
        33,
        "A balanced summary. One caveat worth adding: the observational study was fairly small, and people "
        "who get treated are often the ones whose doctors think they still have something to gain. Matching "
        "on measured factors cannot fully correct for that.",
    ),
    DemoComment(
        "author-to-carlos",
        None,
        40,
        "Agreed, Carlos: that kind of confounding by indication is exactly why I called it encouraging rather "
        "than conclusive. A randomised trial in secondary progressive MS with activity would settle it, but "
        "nobody has a commercial reason to run one for an off-patent drug.",
        parent="carlos",
    ),
    DemoComment(
        "anne-marie",
        ANNE,
        47,
        "What about people who would rather avoid infusions? I live two hours from the nearest infusion "
        "centre. Is there a tablet option for secondary progressive MS?",
    ),
    DemoComment(
        "author-to-anne-marie",
        None,
        52,
        "Yes. Siponimod, a tablet, is licensed in many countries for secondary progressive MS with signs of "
        "activity, and some anti-CD20 treatment can be given as an injection at home. Which fits depends on "
        "your scans, your other health conditions and what your health service pays for, so it is a good "
        "question for your next appointment. A post about the BTK inhibitors, tablets now being tested in "
        "progressive MS, is coming next week.",
        parent="anne-marie",
    ),
    DemoComment(
        "kevin",
        KEVIN,
        62,
        "My wife was told last month that she has primary progressive MS. She is 58. Is rituximab, or "
        "ocrelizumab, something we should be asking about, or is she likely too old for it to help?",
        status=Comment.Status.PENDING,  # a first-time commenter, held for moderation as WordPress does
    ),
)


def add_demo_discussion(sender, *, author, posts, **kwargs) -> str | None:
    """Receiver of `posts.signals.demo_content_loaded`: the demo thread under the rituximab post."""
    post = posts.get(RITUXIMAB_SLUG)
    if post is None:
        return None
    hours = _hours_scale(post)
    created: dict[str, Comment] = {}
    new = 0
    for spec in THREAD:
        name, email, url, ip = (
            (spec.reader.name, spec.reader.email, spec.reader.url, spec.reader.ip)
            if spec.reader
            else (author.get_full_name() or author.get_username(), author.email, "", None)
        )
        comment = Comment.objects.filter(post=post, author_email=email, body=spec.body).first()
        if comment is None:
            comment = Comment(
                post=post,
                parent=created[spec.parent] if spec.parent else None,
                user=None if spec.reader else author,
                author_name=name,
                author_email=email,
                author_url=url,
                body=spec.body,
                status=spec.status,
                ip_address=ip,
                user_agent=BROWSER if spec.reader else "",
                created_at=post.published_at + timedelta(hours=spec.hours_after_post * hours),
            )
            comment.save()
            new += 1
        created[spec.key] = comment
    if not new:
        return None
    return f"{new} comments under {post.title!r}"


def _hours_scale(post) -> float:
    """Shrink the thread's timeline if needed so no comment is dated in the future or before the post."""
    latest = max(spec.hours_after_post for spec in THREAD)
    available = (timezone.now() - post.published_at).total_seconds() / 3600 - 1
    if available <= 0:
        return 0.0
    return min(1.0, available / latest)
