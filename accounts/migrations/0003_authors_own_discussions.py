"""Authors read, answer and (if the discussion settings allow) moderate the comments under their own posts."""

from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import sync_roles

    sync_roles(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_authors_create_tags"), ("comments", "0005_discussion_authors_moderate_own_posts")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
