"""Attachments: files from --uploads stored through the media library, and body URLs pointed at them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File

from posts.models import Image
from posts.services import add_image
from posts.wp_html import GalleryImage

from .authors import AuthorsMixin
from .values import LARGEST_STORABLE_ID, shown_id

UPLOAD_URL = re.compile(
    r"""(?:(?:https?:)?//[^\s"'<>()\[\]]+?)?/wp-content/uploads/(?P<path>[^\s"'<>?#()\[\]]+)(?:\?[^\s"'<>#\]]*)?"""
)
_WPCOMUPLOAD_URL = re.compile(
    r"""(?:https?:)?//[a-z0-9-]+\.files\.wordpress\.com/(?P<path>[^\s"'<>?#()\[\]]+)(?:\?[^\s"'<>#\]]*)?"""
)
SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")


@dataclass
class Attachment:
    """What the first pass keeps about a media item: enough to find its file and build galleries."""

    legacy_id: int
    url: str
    path: str  # relative to wp-content/uploads, e.g. "2008/06/canola2.jpg"
    parent: int
    menu_order: int
    title: str
    alt: str
    caption: str
    creator: str


def upload_path(url: str, attached_file: str = "") -> str:
    """The file's path inside wp-content/uploads, from its metadata or else its URL."""
    if attached_file.strip():
        return attached_file.strip().lstrip("/")
    for pattern in (UPLOAD_URL, _WPCOMUPLOAD_URL):
        match = pattern.search(url)
        if match:
            return match.group("path")
    return ""


class MediaMixin(AuthorsMixin):
    """Built on the authors: an image is credited to the user who uploaded it."""

    def _import_attachments(self, attachments: dict[int, Attachment]) -> None:
        for legacy_id in [legacy_id for legacy_id in attachments if abs(legacy_id) > LARGEST_STORABLE_ID]:
            attachment = attachments.pop(legacy_id)
            self.report.count("images", "skipped")
            self.report.note(
                f"Attachment {attachment.path or attachment.url!r}: its ID {shown_id(legacy_id)} is too large to keep; "
                "not imported."
            )
        existing = {image.legacy_id: image for image in Image.objects.filter(legacy_id__in=list(attachments))}
        for attachment in sorted(attachments.values(), key=lambda a: (a.menu_order, a.legacy_id)):
            if attachment.parent:
                self.children[attachment.parent].append(attachment.legacy_id)
            image = existing.get(attachment.legacy_id)
            if image is not None:
                changed = image.caption != attachment.caption[:10000] or (
                    attachment.alt and image.alt_text != attachment.alt[:500]
                )
                if changed:
                    image.caption = attachment.caption
                    image.alt_text = attachment.alt[:500] or image.alt_text
                    image.save(update_fields=["caption", "alt_text"])
                self.report.count("images", "updated" if changed else "unchanged")
            else:
                image = self._add_image_file(
                    attachment.path,
                    alt=attachment.alt or attachment.title,
                    caption=attachment.caption,
                    legacy_id=attachment.legacy_id,
                    legacy_url=attachment.url,
                    uploaded_by=self._user_for(attachment.creator) if attachment.creator else None,
                )
            if image is not None:
                self.images[attachment.legacy_id] = image
                if attachment.path:
                    self.images_by_path[attachment.path] = image
            self.gallery_images[attachment.legacy_id] = GalleryImage(
                legacy_id=attachment.legacy_id,
                url=image.file.url if image is not None else attachment.url,
                alt=(image.alt_text if image is not None else attachment.alt) or attachment.title,
                caption=attachment.caption,
            )

    def _add_image_file(self, path: str, *, alt: str, caption: str, legacy_id=None, legacy_url="", uploaded_by=None):
        """Store one file from --uploads through the media library's Pillow pipeline, or report it missing."""
        file_path = self._find_upload(path)
        if file_path is None:
            self.report.count("images", "skipped")
            self.report.missing(path or legacy_url)
            return None
        try:
            with file_path.open("rb") as handle:
                image = add_image(
                    file=File(handle, name=file_path.name),
                    alt_text=(alt or file_path.stem.replace("-", " "))[:500],
                    caption=caption,
                    uploaded_by=uploaded_by,
                    legacy_id=legacy_id,
                    legacy_url=legacy_url[:1000],
                )
        except ValidationError as error:
            self.report.count("images", "skipped")
            self.report.note(f"{path}: not imported ({'; '.join(error.messages)}).")
            return None
        self.stored_files.append(image.file.name)
        self.stored_files.extend(rendition["name"] for rendition in image.renditions)
        self.report.count("images", "created")
        return image

    def _find_upload(self, path: str) -> Path | None:
        if not self.uploads_dir or not path:
            return None
        try:
            candidate = (self.uploads_dir / path).resolve()
            # Never read outside the uploads folder, whatever the export says.
            if self.uploads_dir.resolve() not in candidate.parents or not candidate.is_file():
                return None
        except (OSError, ValueError):  # a name too long for the file system: no such file here
            return None
        return candidate

    def _rewrite_upload_urls(self, body: str) -> str:
        """Point …/wp-content/uploads/… URLs (and resized variants) at the imported images."""
        if "/wp-content/uploads/" not in body and ".files.wordpress.com/" not in body:
            return body

        def replace(match: re.Match) -> str:
            path = match.group("path")
            image = self.images_by_path.get(path) or self.images_by_path.get(SIZE_SUFFIX.sub("", path))
            if image is None and self.uploads_dir:
                # A file the body uses that was never an attachment: still worth bringing over.
                original = SIZE_SUFFIX.sub("", path)
                legacy = Image.objects.filter(legacy_url=match.group(0)[:1000]).first()
                image = legacy or (
                    self._add_image_file(original, alt="", caption="", legacy_url=match.group(0))
                    if self._find_upload(original)
                    else None
                )
                if image is not None:
                    self.images_by_path[original] = image
            return image.file.url if image is not None else match.group(0)

        body = UPLOAD_URL.sub(replace, body)
        return _WPCOMUPLOAD_URL.sub(replace, body)
