from django.apps import AppConfig


class PostsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "posts"

    def ready(self):
        from . import pagecache

        # Everything in this app shows on public pages (posts, pages, categories, tags, images, old slugs).
        pagecache.watch_app(self.label)
