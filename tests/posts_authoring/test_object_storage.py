"""MEDIA_STORAGE=s3: figures live in an S3-compatible bucket, so every app server shows every upload.

Tested against a real S3 protocol endpoint (moto's server mode on loopback), never a mock of our code.
"""

import pytest
import requests

from accounts import roles
from posts.models import Image
from posts.services import add_image
from tests.factories import PostFactory
from tests.posts_authoring.conftest import user_with_role
from tests.posts_authoring.imagefiles import image_bytes, upload

pytestmark = pytest.mark.django_db


def stored_keys(bucket) -> set[str]:
    return {item.key for item in bucket.objects.all()}


def test_an_upload_in_the_admin_lands_in_the_bucket_with_its_renditions_and_readers_fetch_it_there(client, s3_media):
    author = user_with_role(roles.AUTHOR, "rosa")
    client.force_login(author)

    client.post(
        "/admin/posts/image/add/",
        {"file": upload(image_bytes("JPEG", size=(1400, 900)), "MRI scan.jpg"), "alt_text": "An MRI scan"},
    )

    image = Image.objects.get()
    assert stored_keys(s3_media) == set(image.stored_names())
    assert len(image.renditions) == 4  # 480 and 960 px, each as WebP and JPEG
    post = PostFactory(body=f"Before.\n\n[figure {image.pk}]\n\nAfter.")
    page = client.get(post.get_absolute_url()).content.decode()
    endpoint = s3_media.meta.client.meta.endpoint_url
    assert f"{endpoint}/{s3_media.name}/{image.file.name}" in page
    served = requests.get(image.file.url, timeout=10)
    assert served.status_code == 200
    assert served.content[:3] == b"\xff\xd8\xff"  # the JPEG itself, from the bucket


def test_deleting_an_image_removes_its_files_from_the_bucket(s3_media, django_capture_on_commit_callbacks):
    image = add_image(file=upload(image_bytes("PNG", size=(1000, 600)), "chart.png"), alt_text="A chart")
    assert stored_keys(s3_media) == set(image.stored_names())

    with django_capture_on_commit_callbacks(execute=True):
        image.delete()

    assert stored_keys(s3_media) == set()


def test_the_same_name_twice_never_overwrites_an_earlier_figure(s3_media):
    first = add_image(file=upload(image_bytes("PNG", color="red"), "figure.png"), alt_text="First")
    second = add_image(file=upload(image_bytes("PNG", color="blue"), "figure.png"), alt_text="Second")

    assert first.file.name != second.file.name
    assert {first.file.name, second.file.name} <= stored_keys(s3_media)
