"""Read pages as readers do, with the full-page cache on (the `page_cache` fixture in tests/conftest.py)."""


def read(client, url: str, **headers):
    """A GET as a browser sends it; returns the response (its X-Page-Cache says hit or miss)."""
    return client.get(url, headers=headers)


def html(client, url: str, **headers) -> str:
    response = read(client, url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()
