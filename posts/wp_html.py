"""WordPress post HTML (auto-paragraphs, [caption] and other shortcodes) turned into plain HTML.

WordPress stores post bodies as "almost HTML": blank lines mean paragraphs (its `wpautop` filter adds
the <p> and <br> tags at display time), shortcodes such as [caption] expand into markup, and block
editor posts carry `<!-- wp:… -->` comments. Imported bodies keep that source untouched; this module
reproduces what WordPress would have displayed, in the order WordPress's `the_content` filters run:
block comments removed (and auto-paragraphs skipped, as WordPress does for block posts), `wpautop`,
`shortcode_unautop`, then the shortcodes. Unknown shortcodes stay visible as text, as in WordPress
when their plugin is gone. The result is unsanitised: the caller sanitises it.
"""

import html
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

# PCRE's \s without the /u flag: ASCII whitespace only (never the no-break space).
_A = re.ASCII

_ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|"
    r"blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|"
    r"footer|nav|figure|figcaption|details|menu|summary)"
)

# get_html_split_regex(): an HTML element, comment or CDATA section, each possibly unterminated. A comment is
# matched from its "!" (as WordPress does), so "<!-- a" with text after the dashes is one comment, not "<!--".
_HTML_SPLIT_RE = re.compile(
    r"(<(?:(?=!--)!(?:-(?!->)[^\-]*+)*+(?:-->)?|!\[CDATA\[[^\]]*+(?:](?!]>)[^\]]*+)*+(?:]]>)?|[^>]*>?))"
)

_BLOCK_COMMENT_RE = re.compile(r"<!--\s+/?wp:[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?(?:\s.*?)?/?-->", re.DOTALL)
_MORE_RE = re.compile(r"<!--more(.*?)?-->")
MORE_MARKER = "<!--more-->"

# Shortcodes this module expands; anything else in square brackets is left as text.
KNOWN_SHORTCODES = ("caption", "wp_caption", "gallery", "embed", "audio", "video")

_SPACES = r"(?:[\r\n\t ]|\xa0|&nbsp;)"

# WP_Embed::autoembed(): a URL alone on its line is an embed; here it becomes a link (no third-party frames).
_AUTOEMBED_RE = re.compile(r"^(\s*)(https?://[^\s<>\"]+)(\s*)$", re.IGNORECASE | re.MULTILINE)
# The block editor's embed: the URL alone inside the wrapper div, the provider named in the figure's classes.
_EMBED_BLOCK_RE = re.compile(
    r'(<figure[^>]*\bwp-block-embed\b[^>]*>\s*<div class="wp-block-embed__wrapper">)\s*(https?://[^\s<>"]+)\s*(</div>)'
)
_PROVIDER_CLASS_RE = re.compile(r"\bis-provider-([a-z0-9-]+)")
EMBED_PROVIDERS = {
    "youtube": "YouTube", "vimeo": "Vimeo", "twitter": "X (Twitter)", "facebook": "Facebook",
    "instagram": "Instagram", "flickr": "Flickr", "soundcloud": "SoundCloud", "spotify": "Spotify",
    "tiktok": "TikTok", "ted": "TED", "dailymotion": "Dailymotion", "wordpress-tv": "WordPress.tv",
    "wordpress": "WordPress", "reddit": "Reddit", "tumblr": "Tumblr", "mixcloud": "Mixcloud",
}  # fmt: skip
_PROVIDER_HOSTS = {"youtu.be": "youtube", "x.com": "twitter", "wordpress.tv": "wordpress-tv"}
# Blocks WordPress builds from its database at display time: their saved HTML is empty or a placeholder.
DYNAMIC_BLOCKS = frozenset(
    {
        "archives", "calendar", "categories", "latest-comments", "latest-posts", "page-list", "query",
        "rss", "search", "tag-cloud", "loginout", "navigation", "post-template", "post-title", "post-date",
        "post-excerpt", "post-terms", "post-author", "post-featured-image", "post-navigation-link",
        "comments", "post-comments-form", "avatar", "site-logo", "site-title", "site-tagline", "read-more",
        "post-author-biography", "post-author-name", "template-part", "block",
    }
)  # fmt: skip
_BLOCK_OPENER_RE = re.compile(r"<!--\s+wp:([a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)[\s/]")
_PLAYER_RE = re.compile(r"<(?:audio|video|source)\b[^>]*?\bsrc=[\"']([^\"']+)[\"']", re.IGNORECASE)


