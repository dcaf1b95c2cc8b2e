"""Importing a WXR file: authors, terms, media, posts, pages and threaded comments, idempotently.

Two passes over the file. The first checks that the XML is sound (so a truncated file is refused
before anything is written) and gathers the small things the second needs up front: authors,
categories, tags and attachments. The second streams the items and writes them in batches inside
one transaction. Everything is matched on its WordPress ID (``legacy_id``), so importing the same
file again changes nothing and a newer export of the same site updates what changed.

One module per WordPress object kind: ``run`` (the passes, dispatch and what a failed run undoes),
``base`` (shared state, fingerprints, counted saves), ``authors``, ``terms``, ``media``, ``posts``
(posts and pages), ``comments``, and ``values`` (column sizes, id limits, dates).
"""

from .base import Progress
from .run import WxrImporter, reserve_ids_up_to
from .values import LARGEST_RESERVED_ID, LARGEST_STORABLE_ID, storable_id

__all__ = ["LARGEST_RESERVED_ID", "LARGEST_STORABLE_ID", "Progress", "WxrImporter", "reserve_ids_up_to", "storable_id"]
