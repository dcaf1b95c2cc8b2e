"""The WSGI application gunicorn serves: Django, behind the store of cached public pages.

`StoredPages` (posts/pagecache.py) answers a repeat anonymous request for a cached page before Django builds a
request object or runs any middleware; everything else is Django as usual.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mssite.settings")

django_application = get_wsgi_application()

from posts.pagecache import StoredPages  # noqa: E402  (needs the settings configured above)

application = StoredPages(django_application)