def wpautop(text: str, br: bool = True) -> str:
    """Port of WordPress's wpautop(): double line breaks become paragraphs, single ones <br />."""
    if text.strip() == "":
        return ""
    pre_tags: dict[str, str] = {}
    text = text + "\n"

    # <pre> blocks are set aside untouched and restored at the end.
    if "<pre" in text:
        parts = text.split("</pre>")
        last = parts.pop()
        text = ""
        for index, part in enumerate(parts):
            start = part.find("<pre")
            if start == -1:  # malformed HTML
                text += part
                continue
            name = f"<pre wp-pre-tag-{index}></pre>"
            pre_tags[name] = part[start:] + "</pre>"
            text += part[:start] + name
        text += last

    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=_A)
    text = re.sub(rf"(<{_ALLBLOCKS}[\s/>])", r"\n\n\1", text, flags=_A)
    text = re.sub(rf"(</{_ALLBLOCKS}>)", r"\1\n\n", text)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text, flags=_A)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _replace_in_html_tags(text, "\n", " <!-- wpnl --> ")

    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text, flags=_A)
        text = re.sub(r"</option>\s*", "</option>", text, flags=_A)
    if "</object>" in text:
        text = re.sub(r"(<object[^>]*>)\s*", r"\1", text, flags=_A)
        text = re.sub(r"\s*</object>", "</object>", text, flags=_A)
        text = re.sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1", text, flags=_A)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text, flags=_A)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text, flags=_A)
        text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text, flags=_A)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text, flags=_A)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text, flags=_A)

    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text, flags=_A) if p != ""]
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in paragraphs)

    text = re.sub(r"<p>\s*</p>", "", text, flags=_A)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?{_ALLBLOCKS}[^>]*>)\s*</p>", r"\1", text, flags=_A)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.IGNORECASE)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{_ALLBLOCKS}[^>]*>)", r"\1", text, flags=_A)
    text = re.sub(rf"(</?{_ALLBLOCKS}[^>]*>)\s*</p>", r"\1", text, flags=_A)

    if br:
        text = re.sub(
            r"<(script|style|svg|math).*?</\1>",
            lambda match: match.group(0).replace("\n", "<WPPreserveNewline />"),
            text,
            flags=re.DOTALL,
        )
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text, flags=_A)
        text = text.replace("<WPPreserveNewline />", "\n")

    text = re.sub(rf"(</?{_ALLBLOCKS}[^>]*>)\s*<br />", r"\1", text, flags=_A)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text, flags=_A)
    text = re.sub(r"\n</p>$", "</p>", text)

    for name, original in pre_tags.items():
        text = text.replace(name, original)
    if "<!-- wpnl -->" in text:
        text = text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")
    return text


def _replace_in_html_tags(text: str, needle: str, replacement: str) -> str:
    """wp_replace_in_html_tags(): replace only inside tags and comments, never in text."""
    pieces = _HTML_SPLIT_RE.split(text)
    for index in range(1, len(pieces), 2):
        pieces[index] = pieces[index].replace(needle, replacement)
    return "".join(pieces)


