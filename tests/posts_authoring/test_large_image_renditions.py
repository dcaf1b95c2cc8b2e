"""Large uploads: the request stores the original and a task worker makes the renditions.

An author uploads a 12-megapixel photo; the request answers once the original is stored, the figure shows that
original at once (never a broken image), and when the worker has made the smaller copies the pages that show it
use them on the very next request. A worker that dies halfway, runs twice or meets a storage hiccup still leaves
exactly one correct set. These tests lower the inline threshold so small test images take the large-upload path.
"""

import datetime
import io
import re
from unittest import mock

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image as PILImage

from accounts import roles
from posts import images, renditions
from posts.models import Image
from posts.services import add_image
from tests.factories import PostFactory, UserFactory
from tests.posts_authoring.conftest import user_with_role
from tests.posts_authoring.imagefiles import image_bytes, upload
from tests.queue import run_worker

pytestmark = pytest.mark.django_db

ALL_SIX = {(width, fmt) for width in (480, 960, 1600) for fmt in ("webp", "jpeg")}


@pytest.fixture(autouse=True)
def large_from_one_megapixel(monkeypatch):
    """Anything over 1 MP counts as large here (the real threshold is 3 MP), so the tests stay quick."""
    monkeypatch.setattr(images, "INLINE_RENDITION_PIXELS", 1_000_000)


def upload_in_the_editor(client, content: bytes, name: str = "ward-round.jpg"):
    author = user_with_role(roles.AUTHOR, "rosa")
    client.force_login(author)
    return client.post("/admin/posts/image/upload/", {"file": upload(content, name), "alt_text": "The ward"})


def made(image: Image) -> set[tuple[int, str]]:
    return {(item["width"], item["format"]) for item in image.renditions}


def opened(name: str) -> PILImage.Image:
    with default_storage.open(name) as stored:
        picture = PILImage.open(io.BytesIO(stored.read()))
        picture.load()
    return picture


def stored_files(image: Image) -> set[str]:
    folder = image.file.name.rsplit("/", 1)[0]
    return {f"{folder}/{name}" for name in default_storage.listdir(folder)[1]}


