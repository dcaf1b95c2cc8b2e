"""Catch up on new-post announcements by hand. Safe to run as often as you like.

Not needed in normal running: saving a public or scheduled post queues ``comments.tasks.announce_post`` for its
publication time. This helps after restoring a database whose task queue was lost.
"""

from django.core.management.base import BaseCommand

from comments import notifications


class Command(BaseCommand):
    help = (
        "Announce public posts that have not been announced yet (normally a task queued for each post's "
        "publication time does it). Each post is announced once; posts older than a week and imported posts never are."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the posts that would be announced.")

    def handle(self, *args, dry_run: bool = False, **options):
        due = (
            notifications.announceable_posts()
            .filter(announcement__isnull=True)
            .select_related("author")
            .order_by("published_at", "pk")
        )
        announced = 0
        for post in due:
            if dry_run:
                self.stdout.write(f"Would announce “{post.title}” ({post.published_at:%Y-%m-%d %H:%M})")
                continue
            sent = notifications.announce_post(post)
            announced += 1
            self.stdout.write(f"Announced “{post.title}” to {sent or 0} subscriber{'s' if sent != 1 else ''}.")
        if not dry_run:
            self.stdout.write(self.style.SUCCESS(f"{announced} post{'s' if announced != 1 else ''} announced."))
