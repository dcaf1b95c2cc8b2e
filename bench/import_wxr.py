"""Benchmark the WordPress import: a generated export with 1,000 posts and 50,000 threaded comments.

    .venv/bin/python bench/import_wxr.py                      # SQLite, a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mssite_bench .venv/bin/python bench/import_wxr.py

The export is written to a temporary file, a fresh empty database is created with Django's test-database
machinery (``test_<name>``, migrated, destroyed at the end) and the file is imported into it with
``wordpress.services.import_wxr``, as ``manage.py import_wxr`` does. It prints the seconds the import took
and the peak memory of the whole process (RSS, from ``resource.getrusage``). Target: under 60 s
and under 300 MB on SQLite. ``--again`` also times a second import of the same file (idempotent: nothing
changes), ``--export`` times ``export_wxr`` of the imported site, and ``--posts`` / ``--comments`` change the size.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    *("multiple", "sclerosis", "relapse", "remission", "lesion", "myelin", "B", "cell", "rituximab"),
    *("ocrelizumab", "natalizumab", "MRI", "gadolinium", "fatigue", "vitamin", "trial", "cohort", "placebo"),
    *("disability", "progression", "neurologist", "infusion"),
]


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def write_export(path: Path, *, posts: int, comments: int, seed: int = 6) -> None:
    """A WordPress.com-like WXR 1.2 file, written as a stream: threads up to 8 deep, every status."""
    rng = random.Random(seed)
    start = datetime(2012, 1, 1, tzinfo=UTC)
    authors = ["mira", "jonas", "ade", "lena", "sam"]
    categories = [(f"topic-{n}", f"topic-{n // 4 * 4}" if n % 4 else "") for n in range(20)]
    tags = [f"tag-{n}" for n in range(50)]
    per_post = [comments // posts + (1 if n < comments % posts else 0) for n in range(posts)]
    comment_id = 1000
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>Bench blog</title>\n'
            "<link>https://bench.wordpress.com</link>\n<pubDate>Mon, 01 Jul 2024 10:00:00 +0000</pubDate>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>\n<wp:base_site_url>https://wordpress.com</wp:base_site_url>\n"
            "<wp:base_blog_url>https://bench.wordpress.com</wp:base_blog_url>\n"
        )
        for number, login in enumerate(authors, start=1):
            out.write(
                f"<wp:author><wp:author_id>{number}</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login>"
                f"<wp:author_email>{cdata(login + '@example.org')}</wp:author_email>"
                f"<wp:author_display_name>{cdata(login.title())}</wp:author_display_name></wp:author>\n"
            )
        for number, (slug, parent) in enumerate(categories, start=1):
            out.write(
                f"<wp:category><wp:term_id>{number}</wp:term_id><wp:category_nicename>{cdata(slug)}"
                f"</wp:category_nicename><wp:category_parent>{cdata(parent)}</wp:category_parent>"
                f"<wp:cat_name>{cdata(slug.replace('-', ' ').title())}</wp:cat_name></wp:category>\n"
            )
        for number, slug in enumerate(tags, start=100):
            out.write(
                f"<wp:tag><wp:term_id>{number}</wp:term_id><wp:tag_slug>{cdata(slug)}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(slug)}</wp:tag_name></wp:tag>\n"
            )
        for number in range(posts):
            post_id = 10 + number
            date = start + timedelta(hours=61 * number)
            status = rng.choices(["publish", "draft", "pending", "private"], weights=[90, 5, 3, 2])[0]
            paragraphs = "\n\n".join(sentence(rng, rng.randint(25, 60)) for _ in range(rng.randint(3, 8)))
            body = f"<!-- wp:paragraph -->\n{paragraphs}\n<!-- /wp:paragraph -->"
            if number % 10 == 0:
                body = body.replace("\n\n", "\n\n<!--more-->\n\n", 1)
            out.write(
                "<item>\n"
                f"<title>Post {number}: {sentence(rng, 5)}</title>\n"
                f"<link>https://bench.wordpress.com/?p={post_id}</link>\n"
                f"<pubDate>{date:%a, %d %b %Y %H:%M:%S} +0000</pubDate>\n"
                f"<dc:creator>{cdata(authors[number % len(authors)])}</dc:creator>\n"
                f'<guid isPermaLink="false">https://bench.wordpress.com/?p={post_id}</guid>\n'
                f"<content:encoded>{cdata(body)}</content:encoded>\n<excerpt:encoded>{cdata('')}</excerpt:encoded>\n"
                f"<wp:post_id>{post_id}</wp:post_id>\n"
                f"<wp:post_date>{cdata(f'{date:%Y-%m-%d %H:%M:%S}')}</wp:post_date>\n"
                f"<wp:post_date_gmt>{cdata(f'{date:%Y-%m-%d %H:%M:%S}')}</wp:post_date_gmt>\n"
                f"<wp:comment_status>{cdata('open')}</wp:comment_status>\n"
                f"<wp:post_name>{cdata(f'post-{number}')}</wp:post_name>\n<wp:status>{cdata(status)}</wp:status>\n"
                f"<wp:post_parent>0</wp:post_parent>\n<wp:menu_order>0</wp:menu_order>\n"
                f"<wp:post_type>{cdata('post')}</wp:post_type>\n<wp:is_sticky>{int(number < 2)}</wp:is_sticky>\n"
            )
            for slug, _ in rng.sample(categories, 2):
                out.write(f'<category domain="category" nicename="{slug}">{cdata(slug)}</category>\n')
            for slug in rng.sample(tags, 3):
                out.write(f'<category domain="post_tag" nicename="{slug}">{cdata(slug)}</category>\n')
            thread: list[tuple[int, int]] = []  # (comment ID, depth) in this post
            for index in range(per_post[number]):
                comment_id += 1
                parent, depth = 0, 1
                if thread and rng.random() < 0.6:
                    parent, parent_depth = rng.choice(thread[-20:])
                    if parent_depth < 8:
                        depth = parent_depth + 1
                    else:
                        parent = 0
                thread.append((comment_id, depth))
                approved = rng.choices(["1", "0", "spam", "trash"], weights=[85, 8, 5, 2])[0]
                kind = "pingback" if index % 97 == 96 else ""
                when = date + timedelta(minutes=7 * (index + 1))
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author>{cdata(f'Reader {comment_id % 3000}')}</wp:comment_author>"
                    f"<wp:comment_author_email>{cdata(f'reader{comment_id % 3000}@example.org')}</wp:comment_author_email>"
                    f"<wp:comment_author_url>{cdata('')}</wp:comment_author_url>"
                    f"<wp:comment_author_IP>{cdata(f'192.0.2.{comment_id % 250}')}</wp:comment_author_IP>"
                    f"<wp:comment_date>{cdata(f'{when:%Y-%m-%d %H:%M:%S}')}</wp:comment_date>"
                    f"<wp:comment_date_gmt>{cdata(f'{when:%Y-%m-%d %H:%M:%S}')}</wp:comment_date_gmt>"
                    f"<wp:comment_content>{cdata(sentence(rng, rng.randint(8, 40)))}</wp:comment_content>"
                    f"<wp:comment_approved>{cdata(approved)}</wp:comment_approved>"
                    f"<wp:comment_type>{cdata(kind)}</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>"
                    "</wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--again", action="store_true", help="Also time a second import of the same file.")
    parser.add_argument("--export", action="store_true", help="Also time export_wxr of the imported site.")
    parser.add_argument("--keep", metavar="FILE", help="Keep the generated export at this path.")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="mssite-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mssite.settings.test")
    sqlite = not os.environ.get("DATABASE_URL")
    if sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if sqlite:
        # A file, not the in-memory database Django's test runner would use for SQLite: as in production.
        connection.settings_dict["TEST"]["NAME"] = str(workdir / "test_bench.sqlite3")
    settings.MEDIA_ROOT = workdir / "media"

    export = Path(args.keep) if args.keep else workdir / "bench.wordpress.xml"
    started = time.perf_counter()
    write_export(export, posts=args.posts, comments=args.comments)
    print(
        f"Generated {export} ({export.stat().st_size / 1024 / 1024:.1f} MB, {args.posts} posts, "
        f"{args.comments} comments) in {time.perf_counter() - started:.1f} s"
    )

    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    vendor = connection.vendor
    try:
        from django.db.models import Max

        from comments.models import Comment
        from posts.models import Post
        from wordpress.services import import_wxr

        before = peak_rss_mb()
        started, cpu = time.perf_counter(), time.process_time()
        report = import_wxr(source=export)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = peak_rss_mb()
        posts, comments = Post.objects.count(), Comment.objects.count()
        deepest = Comment.objects.aggregate(deepest=Max("depth"))["deepest"]
        print(f"Database: {vendor} ({database})")
        print(report.table())
        print(f"In the database: {posts} posts, {comments} comments, threads up to {deepest} deep")
        # CPU time too: on a busy machine the wall-clock time mostly measures the other processes.
        print(
            f"Import: {seconds:.1f} s (CPU {cpu:.1f} s); peak memory (RSS) {peak:.0f} MB "
            f"(before the import: {before:.0f} MB)"
        )
        ok = seconds < 60 and peak < 300 and posts == args.posts and comments == args.comments
        if args.again:
            started = time.perf_counter()
            again = import_wxr(source=export)
            print(
                f"Second import of the same file: {time.perf_counter() - started:.1f} s, "
                f"{again.total_changes} records changed; peak memory (RSS) {peak_rss_mb():.0f} MB"
            )
        if args.export:
            from wordpress.services import export_wxr

            started = time.perf_counter()
            with open(workdir / "export-again.xml", "w", encoding="utf-8") as out:
                summary = export_wxr(out=out)
            size = (workdir / "export-again.xml").stat().st_size / 1024 / 1024
            (workdir / "export-again.xml").unlink()
            print(
                f"export_wxr of the imported site: {time.perf_counter() - started:.1f} s, {size:.1f} MB "
                f"({summary.counts.get('posts', 0)} posts, {summary.counts.get('comments', 0)} comments); "
                f"peak memory (RSS) {peak_rss_mb():.0f} MB"
            )
        print(f"Target (under 60 s and 300 MB, set for SQLite) on {vendor}: " + ("met" if ok else "MISSED"))
        return 0 if ok else 1
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)
        if not args.keep:
            export.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
