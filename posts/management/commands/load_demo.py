"""Load the demo blog so `make run` opens on a site that looks lived in, not an empty shell."""

from django.core.management.base import BaseCommand
from django.db import transaction

from posts.demo import loader
from posts.models import Post
from posts.signals import demo_content_loaded


class Command(BaseCommand):
    help = (
        "Create the demo content: an author, categories, tags, the About and Disclaimer pages, posts about "
        "MS treatment (one scheduled, one draft) and, from other apps, a discussion. Safe to run again: "
        "only what is missing is created, and nothing existing is changed."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            result = loader.load()
            # Other apps add their part (the comments app: a discussion under the rituximab post).
            for _receiver, summary in demo_content_loaded.send(sender=Post, author=result.author, posts=result.posts):
                if summary:
                    result.created.append(summary)

        if not result.created:
            self.stdout.write("Demo content is already loaded; nothing to do.")
            return
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded ({len(result.created)} new):"))
        for line in result.created:
            self.stdout.write(f"  + {line}")
        if result.author_password:
            self.stdout.write(
                f"The demo author can log in at /admin/ as {result.author.username!r}, "
                f"password {result.author_password!r} (shown only now)."
            )
