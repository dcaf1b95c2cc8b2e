"""Create the local demo administrator once, with a generated password printed a single time."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the demo administrator if missing (prints its password once) and say how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="admin@example.org")
        parser.add_argument(
            "--reset-password", action="store_true", help="Give the existing admin a new generated password."
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username, email, reset_password, url, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        password = None
        if user is None:
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(username=username, email=email, password=password)
        elif reset_password:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save(update_fields=["password"])

        self.stdout.write("")
        if password:
            self.stdout.write(self.style.SUCCESS(f"Log in at {url} as {username!r}, password {password!r}"))
            self.stdout.write("This password is shown only now. Forgot it? Run: make admin-password")
        else:
            self.stdout.write(
                f"Log in at {url} as {username!r} with the password printed on the first `make run`."
                " Forgot it? Run: make admin-password"
            )
        self.stdout.write("")
