"""Authors: WordPress logins become users here (mapped, matched by address, or created without a password)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser

from accounts.roles import AUTHOR, assign_role

from .. import wxr
from .base import ImportState
from .values import EMAIL_LENGTH, USERNAME_LENGTH, plain_text

USERNAME_JUNK = re.compile(r"[^\w.@+-]")


class AuthorsMixin(ImportState):
    def _check_author_map(self) -> None:
        User = get_user_model()
        for old, new in self.author_map.items():
            if not User.objects.filter(username=new).exists():
                raise wxr.WxrError(f"--author-map {old}={new}: there is no user {new!r} here. Nothing was imported.")

    def _import_authors(self, authors: Iterable[wxr.Author]) -> None:
        for author in authors:
            if not author.login:
                continue
            user = self._user_for(author.login, author)
            if author.legacy_id:
                self.user_by_legacy_id[author.legacy_id] = user

    def _user_for(self, login: str, author: wxr.Author | None = None) -> AbstractBaseUser:
        """The local user for a WordPress login: mapped, existing, or created without a password."""
        # Usernames here allow letters, digits and @.+-_ only; real exports carry stray characters (">admin").
        login = USERNAME_JUNK.sub("", login or "") or "wordpress"
        if login in self.users:
            return self.users[login]
        User = get_user_model()
        username = self.author_map.get(login, login)
        if len(username) > USERNAME_LENGTH:
            self.report.note(
                f"WordPress login {username[:40]!r}… is {len(username)} characters long; "
                f"the user here is {username[:USERNAME_LENGTH][:40]!r}… ({USERNAME_LENGTH} characters)."
            )
            username = username[:USERNAME_LENGTH]
        user = User.objects.filter(username=username).first()
        if user is None and author is not None and author.email and login not in self.author_map:
            # The site owner usually has an account here already, under another username but the same address.
            same_email = list(User.objects.filter(email__iexact=author.email)[:2])
            if len(same_email) == 1:
                user = same_email[0]
                self.report.note(
                    f"WordPress author {login!r} has the address of the existing user {user.username!r}: "
                    "their content is attributed to that user."
                )
        if user is not None:
            self.report.count("authors", "unchanged")
        else:
            author = author or wxr.Author(login=login)
            first, last = plain_text(author.first_name), plain_text(author.last_name)
            if not (first or last) and author.display_name:
                first, _, last = plain_text(author.display_name).partition(" ")
            user = User(
                username=username,
                email=self._whole(author.email, EMAIL_LENGTH, f"WordPress author {login[:80]!r}: the email"),
                first_name=first[:150],
                last_name=last[:150],
            )
            user.set_unusable_password()  # they set one through "forgot password"
            user.save()
            assign_role(user, AUTHOR)
            self.report.count("authors", "created")
        self.users[login] = user
        return user
