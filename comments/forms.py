"""The reader's comment form (WordPress.com's fields) and its anti-spam checks.

Two anti-spam checks run in ``CommentForm.clean()`` (not in per-field ``clean_*`` steps, so their messages
are form-wide errors the reader sees above the fields): a honeypot field that people never see, and a
signed timestamp that refuses forms sent back faster than a person types or older than a day. Both
failures keep everything the reader typed.
"""

import re
import time

from django import forms
from django.core import signing
from django.core.validators import validate_email

from posts.models import LARGEST_ID, Page, Post

from . import app_settings, threads
from .models import Comment, DiscussionSettings, discussion_kind

TIMESTAMP_SALT = "comments.form.timestamp"
COMMENT_MAX_LENGTH = 65525  # WordPress's limit for comment_content


def parse_comment_id(raw) -> int | None:
    """A positive database ID written in ASCII digits, else None (no "²", "-1" or 30-digit numbers)."""
    text = str(raw if raw is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= LARGEST_ID else None


def issue_timestamp(target: Post | Page) -> str:
    """A signed "this form was shown for this post (or page) at this time" token."""
    return signing.dumps({discussion_kind(target): target.pk, "at": time.time()}, salt=TIMESTAMP_SALT)


# C0 and C1 control characters (ESC starts a terminal escape code, which a moderator's terminal or log viewer
# would obey) and the invisible marks that reorder text; nobody's name needs any of them.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def validate_name(value: str) -> None:
    """Refuse a commenter name with control characters, with a message that says what to do."""
    if CONTROL_CHARACTERS.search(value):
        raise forms.ValidationError(
            "Your name contains invisible control characters (perhaps pasted from elsewhere). Please type it again.",
            code="control_characters",
        )


class CommentBodyForm(forms.Form):
    """Just the text: what a reader may change when editing their comment."""

    comment = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 45, "autocomplete": "off"}),
        error_messages={
            "required": "Please type your comment.",
            "max_length": "Your comment is too long: it has %(show_value)s characters and the limit is "
            "%(limit_value)s. Please shorten it; your text is still here.",
        },
    )

    def clean_comment(self):
        text = self.cleaned_data["comment"].strip()
        if not text:
            raise forms.ValidationError("Please type your comment.")
        return text


