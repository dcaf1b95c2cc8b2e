"""Post and page bodies turned into safe HTML, once, when they are saved.

Markdown (CommonMark with tables and strikethrough) or imported WordPress HTML goes through one
sanitiser with an explicit allow-list, so nothing an author pastes can run script in a reader's browser.

Figures use a short syntax on a line of their own::

    [figure 12]
    [figure 12 caption="Disability over time in the four courses of MS"]

12 is the id of an image in the media library (shown on its admin page). The figure gets the image's
renditions as a responsive ``srcset``, its alt text, and a caption (the override, else the image's
caption) with the image's credit. An unknown id renders nothing.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import nh3
from django.apps import apps
from django.db import models
from django.utils.html import format_html, strip_tags
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from .url_policy import URL_SCHEMES, filter_url_attribute

FIGURE_SYNTAX_HELP = (
    'Insert a figure with [figure 12] or [figure 12 caption="Your caption"] on a line of its own '
    "(12 is the image's id in the media library). Put <!--more--> where the excerpt should end."
)
EXCERPT_WORDS = 55  # WordPress's default excerpt length
FIGURE_SIZES = "(max-width: 50rem) 100vw, 50rem"

FIGURE_LINE = re.compile(r'^\[figure\s+(?P<id>\d{1,18})(?:\s+caption="(?P<caption>[^"]*)")?\s*\]$')
MORE_MARKER = re.compile(r"<!--\s*more\b.*?-->", re.IGNORECASE | re.DOTALL)
FIGURE_ELEMENT = re.compile(r"<figure\b.*?</figure>", re.IGNORECASE | re.DOTALL)

_CLASS_ONLY = {"class"}
ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "a", "img", "picture", "source",
    "figure", "figcaption", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "code", "pre", "kbd",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "em", "strong", "b", "i", "u",
    "del", "s", "ins", "mark", "sup", "sub", "small", "abbr", "cite", "q", "span", "div",
    "audio", "video", "details", "summary",
}  # fmt: skip
_MEDIA = {"src", "controls", "preload", "loop", "class"}  # never autoplay: nothing plays (or sounds) unasked
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel", "id", "aria-label"},
    "img": {"src", "srcset", "sizes", "width", "height", "loading", "alt", "decoding", "title"},
    "source": {"src", "srcset", "sizes", "type", "media"},
    "audio": _MEDIA,
    "video": _MEDIA | {"poster", "width", "height", "muted", "playsinline"},
    "details": {"open", "class"},
    "summary": _CLASS_ONLY,
    "li": {"value", "id"},
    "sup": {"id"},
    "ol": {"start", "reversed", "class"},
    "th": {"colspan", "rowspan", "scope", "style", "class"},
    "td": {"colspan", "rowspan", "style", "class"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "span": _CLASS_ONLY,
    "div": _CLASS_ONLY,
    "figure": _CLASS_ONLY,
    "figcaption": _CLASS_ONLY,
    "code": _CLASS_ONLY,
    "pre": _CLASS_ONLY,
}
# WordPress's layout classes on the elements its editors put them on: alignment, galleries and block classes
# (styled in static/css/site.css). Any other class on these elements is dropped (see _wordpress_classes).
_WORDPRESS_CLASS_TAGS = {"img", "p", "ul", "ol", "li", "hr", "blockquote", "table"}
for _tag in _WORDPRESS_CLASS_TAGS:
    ALLOWED_ATTRIBUTES[_tag] = ALLOWED_ATTRIBUTES.get(_tag, set()) | _CLASS_ONLY
_WORDPRESS_CLASS = re.compile(
    r"^(align(left|right|center|none|wide|full)|wp-[a-z0-9_-]+|blocks-gallery-[a-z0-9_-]+|gallery(-[a-z0-9_-]+)?"
    r"|has-[a-z0-9-]+|is-[a-z0-9-]+|size-[a-z0-9-]+|columns-\d{1,2})$"
)
_SAFE_STYLE = re.compile(r"^\s*text-align\s*:\s*(left|right|center)\s*;?\s*$", re.IGNORECASE)
_PRELOAD = {"none", "metadata", "auto"}
_FOOTNOTE_ID = re.compile(
    r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|fn-?\d+|fnref-?\d+)(?:-link)?$"
)
# A player the source gave no controls would be a still, silent box: readers always get the controls.
_PLAYER_WITHOUT_CONTROLS = re.compile(r"<(audio|video)\b(?![^>]*\bcontrols\b)", re.IGNORECASE)
_CELL_ALIGN_CLASS = re.compile(r"^has-text-align-(left|right|center)$")
# The one style kept (a table cell's alignment), rewritten as WordPress's class: the Content-Security-Policy
# allows no inline style, so a style attribute would be ignored by the browser (and reported).
_CELL_ALIGN_STYLE = re.compile(
    r"""(<t[hd]\b[^>]*?)\sstyle="\s*text-align\s*:\s*(left|right|center)\s*;?\s*"([^>]*>)""", re.IGNORECASE
)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Second line of defence for attributes the allow-list keeps but whose values need a look."""
    if attribute == "style":
        # Markdown tables align columns with style="text-align: …"; nothing else gets through.
        return value if _SAFE_STYLE.match(value) else None
    if attribute == "id":
        # Only footnotes' ids (a reference and its note link to each other): never one that could shadow the
        # page's own (id="comments", id="respond").
        return value if _FOOTNOTE_ID.match(value) else None
    if attribute == "preload":
        return value if value in _PRELOAD else None
    if attribute == "class" and tag in {"th", "td"}:
        return value if _CELL_ALIGN_CLASS.match(value) else None
    if attribute == "class" and tag in _WORDPRESS_CLASS_TAGS:
        return _wordpress_classes(value)
    if attribute == "loading":
        return value if value in {"lazy", "eager"} else None
    if attribute == "decoding":
        return value if value in {"async", "sync", "auto"} else None
    return filter_url_attribute(attribute, value)


