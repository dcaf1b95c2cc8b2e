"""Turn what a reader typed into safe HTML: WordPress's guest allow-list, links, paragraphs.

The pipeline runs once, when a comment is saved, and its result is stored in ``body_html``:

1. nh3 keeps only WordPress's guest tags and attributes (scripts, styles, event handlers and
   ``javascript:``/``data:`` URLs are dropped), giving well-formed HTML with escaped text;
2. bare URLs in text (never inside an existing link) become links;
3. blank lines become paragraphs and single line breaks ``<br>``;
4. a final nh3 pass with ``p``/``br`` added re-checks everything and puts ``rel="nofollow ugc"``
   on every link, so nothing the earlier steps produced can smuggle markup through.
"""

import re

import nh3

from posts.url_policy import URL_SCHEMES, filter_url_attribute

# wp-includes/kses.php, $allowedtags: what a guest may use in a comment.
GUEST_TAGS: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "acronym": {"title"},
    "b": set(),
    "blockquote": {"cite"},
    "cite": set(),
    "code": set(),
    "del": {"datetime"},
    "em": set(),
    "i": set(),
    "q": {"cite"},
    "s": set(),
    "strike": set(),
    "strong": set(),
}
# nh3 (ammonia) otherwise allows its generic attributes (lang, title) on every tag; "*": set() turns them off,
# so each tag keeps exactly the attributes WordPress lists for it.
GUEST_ATTRIBUTES: dict[str, set[str]] = {"*": set(), **GUEST_TAGS}
LINK_REL = "nofollow ugc"

# Text between tags after nh3: it has escaped "<" and ">", so tags are exactly the "<…>" runs.
_TAG = re.compile(r"(<[^>]*>)")
_BARE_URL = re.compile(r"(?<![\w/@.])((?:https?://|www\.)(?:(?!&(?:lt|gt|quot|#39|#x27);)[^\s<>\"'])+)", re.IGNORECASE)
# Block tags a reader may paste: their breaks are kept as newlines before the tags themselves go.
_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PARAGRAPH_END_TAG = re.compile(r"</(?:p|div|li|h[1-6])\s*>", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""
_BLOCKQUOTE_START = re.compile(r"^<blockquote[\s>]", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>")


def _safe_url(tag: str, attribute: str, value: str) -> str | None:
    """nh3 checks the schemes of href only: cite (blockquote, q) goes through the site's one URL rule too."""
    return filter_url_attribute(attribute, value)


def render_comment(text: str) -> str:
    """Safe HTML for a comment body; the only function the rest of the app needs."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    text = _PARAGRAPH_END_TAG.sub("\n\n", _LINE_BREAK_TAG.sub("\n", text))
    if not text:
        return ""
    cleaned = nh3.clean(
        text,
        tags=set(GUEST_TAGS),
        attributes=GUEST_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        attribute_filter=_safe_url,
        strip_comments=True,
        clean_content_tags={"script", "style"},
    )
    html = _paragraphs(_link_bare_urls(cleaned))
    return nh3.clean(
        html,
        tags=set(GUEST_TAGS) | {"p", "br"},
        attributes=GUEST_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        attribute_filter=_safe_url,
        strip_comments=True,
    ).strip()


def _link_bare_urls(html: str) -> str:
    """Wrap http(s):// and www. addresses in text with links, leaving existing links alone."""
    pieces = _TAG.split(html)
    inside_link = 0
    for index, piece in enumerate(pieces):
        if index % 2:  # a tag
            name = piece[1:].lstrip("/").split(None, 1)[0].rstrip(">").lower() if len(piece) > 2 else ""
            if name == "a":
                inside_link += -1 if piece.startswith("</") else 1
                inside_link = max(inside_link, 0)
        elif not inside_link and piece:
            pieces[index] = _BARE_URL.sub(_link, piece)
    return "".join(pieces)


def _link(match: re.Match) -> str:
    url = match.group(1)
    trailing = ""
    while url and url[-1] in _TRAILING_PUNCTUATION:
        # Keep a closing bracket that belongs to the URL, like Wikipedia's "(disambiguation)".
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        trailing = url[-1] + trailing
        url = url[:-1]
    # Entities such as "&lt;" may end a run of text; never let half of one into the address.
    entity = re.search(r"&[a-z]*$", url)
    if entity:
        trailing = url[entity.start() :] + trailing
        url = url[: entity.start()]
    if not url or url.lower() in {"http://", "https://", "www."}:
        return match.group(0)
    href = url if "://" in url else f"http://{url}"
    return f'<a href="{href}">{url}</a>{trailing}'


def _paragraphs(html: str) -> str:
    """Blank lines separate paragraphs; a single newline is a line break (like WordPress's wpautop).

    A blockquote is a block of its own even with no blank line around it, so the text before and after it
    becomes paragraphs too, never text left outside one.
    """
    out = []
    for is_block, segment in _blocks_and_text(html):
        if is_block:
            out.append(segment.strip().replace("\n", "<br>\n"))
            continue
        for chunk in re.split(r"\n\s*\n", segment):
            if chunk.strip():
                out.append("<p>{}</p>".format(chunk.strip().replace("\n", "<br>\n")))
    return _EMPTY_PARAGRAPH.sub("", "\n".join(out))


def _blocks_and_text(html: str) -> list[tuple[bool, str]]:
    """Split nh3's well-formed output into blocks (True) and the runs of text around them (False).

    A block is a top-level element holding a blockquote: the blockquote itself, or an inline tag a reader
    wrapped around one (``<b>…<blockquote>…</blockquote>…</b>``), which no paragraph may contain.
    """
    segments: list[tuple[bool, str]] = []
    text: list[str] = []  # top-level text and inline elements since the last block
    element: list[str] = []  # the top-level element being read
    depth = 0
    holds_block = False
    for index, piece in enumerate(_TAG.split(html)):
        if index % 2 == 0 or (depth == 0 and piece.startswith("</")):  # text, or a stray closing tag
            (element if depth else text).append(piece)
            continue
        closing = piece.startswith("</")
        holds_block = holds_block or (not closing and bool(_BLOCKQUOTE_START.match(piece)))
        element.append(piece)
        depth += -1 if closing else 1
        if depth == 0:
            if holds_block:
                segments += [(False, "".join(text)), (True, "".join(element))]
                text = []
            else:
                text += element
            element, holds_block = [], False
    segments.append((False, "".join(text + element)))
    return [(is_block, segment) for is_block, segment in segments if segment.strip()]


def count_links(html: str) -> int:
    """Links in rendered comment HTML, for the "more than N links" moderation rule."""
    return len(re.findall(r"<a\s[^>]*href=", html, re.IGNORECASE))
