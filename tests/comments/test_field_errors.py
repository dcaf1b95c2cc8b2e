"""A field's messages sit in one element with one id, however many there are (ids must be unique on a page)."""

import re

import pytest
from django.template.loader import render_to_string

from comments.forms import CommentForm
from tests.comments.helpers import comment_data
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_a_field_with_two_errors_shows_both_under_one_id():
    post = PostFactory()
    form = CommentForm(comment_data(post, comment="Fine."), target=post)
    form.is_valid()
    form.add_error("comment", "Your comment is too short.")
    form.add_error("comment", "Please add a sentence.")

    html = render_to_string("comments/field.html", {"field": form["comment"], "required": True})

    assert re.findall(r'id="([^"]+)"', html).count("id_comment_error") == 1
    assert "Your comment is too short. Please add a sentence." in html
