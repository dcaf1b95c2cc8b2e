"""Counters that protect the site are shared by every worker process in the embedded default (no Redis)."""

import pytest

ADMIN_LOGIN = """
from django.test import Client
client = Client()
for _ in range({wrong}):
    client.post("/admin/login/", {{"username": "editor", "password": "wrong guess"}})
response = client.post("/admin/login/", {{"username": "editor", "password": "{password}"}})
print("signed in" if response.status_code == 302 else "refused")
"""


@pytest.fixture(scope="module")
def site(embedded_site):
    embedded_site.run(
        "from django.contrib.auth.models import User; "
        "User.objects.create_user('editor', 'editor@example.org', 'the right one', is_staff=True); print('ok')"
    )
    return embedded_site


def test_the_embedded_default_cache_is_shared_by_processes(site):
    assert site.run("from django.core.cache import cache; print(cache.add('shared-key', 1, 60))") == "True"
    assert site.run("from django.core.cache import cache; print(cache.add('shared-key', 1, 60))") == "False"


def test_a_lockout_counted_by_one_worker_holds_in_another(site):
    # Five wrong passwords in one worker process...
    assert site.run(ADMIN_LOGIN.format(wrong=4, password="wrong again")) == "refused"
    # ...lock the account in the next one.

    assert site.run(ADMIN_LOGIN.format(wrong=0, password="the right one")) == "refused"
