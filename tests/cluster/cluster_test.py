"""The cluster proves the site runs on several machines: what one app server does, the other sees.

Not part of `make test` (it needs the machine's PostgreSQL and Redis); .ci/run runs it:
    .venv/bin/python -m pytest tests/cluster/cluster_test.py
PostgreSQL and Redis come from CLUSTER_DATABASE_URL (a database of its own is created and dropped) and REDIS_URL;
everything else (two gunicorn servers, an RQ worker, a local S3 endpoint) the test starts itself.
"""

import email
import email.policy
import html
import io
import os
import re
import time
import uuid

import pytest
import requests
from PIL import Image as PILImage

from tests.cluster.cluster import Cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    tag = uuid.uuid4().hex[:10]
    server = os.environ.get("CLUSTER_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
    running = Cluster(
        database_url=f"{server}/mssite_cluster_{tag}",
        redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        workdir=tmp_path_factory.mktemp("cluster"),
        tag=tag,
    )
    try:
        running.start()
        running.shell(
            "from django.contrib.auth import get_user_model; from posts.models import Post; "
            "from django.utils import timezone; "
            "admin = get_user_model().objects.create_superuser('root', 'root@example.org', 'cluster-pass-1234'); "
            "Post.objects.create(title='Rituximab for SPMS?', slug='rituximab-for-spms', author=admin, "
            "body='Does it help?', status='published', published_at=timezone.now() - timezone.timedelta(days=1))"
        )
        yield running
    finally:
        running.stop()
        running.drop_database()


def post_url(cluster: Cluster) -> str:
    return cluster.shell("from posts.models import Post; print(Post.objects.get().get_absolute_url())")


def form_field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no {name} field"
    return html.unescape(found.group(1))


def admin_session(cluster: Cluster, server: str) -> requests.Session:
    session = requests.Session()
    login = session.get(cluster.url(server, "/admin/login/"))
    response = session.post(
        cluster.url(server, "/admin/login/?next=/admin/"),
        {
            "username": "root",
            "password": "cluster-pass-1234",
            "csrfmiddlewaretoken": form_field(login.text, "csrfmiddlewaretoken"),
        },
    )
    assert response.url.endswith("/admin/"), response.text[:500]
    return session


def wait_for(condition, timeout: float = 60, step: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


def test_a_comment_posted_on_a_while_the_worker_is_dead_is_mailed_once_after_restart_and_read_on_b(cluster):
    path = post_url(cluster)
    reader = requests.Session()
    assert "Does it help?" in reader.get(cluster.url("b", path)).text  # B has the page (and any cache of it)

    form = reader.get(cluster.url("a", path)).text
    posting = cluster.shell(
        "from comments.links import posting_url; from posts.models import Post; print(posting_url(Post.objects.get()))"
    )
    cluster.kill_worker()  # the only worker dies: nothing can send mail now
    time.sleep(3.2)  # a human takes a few seconds to write (the form refuses faster robots)
    posted = reader.post(
        cluster.url("a", posting),
        {
            # A page from the full-page cache carries no CSRF token; anonymous comments need none (speed's design).
            "csrfmiddlewaretoken": form_field(form, "csrfmiddlewaretoken") if "csrfmiddlewaretoken" in form else "",
            "timestamp": form_field(form, "timestamp"),
            "comment": "Posted through A while the worker was down.",
            "name": "Nora Reader",
            "email": "nora@example.org",
            "url": "",
            "parent": "",
            "homepage": "",
        },
        allow_redirects=False,
    )
    assert posted.status_code == 302, posted.text[:2000]

    # Held for moderation (a first comment): its author sees it through B, whose session is the same one.
    assert "Posted through A while the worker was down." in reader.get(cluster.url("b", path)).text
    assert "Posted through A while the worker was down." not in requests.get(cluster.url("b", path)).text
    queue = requests.get(cluster.url("b", "/healthz")).json()["queue"]
    assert queue["oldest_waiting_seconds"] is not None  # the moderator's email waits in Redis
    time.sleep(1)
    assert cluster.sent_mail() == []

    cluster.start_worker()
    delivered = wait_for(cluster.sent_mail)
    time.sleep(3)  # anything sent twice would have arrived by now
    mails = cluster.sent_mail()
    assert len(mails) == 1, mails
    message = email.message_from_string(delivered[0].strip(), policy=email.policy.default)
    assert message["To"] == "root@example.org"
    assert message["Subject"].strip() == "[MS Research Notes] Please moderate: “Rituximab for SPMS?”"

    # The moderator approves it on A; an anonymous reader on B sees it on the next request.
    moderator = admin_session(cluster, "a")
    changelist = moderator.get(cluster.url("a", "/admin/comments/comment/?comment_status=pending"))
    comment_id = re.search(r'name="_selected_action" value="(\d+)"', changelist.text)[1]
    moderator.post(
        cluster.url("a", "/admin/comments/comment/"),
        {
            "csrfmiddlewaretoken": form_field(changelist.text, "csrfmiddlewaretoken"),
            "action": "bulk_approve",
            "_selected_action": comment_id,
        },
    )
    assert "Posted through A while the worker was down." in requests.get(cluster.url("b", path)).text


def test_an_image_uploaded_through_a_is_served_from_object_storage_through_b(cluster):
    editor = admin_session(cluster, "a")
    add = editor.get(cluster.url("a", "/admin/posts/image/add/"))
    picture = io.BytesIO()
    PILImage.new("RGB", (1200, 800), "steelblue").save(picture, "JPEG")
    response = editor.post(
        cluster.url("a", "/admin/posts/image/add/"),
        data={"csrfmiddlewaretoken": form_field(add.text, "csrfmiddlewaretoken"), "alt_text": "An MRI scan"},
        files={"file": ("mri-scan.jpg", picture.getvalue(), "image/jpeg")},
    )
    assert response.status_code == 200, response.text[:1000]
    image_id = cluster.shell("from posts.models import Image; print(Image.objects.get(alt_text='An MRI scan').pk)")
    cluster.shell(
        "from posts.models import Post; post = Post.objects.get(); "
        f"post.body = 'Before.\\n\\n[figure {image_id}]\\n\\nAfter.'; post.save()"
    )

    page = requests.get(cluster.url("b", post_url(cluster))).text
    sources = re.findall(r'src="([^"]+)"', page)
    stored = [source for source in sources if source.startswith(f"{cluster.s3_endpoint}/{cluster.bucket}/")]
    assert stored, sources
    served = requests.get(html.unescape(stored[0]), timeout=10)
    assert served.status_code == 200
    assert served.content[:3] == b"\xff\xd8\xff"  # a JPEG, from the bucket, not from either app server


def test_a_large_photo_uploaded_through_a_gets_its_renditions_from_the_worker_and_b_shows_them(cluster):
    """Above 3 MP the upload stores only the original; the RQ worker makes the renditions in the bucket."""
    editor = admin_session(cluster, "a")
    add = editor.get(cluster.url("a", "/admin/posts/image/add/"))
    picture = io.BytesIO()
    PILImage.radial_gradient("L").resize((2400, 1600)).convert("RGB").save(picture, "JPEG")  # 3.8 MP
    response = editor.post(
        cluster.url("a", "/admin/posts/image/add/"),
        data={"csrfmiddlewaretoken": form_field(add.text, "csrfmiddlewaretoken"), "alt_text": "A ward photo"},
        files={"file": ("ward.jpg", picture.getvalue(), "image/jpeg")},
    )
    assert response.status_code == 200, response.text[:1000]
    image_id = cluster.shell("from posts.models import Image; print(Image.objects.get(alt_text='A ward photo').pk)")
    cluster.shell(
        "from posts.models import Post; post = Post.objects.get(); "
        f"post.body = 'A photo.\\n\\n[figure {image_id}]'; post.save()"
    )

    deadline = time.monotonic() + 90
    while True:
        page = requests.get(cluster.url("b", post_url(cluster))).text
        if 'type="image/webp"' in page or time.monotonic() > deadline:
            break
        time.sleep(1)
    figure = re.search(r"<figure.*?</figure>", page, re.DOTALL)
    assert figure, page[:2000]
    assert 'type="image/webp"' in figure.group(0), figure.group(0)  # B's next request had them
    renditions = re.findall(
        r"(https?://[^\s\"]+\.(?:480|960|1600)w\.(?:webp|jpg)) \d+w", html.unescape(figure.group(0))
    )
    assert len(renditions) == 6, figure.group(0)
    for address in renditions:
        assert address.startswith(f"{cluster.s3_endpoint}/{cluster.bucket}/")
        served = requests.get(address, timeout=10)
        assert served.status_code == 200, address


def test_a_backup_restores_into_an_empty_database_with_its_media(cluster, tmp_path):
    """docs/deploy/backup.sh then restore.sh, as docs/deploy.md tells an operator to try before needing it."""
    import subprocess

    from tests.cluster.cluster import ROOT, _admin_connection

    media = tmp_path / "media"
    (media / "uploads" / "2026").mkdir(parents=True)
    (media / "uploads" / "2026" / "figure.jpg").write_bytes(b"\xff\xd8\xff figure")
    counts = "from posts.models import Post; from comments.models import Comment; print(Post.objects.count(), Comment.objects.count())"
    before = cluster.shell(counts)
    env = {**os.environ, "DATABASE_URL": cluster.database_url, "MEDIA_ROOT": str(media), "MEDIA_STORAGE": "filesystem"}
    made = subprocess.run(
        [str(ROOT / "docs" / "deploy" / "backup.sh"), str(tmp_path / "backups")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    backup = made.stdout.strip().splitlines()[-1]

    restored_url = f"{cluster.database_url}_restored"
    connection, name = _admin_connection(restored_url)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        restored_media = tmp_path / "restored-media"
        env = {**env, "DATABASE_URL": restored_url, "MEDIA_ROOT": str(restored_media)}
        done = subprocess.run(
            [str(ROOT / "docs" / "deploy" / "restore.sh"), backup], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        check = Cluster(database_url=restored_url, redis_url=cluster.redis_url, workdir=tmp_path, tag=cluster.tag)
        check.s3_endpoint = cluster.s3_endpoint
        assert check.shell(counts) == before
        assert "No planned migration operations." in check.manage("migrate", "--plan")
        assert (restored_media / "uploads" / "2026" / "figure.jpg").read_bytes() == b"\xff\xd8\xff figure"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()
