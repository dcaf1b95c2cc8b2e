"""A 500 MB export imports in bounded memory: the reader streams and forgets each item once read."""

import io

import pytest

from comments.models import Comment
from posts.models import Post
from wordpress import importer
from wordpress import wxr as reader
from wordpress.services import import_wxr


def test_reader_holds_one_item_at_a_time(wxr, monkeypatch):
    body = "<p>" + "Words of a long post. " * 200 + "</p>"  # about 4 KB per item, 800 KB in all
    document = wxr.document(
        *(
            wxr.item(number, f"Post {number}", content=body, comments=(wxr.comment(number * 10),))
            for number in range(1, 201)
        )
    )
    channels = []
    real_iterparse = reader.iterparse

    def spying_iterparse(*args, **kwargs):
        for event, element in real_iterparse(*args, **kwargs):
            if event == "start" and element.tag == "channel":
                channels.append(element)
            yield event, element

    monkeypatch.setattr(reader, "iterparse", spying_iterparse)
    retained = []
    items = 0
    for record in reader.read(io.BytesIO(document.encode())):
        if isinstance(record, reader.Item):
            items += 1
            retained.append(len(channels[0]))

    assert items == 200
    # The parser reads 16 KB at a time, so a few items may be in memory at once: never the 199 read before.
    assert max(retained) <= 6
    assert len(channels[0]) == 0


def test_count_items_for_the_progress_bar_reads_in_chunks(wxr, monkeypatch):
    document = wxr.document(*(wxr.item(number, f"Post {number}") for number in range(1, 51))).encode()
    chunk = document.index(b"<item>", 5000) + 3  # an "<item" split across two reads
    source = io.BytesIO(document)
    real_read = source.read
    monkeypatch.setattr(source, "read", lambda size=-1: real_read(chunk if size and size > 0 else size))

    assert reader.count_items(source) == 50
    assert source.tell() == 0


@pytest.mark.django_db
def test_many_posts_import_in_batches_with_their_threads(wxr, monkeypatch):
    monkeypatch.setattr(importer.run, "POST_BATCH", 7)
    monkeypatch.setattr(importer.run, "COMMENT_BATCH", 20)
    export = wxr.write(
        *(
            wxr.item(
                number,
                f"Post {number}",
                comments=(
                    wxr.comment(number * 10, date_gmt="2024-05-02 09:00:00"),
                    wxr.comment(number * 10 + 1, parent=number * 10, date_gmt="2024-05-02 10:00:00"),
                    wxr.comment(number * 10 + 2, parent=number * 10 + 1, date_gmt="2024-05-02 11:00:00"),
                ),
            )
            for number in range(1, 41)
        )
    )
    progress = []

    report = import_wxr(source=export, progress=lambda phase, done, total: progress.append((phase, done, total)))

    assert Post.objects.count() == 40
    assert Comment.objects.count() == 120
    assert report.counts["comments"]["created"] == 120
    assert sorted(set(Comment.objects.values_list("depth", flat=True))) == [1, 2, 3]
    deepest = Comment.objects.get(legacy_id=402)
    assert deepest.parent.legacy_id == 401
    assert deepest.parent.parent.legacy_id == 400
    assert progress[-1] == ("importing", 40, 40)