def _wordpress_classes(value: str) -> str | None:
    kept = [name for name in value.split() if _WORDPRESS_CLASS.match(name)]
    return " ".join(kept) or None


def sanitize_html(html_source: str) -> str:
    """Keep only the markup a post may contain: no script, style, event handlers or javascript: URLs."""
    cleaned = nh3.clean(
        html_source,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
    cleaned = _PLAYER_WITHOUT_CONTROLS.sub(r"<\1 controls=\"\"", cleaned).strip()
    return _CELL_ALIGN_STYLE.sub(_cell_align_class, cleaned)


def _cell_align_class(match: re.Match) -> str:
    opening, alignment, rest = match.group(1), match.group(2).lower(), match.group(3)
    if " class=" in opening or " class=" in rest:
        return opening + rest  # already aligned by its class
    return f'{opening} class="has-text-align-{alignment}"{rest}'


def _figure_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Block rule: a line that is exactly ``[figure ID]`` or ``[figure ID caption="…"]``."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code
    line = state.src[state.bMarks[start_line] + state.tShift[start_line] : state.eMarks[start_line]].strip()
    match = FIGURE_LINE.match(line)
    if not match:
        return False
    if silent:
        return True
    token = state.push("figure", "figure", 0)
    token.block = True
    token.map = [start_line, start_line + 1]
    token.meta = {"id": int(match["id"]), "caption": match["caption"]}
    state.line = start_line + 1
    return True


def _render_figure(renderer, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    image = env.get("images", {}).get(meta["id"])
    if image is None:
        env.setdefault("missing_image_ids", []).append(meta["id"])
        return ""
    return figure_html(image, caption=meta["caption"]) + "\n"


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.block.ruler.before(
        "paragraph", "figure", _figure_block, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.add_render_rule("figure", _render_figure)
    return md


_MD = _markdown()


@dataclass
class Rendered:
    """Sanitised HTML and the figure ids it referred to that do not exist (for the admin to warn about)."""

    html: str
    missing_image_ids: list[int] = field(default_factory=list)


def figure_html(image, *, caption: str | None = None) -> str:
    """A responsive ``<figure>`` for a media-library image: WebP renditions first, the original format as fallback."""
    caption_text = image.caption if caption is None else caption
    credit = image.credit
    webp_srcset = image.srcset("webp")
    picture_source = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp_srcset, FIGURE_SIZES)
        if webp_srcset
        else ""
    )
    img = format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" loading="lazy" decoding="async" alt="{}">',
        image.file.url,
        image.srcset(),
        FIGURE_SIZES,
        image.width,
        image.height,
        image.alt_text,
    )
    media = format_html("<picture>{}{}</picture>", picture_source, img) if picture_source else img
    # The figure opens the full-size file: a chart's small print is unreadable at phone width.
    media = format_html('<a href="{}">{}</a>', image.file.url, media)
    figcaption = ""
    if caption_text or credit:
        figcaption = format_html(
            "<figcaption>{}{}</figcaption>",
            caption_text,
            format_html(' <span class="figure-credit">{}</span>', credit) if credit else "",
        )
    return format_html('<figure class="figure">{}{}</figure>', media, figcaption)