def _shortcode_re(names: Sequence[str]) -> re.Pattern:
    """get_shortcode_regex(): [name attrs], [name attrs/], [name]content[/name], and [[escaped]]."""
    tags = "|".join(re.escape(name) for name in names)
    return re.compile(
        r"\[(\[?)"
        rf"({tags})"
        r"(?![\w-])"
        r"([^\]/]*(?:/(?!\])[^\]/]*)*?)"
        r"(?:(/)\]|\](?:([^\[]*+(?:\[(?!/\2\])[^\[]*+)*+)\[/\2\])?)"
        r"(\]?)"
    )


_KNOWN_RE = _shortcode_re(KNOWN_SHORTCODES)
_ANY_SHORTCODE_RE = re.compile(r"\[(\[?)([A-Za-z][\w-]*)(?![\w-])([^\[\]]*)\](\]?)")
_ATTR_RE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)


def parse_shortcode_attributes(text: str) -> dict[str, str]:
    """shortcode_parse_atts(): named attributes lower-cased; positional ones keyed "0", "1", …"""
    text = re.sub(r"[\xa0\u200b]+", " ", text)
    attributes: dict[str, str] = {}
    position = 0
    for match in _ATTR_RE.finditer(text):
        groups = match.groups()
        if groups[0]:
            attributes[groups[0].lower()] = groups[1]
        elif groups[2]:
            attributes[groups[2].lower()] = groups[3]
        elif groups[4]:
            attributes[groups[4].lower()] = groups[5]
        else:
            attributes[str(position)] = next(g for g in groups[6:] if g is not None)
            position += 1
    return attributes


def _shortcode_unautop(text: str) -> str:
    """Don't leave a shortcode that stands alone on its line wrapped in <p>…</p>."""
    tags = "|".join(re.escape(name) for name in KNOWN_SHORTCODES)
    pattern = re.compile(
        rf"<p>{_SPACES}*+"
        r"(\["
        rf"({tags})"
        r"(?![\w-])[^\]/]*(?:/(?!\])[^\]/]*)*?"
        r"(?:/\]|\](?:[^\[]*+(?:\[(?!/\2\])[^\[]*+)*+\[/\2\])?))"
        rf"{_SPACES}*+</p>"
    )
    return pattern.sub(r"\1", text)


def _caption(attributes: dict[str, str], content: str) -> str:
    """img_caption_shortcode(): an image and its caption as <figure>/<figcaption>."""
    caption = attributes.get("caption", "")
    if "caption" not in attributes:
        match = re.match(r"((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", content, re.IGNORECASE | re.DOTALL)
        if match:
            content, caption = match.group(1), match.group(2).strip()
    content = do_shortcodes(content)
    if not caption.strip():
        return content
    align = attributes.get("align", "alignnone")
    return (
        f'<figure class="wp-caption {html.escape(align)}">{content}'
        f'<figcaption class="wp-caption-text">{caption}</figcaption></figure>'
    )


def _embed(attributes: dict[str, str], content: str) -> str:
    """Embeds cannot be fetched here: a plain link to the embedded page keeps the reference."""
    url = (content or attributes.get("src", "")).strip()
    if not url:
        return ""
    escaped = html.escape(url)
    return f'<p class="wp-embed"><a href="{escaped}">{escaped}</a></p>'


def provider_name(url: str, classes: str = "") -> str:
    """The embed provider's name from the block's classes or the URL's host, or "" when unknown."""
    match = _PROVIDER_CLASS_RE.search(classes)
    slug = match.group(1) if match else ""
    if not slug:
        host = re.sub(r"^www\.|^m\.", "", (re.match(r"https?://([^/:?#]+)", url, re.IGNORECASE) or ["", ""])[1].lower())
        slug = _PROVIDER_HOSTS.get(host, host.rsplit(".", 2)[-2] if host.count(".") else "")
    return EMBED_PROVIDERS.get(slug, "")


def _embed_link(url: str, classes: str = "") -> str:
    escaped = html.escape(url)
    provider = provider_name(url, classes)
    label = f"{html.escape(provider)}: {escaped}" if provider else escaped
    return f'<a href="{escaped}">{label}</a>'


