"""The browser tests never reach the internet: what a page would fetch from elsewhere is answered here."""

import io
import re

from PIL import Image as PILImage
from PIL import ImageDraw


def placeholder_avatar() -> bytes:
    """A plain grey avatar: the browser tests never reach Gravatar (or the internet)."""
    picture = PILImage.new("RGB", (56, 56), (214, 222, 230))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((18, 9, 38, 29), fill=(150, 163, 178))
    draw.ellipse((8, 32, 48, 72), fill=(150, 163, 178))
    output = io.BytesIO()
    picture.save(output, format="PNG")
    return output.getvalue()


def offline_avatars(context) -> None:
    avatar = placeholder_avatar()
    context.route(
        re.compile(r"https://(secure|www)\.gravatar\.com/.*"),
        lambda route: route.fulfill(status=200, content_type="image/png", body=avatar),
    )