def test_a_large_upload_answers_with_the_original_stored_and_its_renditions_queued(
    client, database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_in_the_editor(client, image_bytes("JPEG", size=(2000, 1000)))

    assert response.status_code == 201
    image = Image.objects.get()
    assert image.renditions == []
    assert opened(image.file.name).size == (2000, 1000)
    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.status, queued.args_kwargs["args"]) == (
        "posts.tasks.make_renditions",
        "READY",
        [image.pk],
    )
    # The editor's picker gets a thumbnail that works now: the original.
    assert response.json()["thumbnail_url"] == image.file.url

    run_worker()

    image.refresh_from_db()
    assert made(image) == ALL_SIX
    for item in image.renditions:
        picture = opened(item["name"])
        assert picture.size == (item["width"], item["width"] // 2) == (item["width"], item["height"])
        assert picture.format == item["format"].upper()
    assert stored_files(image) == set(image.stored_names())
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_before_the_worker_runs_the_post_shows_the_original_and_after_it_the_renditions_at_once(
    client, database_queue, page_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload_in_the_editor(client, image_bytes("JPEG", size=(2000, 1000)))
    image = Image.objects.get()
    post = PostFactory(body=f"Before.\n\n[figure {image.pk}]\n\nAfter.")
    reader = Client()
    reader.get(post.get_absolute_url())  # the very first page view creates the site's settings rows

    before = reader.get(post.get_absolute_url())
    assert (before.status_code, before["X-Page-Cache"]) == (200, "miss")
    page = before.content.decode()
    figure = re.search(r"<figure.*?</figure>", page, re.DOTALL).group(0)
    assert f'src="{image.file.url}"' in figure
    assert f'srcset="{image.file.url} 2000w"' in figure  # only the original, which exists
    assert "image/webp" not in figure
    assert 'width="2000" height="1000"' in figure
    assert 'alt="The ward"' in figure
    assert opened(image.file.name).size == (2000, 1000)  # the file behind that src is there, whole
    assert reader.get(post.get_absolute_url())["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        run_worker()

    response = reader.get(post.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"  # the worker's save emptied the page cache
    after = response.content.decode()
    image.refresh_from_db()
    assert '<source type="image/webp"' in after
    for item in image.renditions:
        assert f"{default_storage.url(item['name'])} {item['width']}w" in after


def test_with_the_immediate_backend_the_renditions_exist_once_the_upload_commits(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_in_the_editor(client, image_bytes("PNG", size=(1800, 1200)), "ms-courses.png")

    assert response.status_code == 201
    image = Image.objects.get()
    assert made(image) == {(width, fmt) for width in (480, 960, 1600) for fmt in ("webp", "png")}
    assert image.srcset("webp").endswith("ms-courses-png.1600w.webp 1600w")


def test_an_image_at_the_threshold_gets_its_renditions_in_the_request_and_queues_nothing(database_queue):
    image = add_image(file=upload(image_bytes("JPEG", size=(1000, 1000)), "square.jpg"), alt_text="Square")

    assert made(image) == {(480, "webp"), (480, "jpeg"), (960, "webp"), (960, "jpeg")}
    assert not DBTaskResult.objects.exists()


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside the task: it stops mid-way, with no cleanup and no retry."""


def test_a_worker_killed_halfway_leaves_one_correct_set_after_the_rerun(
    database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = add_image(file=upload(image_bytes("JPEG", size=(2000, 1000)), "scan.jpg"), alt_text="Scan")
    default_storage.exists("warm-up")  # DefaultStorage is lazy: make the real storage exist
    storage_class = type(default_storage._wrapped)
    original_save = storage_class.save
    saves = []

    def dies_on_the_fourth_file(storage, name, content, *args, **kwargs):
        if len(saves) == 3:
            raise WorkerKilled
        saves.append(name)
        return original_save(storage, name, content, *args, **kwargs)

    with mock.patch.object(storage_class, "save", dies_on_the_fourth_file), pytest.raises(WorkerKilled):
        renditions.finish(image.pk)
    image.refresh_from_db()
    assert image.renditions == []
    assert len(stored_files(image)) == 1 + 3  # the original and three files nobody records yet
    with default_storage.open(saves[0], "wb") as half_written:
        half_written.write(b"\xff\xd8 cut off")  # a file the dying worker was still writing

    # The restarted worker's recovery: the management command queues what is missing, a worker makes it.
    call_command("make_renditions", stdout=io.StringIO())
    run_worker()
    call_command("make_renditions", stdout=io.StringIO())  # again: nothing is missing, nothing more is made
    run_worker()

    image.refresh_from_db()
    assert made(image) == ALL_SIX
    assert stored_files(image) == set(image.stored_names())  # no orphan beside a fresh copy
    assert len(image.stored_names()) == 7
    for item in image.renditions:
        assert opened(item["name"]).size == (item["width"], item["height"])
    assert [task.args_kwargs["args"] for task in DBTaskResult.objects.filter(status="SUCCESSFUL")] == [[image.pk]] * 2
    assert renditions.finish(image.pk) == 0


def test_running_the_task_twice_makes_the_renditions_once(database_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image = add_image(file=upload(image_bytes("JPEG", size=(2000, 1000)), "scan.jpg"), alt_text="Scan")
    from posts.tasks import make_renditions

    make_renditions.enqueue(image.pk)  # a duplicate, as a second `make_renditions` run would queue
    run_worker()

    image.refresh_from_db()
    assert made(image) == ALL_SIX
    assert stored_files(image) == set(image.stored_names())
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == [0, 6]


def test_a_storage_hiccup_is_retried_with_backoff_and_a_lasting_failure_is_visible_to_administrators(
    client, database_queue, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        image = add_image(file=upload(image_bytes("JPEG", size=(2000, 1000)), "scan.jpg"), alt_text="Scan")
    real = renditions.renditions_of_stored
    with mock.patch.object(renditions, "renditions_of_stored", side_effect=OSError("The bucket did not answer")):
        run_worker()
        retry = DBTaskResult.objects.get(status="READY")
        assert retry.args_kwargs["args"] == [image.pk, 2]
        assert datetime.timedelta(seconds=50) < retry.run_after - timezone.now() <= datetime.timedelta(minutes=1)
        later = timezone.now()
        for wait in (1, 10, 60):  # minutes: the 2nd, 3rd and 4th attempts, each refused
            later += datetime.timedelta(minutes=wait, seconds=1)
            with time_machine.travel(later):
                run_worker()

    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.args_kwargs["args"] == [image.pk, 4]
    assert "The bucket did not answer" in failed.traceback
    assert "Gave up making the renditions of image" in caplog.text
    image.refresh_from_db()
    assert image.renditions == []
    assert opened(image.file.name).size == (2000, 1000)  # still shown, as the original
    client.force_login(UserFactory(username="ada", is_staff=True, is_superuser=True))
    listing = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert "make_renditions" in listing.content.decode()
    change = client.get(f"/admin/posts/image/{image.pk}/change/").content.decode()
    assert "The smaller copies are being made by the task worker" in change

    with mock.patch.object(renditions, "renditions_of_stored", real):
        call_command("make_renditions", stdout=io.StringIO())
        run_worker()
    image.refresh_from_db()
    assert made(image) == ALL_SIX


def test_an_image_deleted_before_its_task_runs_leaves_no_files(database_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image = add_image(file=upload(image_bytes("JPEG", size=(2000, 1000)), "gone.jpg"), alt_text="Gone")
    folder = image.file.name.rsplit("/", 1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()

    run_worker()

    assert default_storage.listdir(folder)[1] == []
    assert DBTaskResult.objects.get().return_value == 0


def test_the_make_renditions_command_lists_without_queueing_on_a_dry_run(
    database_queue, django_capture_on_commit_callbacks
):
    with mock.patch("posts.tasks.enqueue_renditions_on_commit"):
        image = add_image(file=upload(image_bytes("JPEG", size=(2000, 1000)), "lost.jpg"), alt_text="Lost")
    out = io.StringIO()

    call_command("make_renditions", "--dry-run", stdout=out)

    assert f"Would make the renditions of image {image.pk}" in out.getvalue()
    assert not DBTaskResult.objects.exists()


def test_on_object_storage_the_worker_reads_the_original_from_the_bucket_and_writes_the_renditions_there(
    s3_media, database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = add_image(file=upload(image_bytes("JPEG", size=(2000, 1000)), "mri.jpg"), alt_text="MRI")
    assert {item.key for item in s3_media.objects.all()} == {image.file.name}

    run_worker()

    image.refresh_from_db()
    assert made(image) == ALL_SIX
    assert {item.key for item in s3_media.objects.all()} == set(image.stored_names())
