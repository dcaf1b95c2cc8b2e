from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(*, using: str, **kwargs) -> None:
    """`migrate` also creates the table of a database cache (the embedded default; nothing with Redis)."""
    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self) -> None:
        from accounts import checks  # noqa: F401  (registers the system checks)
        from accounts.roles import give_demo_author_a_role
        from posts.signals import demo_content_loaded

        demo_content_loaded.connect(give_demo_author_a_role, dispatch_uid="accounts.roles.give_demo_author_a_role")

        # Login limits and one-time codes live in the cache, which must be shared by every worker process.
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="accounts.create_cache_table")
