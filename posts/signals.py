"""Signals other apps listen to, so posts never needs to know about them."""

from django.dispatch import Signal

# Sent by `manage.py load_demo` once the demo posts exist, inside its transaction.
# Keyword arguments: `author` (the demo author, a User) and `posts` (a dict mapping each demo
# post's slug to its Post). A receiver adds its own demo content for those posts and returns a
# one-line summary of what it created (or None); load_demo prints the summaries.
demo_content_loaded = Signal()