def link_embeds(text: str, *, blocks: bool) -> str:
    """Embeds cannot be fetched here: block embeds and bare-URL auto-embeds become links naming the provider."""
    text = _EMBED_BLOCK_RE.sub(lambda m: m.group(1) + _embed_link(m.group(2), m.group(1)) + m.group(3), text)
    if blocks:
        return text
    pieces = re.split(r"(<pre\b.*?</pre>)", text, flags=re.IGNORECASE | re.DOTALL)
    for index in range(0, len(pieces), 2):
        pieces[index] = _AUTOEMBED_RE.sub(lambda m: m.group(1) + _embed_link(m.group(2)) + m.group(3), pieces[index])
    return "".join(pieces)


_FOOTNOTES_BLOCK_RE = re.compile(r"<!--\s+wp:footnotes(?:\s+\{.*?\})?\s*/-->", re.DOTALL)


def with_footnotes(source: str, footnotes_meta: str) -> str:
    """The block editor keeps footnote texts in the post's ``footnotes`` meta (JSON) and only a placeholder block
    in the body: put the list WordPress renders in its place, each note linking back to its reference."""
    if not footnotes_meta or not _FOOTNOTES_BLOCK_RE.search(source):
        return source
    try:
        notes = json.loads(footnotes_meta)
    except ValueError:
        return source
    items = []
    for number, note in enumerate(notes if isinstance(notes, list) else [], start=1):
        if not isinstance(note, dict) or not isinstance(note.get("id"), str):
            continue
        note_id = html.escape(note["id"])
        items.append(
            f'<li id="{note_id}">{note.get("content", "")} '
            f'<a href="#{note_id}-link" aria-label="Jump to footnote reference {number}">↩︎</a></li>'
        )
    if not items:
        return source
    rendered = '<ol class="wp-block-footnotes">' + "".join(items) + "</ol>"
    return _FOOTNOTES_BLOCK_RE.sub(lambda _: f"<!-- wp:footnotes -->\n{rendered}\n<!-- /wp:footnotes -->", source, 1)


def dynamic_blocks(source: str) -> Counter:
    """Dynamic blocks in a block-editor body: WordPress builds them from its data; here they show nothing."""
    return Counter(name for name in _BLOCK_OPENER_RE.findall(source) if name in DYNAMIC_BLOCKS)


def media_player_sources(html_source: str) -> list[str]:
    """Addresses of the audio and video files a body plays."""
    return [html.unescape(url) for url in _PLAYER_RE.findall(html_source)]


def _media(kind: str) -> Callable[[dict[str, str], str], str]:
    def render(attributes: dict[str, str], content: str) -> str:
        extensions = ("mp3", "m4a", "ogg", "oga", "wav", "flac") if kind == "audio" else ("mp4", "m4v", "webm", "ogv")
        url = attributes.get("src") or next((attributes[ext] for ext in extensions if attributes.get(ext)), "")
        if not url:
            return ""
        escaped = html.escape(url)
        return f'<{kind} controls src="{escaped}"><a href="{escaped}">{escaped}</a></{kind}>'

    return render


_RENDERERS: dict[str, Callable[[dict[str, str], str], str]] = {
    "caption": _caption,
    "wp_caption": _caption,
    # A gallery whose images were not expanded by the importer shows nothing, as in WordPress when
    # the gallery has no attachments.
    "gallery": lambda attributes, content: "",
    "embed": _embed,
    "audio": _media("audio"),
    "video": _media("video"),
}


def do_shortcodes(text: str) -> str:
    """do_shortcode() for the shortcodes this module knows; [[name]] prints [name] literally."""
    if "[" not in text:
        return text

    def replace(match: re.Match) -> str:
        if match.group(1) == "[" and match.group(6) == "]":
            return match.group(0)[1:-1]
        name = match.group(2)
        attributes = parse_shortcode_attributes(match.group(3))
        return match.group(1) + _RENDERERS[name](attributes, match.group(5) or "") + match.group(6)

    return _KNOWN_RE.sub(replace, text)