class CommentForm(CommentBodyForm):
    """A new comment or reply. Signed-in readers do not see (or send) name, email and website."""

    email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="Address never made public",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "size": 30}),
        error_messages={
            "required": "Please enter your email address; it is never made public.",
            "invalid": "Please enter a valid email address, like name@example.org.",
        },
    )
    name = forms.CharField(
        label="Name",
        max_length=245,
        widget=forms.TextInput(attrs={"autocomplete": "name", "size": 30}),
        error_messages={"required": "Please enter your name."},
    )
    url = forms.URLField(
        label="Website",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url", "size": 30}),
        error_messages={"invalid": "Please enter a full web address, like https://example.org, or leave it empty."},
    )
    save_details = forms.BooleanField(
        label="Save my name, email, and website in this browser for the next time I comment.", required=False
    )
    notify_comments = forms.BooleanField(label="Notify me of new comments via email.", required=False)
    notify_posts = forms.BooleanField(label="Notify me of new posts via email.", required=False)
    # A text field, so a tampered value gets a readable message instead of a hidden-field error nobody sees.
    parent = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    timestamp = forms.CharField(widget=forms.HiddenInput, required=False)
    # The honeypot: hidden from people (and from assistive technology); bots fill every field.
    homepage = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    IDENTITY_FIELDS = ("name", "email", "url", "save_details")

    def __init__(self, *args, target: Post | Page, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.signed_in = bool(user is not None and user.is_authenticated)
        if self.signed_in:
            for name in self.IDENTITY_FIELDS:
                del self.fields[name]
        if not self.is_bound:
            self.initial.setdefault("timestamp", issue_timestamp(target))

    @property
    def fresh_timestamp(self) -> str:
        """A new token for a re-shown form, so the reader's next attempt is timed from now."""
        return issue_timestamp(self.target)

    def clean_parent(self) -> int | None:
        raw = (self.cleaned_data.get("parent") or "").strip()
        if raw in ("", "0"):
            return None
        parent = parse_comment_id(raw)
        if parent is None:
            raise forms.ValidationError("The comment you are replying to is no longer available.", code="parent")
        return parent

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Please enter your name.")
        validate_name(name)
        return name

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("homepage"):
            raise forms.ValidationError(
                "Your comment looked automated, so it was not posted. Please leave the hidden “homepage” field empty "
                "and post again.",
                code="honeypot",
            )
        self._check_timestamp(cleaned.get("timestamp") or "")
        return cleaned

    def _check_timestamp(self, token: str) -> None:
        max_age = app_settings.FORM_MAX_AGE
        try:
            payload = signing.loads(token, salt=TIMESTAMP_SALT, max_age=max_age)
        except signing.SignatureExpired as error:
            raise forms.ValidationError(
                "This page was open for a long time, so the form expired. Your comment is still here: "
                "please post it again.",
                code="expired",
            ) from error
        except signing.BadSignature as error:
            raise forms.ValidationError(
                "The form was incomplete. Your comment is still here: please post it again.", code="bad_timestamp"
            ) from error
        if not isinstance(payload, dict) or payload.get(discussion_kind(self.target)) != self.target.pk:
            raise forms.ValidationError(
                "The form belongs to another post. Your comment is still here: please post it again.",
                code="bad_timestamp",
            )
        age = time.time() - float(payload.get("at", 0))
        if age < app_settings.MIN_FORM_SECONDS:
            raise forms.ValidationError(
                "That was very quick! Please take a moment to read your comment, then post it again.",
                code="too_fast",
            )


class DiscussionSettingsForm(forms.ModelForm):
    """The discussion settings in the admin; the thread depth is one of WordPress's choices (2–10 levels)."""

    thread_depth = forms.TypedChoiceField(
        label="Thread depth",
        choices=[(depth, f"{depth} levels") for depth in threads.THREAD_DEPTHS],
        coerce=int,
        initial=5,
        help_text="Replies nest this deep; at the deepest level 'Reply' is not offered.",
    )

    class Meta:
        model = DiscussionSettings
        fields = [
            "thread_depth",
            "comment_order",
            "comments_per_page",
            "close_after_days",
            "edit_window_minutes",
            "require_manual_approval",
            "require_previous_approval",
            "max_links",
            "moderation_keys",
            "disallowed_keys",
            "notify_moderators",
            "notify_post_author",
            "authors_moderate_own_posts",
        ]


class CommentAdminForm(forms.ModelForm):
    """The admin's comment form: names checked as on the site; an email address kept as imported.

    Comments imported from WordPress may carry an address Django's validator refuses (``bob@localhost``,
    ``n/a``); the moderator must still be able to approve or correct the comment, so an unchanged address is
    accepted as it is and only a new one is checked.
    """

    author_email = forms.CharField(label="Email", required=False, max_length=254, help_text="Never shown publicly.")

    class Meta:
        model = Comment
        fields = ["author_name", "author_email"]  # the admin adds the rest of its fieldsets

    def clean_author_name(self) -> str:
        name = self.cleaned_data["author_name"]
        validate_name(name)
        return name

    def clean_author_email(self) -> str:
        email = self.cleaned_data["author_email"].strip()
        if email and email != self.instance.author_email:
            validate_email(email)
        return email

    def _get_validation_exclusions(self):
        # clean_author_email decides; the model's EmailField would refuse the imported address again.
        # django-stubs leave out this private ModelForm hook, the only one that excludes a field from model validation.
        return super()._get_validation_exclusions() | {"author_email"}  # type: ignore[misc]
