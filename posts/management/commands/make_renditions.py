"""Queue the renditions of every image that still lacks some. Safe to run as often as you like.

Not needed in normal running: a large upload queues ``posts.tasks.make_renditions`` itself. This recovers the
rare image whose task never ran to the end: a worker killed (SIGKILL, out of memory) while making it, or a queue
that could not be reached when the upload committed. Until then such an image is shown as its original.
"""

from django.core.management.base import BaseCommand

from posts import renditions
from posts.models import Image
from posts.tasks import make_renditions


class Command(BaseCommand):
    help = "Queue the renditions of images that lack some (normally the upload queues them). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the images, queue nothing.")
        parser.add_argument("--now", action="store_true", help="Make them in this process instead of queueing.")

    def handle(self, *args, dry_run: bool = False, now: bool = False, **options):
        lacking = [
            image
            for image in Image.objects.only("pk", "file", "width", "renditions").order_by("pk").iterator()
            if renditions.missing(image)
        ]
        for image in lacking:
            if dry_run:
                self.stdout.write(f"Would make the renditions of image {image.pk} ({image.file.name})")
            elif now:
                made = renditions.finish(image.pk)
                self.stdout.write(f"Made {made} renditions of image {image.pk} ({image.file.name})")
            else:
                make_renditions.enqueue(image.pk)
        if not dry_run:
            verb = "made" if now else "queued"
            self.stdout.write(self.style.SUCCESS(f"Renditions {verb} for {len(lacking)} image(s)."))
