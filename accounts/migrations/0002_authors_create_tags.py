"""Authors may create tags (from the post form's tag picker); existing groups get the permission."""

from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import sync_roles

    sync_roles(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_roles"), ("posts", "0003_revisions_and_autosaves")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