class BodyFormat(models.TextChoices):
    """How a post or page body is written: Markdown here, or HTML imported from WordPress."""

    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "HTML (imported from WordPress)"


def _images_by_id(ids: set[int]) -> dict:
    Image = apps.get_model("posts", "Image")  # looked up, not imported: the models import this module
    return {image.pk: image for image in Image.objects.filter(pk__in=ids)} if ids else {}


def render(source: str, body_format: str) -> Rendered:
    """Render a body and report figures that point at missing images."""
    from posts.wp_html import wordpress_html_to_html

    if body_format == BodyFormat.HTML:
        return Rendered(scrollable_tables(sanitize_html(wordpress_html_to_html(source))))
    env: dict = {}
    tokens = _MD.parse(source, env)
    for token in tokens:
        for child in token.children or ():
            if child.type in ("s_open", "s_close"):
                child.tag = "del"  # ~~struck~~ text is a removal, as in GitHub's Markdown
    ids = {token.meta["id"] for token in tokens if token.type == "figure"}
    env["images"] = _images_by_id(ids)
    unsafe = _MD.renderer.render(tokens, _MD.options, env)
    return Rendered(scrollable_tables(sanitize_html(unsafe)), sorted(set(env.get("missing_image_ids", []))))


TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.IGNORECASE)
TABLE_SCROLL_OPEN = '<div class="table-scroll" role="region" tabindex="0" aria-label="Table, scrolls sideways">'


def scrollable_tables(html_source: str) -> str:
    """Wrap each outermost table of sanitised HTML in a box that scrolls sideways on a narrow screen.

    The box can take the keyboard focus (so it can be scrolled without a mouse) and is named for screen readers.
    """
    out, depth, position = [], 0, 0
    for tag in TABLE_TAG.finditer(html_source):
        closing = bool(tag.group(1))
        if not closing:
            if depth == 0:
                out.append(html_source[position : tag.start()] + TABLE_SCROLL_OPEN)
                position = tag.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                out.append(html_source[position : tag.end()] + "</div>")
                position = tag.end()
    if depth:  # an unclosed table (the sanitiser closes them, but stay safe): close the box at the end
        return "".join(out) + html_source[position:] + "</div>"
    return "".join(out) + html_source[position:]


def render_body(source: str, body_format: str) -> str:
    """Sanitised HTML for a Markdown or WordPress-HTML body (``BodyFormat`` value)."""
    return render(source, body_format).html


def split_more(source: str) -> tuple[str, bool]:
    """The part of a body before WordPress's ``<!--more-->`` marker, and whether there was one."""
    match = MORE_MARKER.search(source)
    return (source[: match.start()], True) if match else (source, False)


_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)


def strip_all_tags(text: str) -> str:
    """WordPress's wp_strip_all_tags(): no tags, and no script or style content either; entities stay as they are."""
    if "<" not in text:
        return text
    return strip_tags(_SCRIPT_OR_STYLE.sub("", text)).strip()


def first_words(html_source: str, count: int = EXCERPT_WORDS) -> str:
    """The first ``count`` words of rendered HTML as one paragraph, with an ellipsis when cut (figures skipped)."""
    text = html.unescape(strip_tags(FIGURE_ELEMENT.sub(" ", html_source)))
    words = text.split()
    if not words:
        return ""
    summary = " ".join(words[:count])
    if len(words) > count:
        summary += "\u2009…"
    return format_html("<p>{}</p>", summary)


def render_excerpt(*, excerpt: str, body: str, body_format: str, body_html: str | None = None) -> str:
    """The excerpt as HTML: the explicit one, else the body before <!--more-->, else the first 55 words."""
    if excerpt.strip():
        return render_body(excerpt, body_format)
    before_more, has_more = split_more(body)
    if has_more and before_more.strip():
        return render_body(before_more, body_format)
    if body_html is None:
        body_html = render_body(body, body_format)
    return first_words(body_html)