def unknown_shortcodes(source: str) -> Counter:
    """Shortcodes in a body that no renderer knows; they stay visible as text, so the importer reports them."""
    found: Counter = Counter()
    for match in _ANY_SHORTCODE_RE.finditer(_BLOCK_COMMENT_RE.sub("", source)):
        escaped = match.group(1) == "[" and match.group(4) == "]"
        name = match.group(2)
        if not escaped and name.lower() not in KNOWN_SHORTCODES and name == name.lower():
            found[name] += 1
    return found


def has_blocks(source: str) -> bool:
    """Block-editor content: WordPress skips wpautop for it."""
    return "<!-- wp:" in source


def wordpress_html_to_html(source: str) -> str:
    """Return unsanitised HTML for a WordPress post body; the caller sanitises it."""
    if not source or not source.strip():
        return ""
    text = link_embeds(_MORE_RE.sub(MORE_MARKER, source), blocks=has_blocks(source))
    if has_blocks(text):
        text = _BLOCK_COMMENT_RE.sub("", text)
        text = re.sub(r"\n{3,}", "\n\n", text).strip()
    else:
        text = wpautop(text)
        text = _shortcode_unautop(text)
        # The "more" marker on its own line is a separator, not a paragraph.
        text = text.replace(f"<p>{MORE_MARKER}</p>", MORE_MARKER)
    return do_shortcodes(text).strip()


@dataclass(frozen=True)
class GalleryImage:
    """One image of a [gallery]: where it is now, and what the old site said about it."""

    legacy_id: int
    url: str
    alt: str = ""
    caption: str = ""


_GALLERY_RE = _shortcode_re(["gallery"])


def _attachment_ids(text: str) -> list[int]:
    """The numbers in a shortcode's id list; absurdly long ones (no WordPress id has 20 digits) are ignored."""
    return [int(part) for part in re.findall(r"\d+", text) if len(part) <= 19]


def expand_galleries(
    source: str, *, images: Mapping[int, GalleryImage], attached: Sequence[int] = ()
) -> tuple[str, int]:
    """Replace [gallery] shortcodes by figure markup, so the stored body no longer depends on attachments.

    `images` maps WordPress attachment IDs to images; `attached` lists the IDs of the post's own
    attachments in WordPress's default gallery order (menu order, then ID), used when a gallery names
    no ids. Returns the new source and how many gallery images could not be found.
    """
    missing = 0

    def replace(match: re.Match) -> str:
        nonlocal missing
        if match.group(1) == "[" and match.group(6) == "]":
            return match.group(0)
        attributes = parse_shortcode_attributes(match.group(3))
        ids_text = attributes.get("ids") or attributes.get("include") or ""
        ids = _attachment_ids(ids_text) if ids_text else list(attached)
        excluded = set(_attachment_ids(attributes.get("exclude", "")))
        ids = [legacy_id for legacy_id in ids if legacy_id not in excluded]
        found = [images[legacy_id] for legacy_id in ids if legacy_id in images]
        missing += len(ids) - len(found)
        if not found:
            return match.group(0)
        try:
            columns = max(1, min(9, int(attributes.get("columns", "3"))))
        except ValueError:
            columns = 3
        items = []
        for image in found:
            url = html.escape(image.url)
            caption = f"<figcaption>{html.escape(image.caption)}</figcaption>" if image.caption else ""
            items.append(
                f'<figure class="gallery-item"><a href="{url}"><img src="{url}" alt="{html.escape(image.alt)}" /></a>'
                f"{caption}</figure>"
            )
        return f'<figure class="gallery gallery-columns-{columns}">' + "".join(items) + "</figure>"

    return _GALLERY_RE.sub(replace, source), missing
