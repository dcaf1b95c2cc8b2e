"""The Django admin, configured for this site: its admin site is mssite.admin.SiteAdmin."""

from django.contrib.admin.apps import AdminConfig


class SiteAdminConfig(AdminConfig):
    """Replaces "django.contrib.admin" in INSTALLED_APPS, so `admin.site` is the project's own site."""

    default_site = "mssite.admin.SiteAdmin"

    def ready(self) -> None:
        super().ready()  # every app registers its own models (autodiscover)
        from mssite.admin import register_composed_admins

        register_composed_admins()
