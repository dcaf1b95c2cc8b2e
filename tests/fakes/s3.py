"""A local S3 endpoint: moto's server mode on a free loopback port, for the object-storage tests and the cluster.

In tests, ``s3_endpoint()`` runs it on a thread of the test process. ``python -m tests.fakes.s3`` runs it as
a process of its own (``make cluster``) and prints ``S3_ENDPOINT_URL=http://127.0.0.1:<port>`` once it listens.
"""

import contextlib
import json
import sys
import threading
from collections.abc import Iterator

import boto3
from moto.server import ThreadedMotoServer

# moto accepts any credentials; these only have to be the same on both sides.
ACCESS_KEY, SECRET_KEY, REGION = "testing-access-key", "testing-secret-key", "us-east-1"


@contextlib.contextmanager
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def create_bucket(endpoint_url: str, name: str) -> None:
    client = boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )
    client.create_bucket(Bucket=name)
    # As docs/deploy.md tells operators: readers fetch figures straight from the bucket, anonymously.
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}
        ],
    }
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))


def storage_options(endpoint_url: str, bucket: str) -> dict:
    """What settings.STORAGES["default"] holds for MEDIA_STORAGE=s3 pointed at this endpoint."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url,
            "region_name": REGION,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }


if __name__ == "__main__":
    with s3_endpoint() as url:
        for bucket in sys.argv[1:]:
            create_bucket(url, bucket)
        print(f"S3_ENDPOINT_URL={url}", flush=True)
        threading.Event().wait()
