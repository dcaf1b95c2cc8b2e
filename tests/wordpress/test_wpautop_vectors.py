"""Our wpautop port checked against the cases of WordPress's own PHPUnit suite (Tests_Formatting_wpAutop).

One case per WordPress test, named after it and its Trac ticket. The inputs are ours (about MS, not
WordPress's sample post); each has the shape the WordPress test checks, and the expected output is what
WordPress's wpautop() gives for that shape. Most WordPress tests compare the trimmed result; the
element-sanity ones compare it whole.
"""

import pytest

from posts.wp_html import wpautop

BLOCKS = [
    "table",
    "thead",
    "tfoot",
    "caption",
    "col",
    "colgroup",
    "tbody",
    "tr",
    "td",
    "th",
    "div",
    "dl",
    "dd",
    "dt",
    "ul",
    "ol",
    "li",
    "pre",
    "form",
    "map",
    "area",
    "address",
    "math",
    "style",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "fieldset",
    "legend",
    "section",
    "article",
    "aside",
    "hgroup",
    "header",
    "footer",
    "nav",
    "figure",
    "details",
    "menu",
    "summary",
]
INLINES = [
    "a",
    "em",
    "strong",
    "small",
    "s",
    "cite",
    "q",
    "dfn",
    "abbr",
    "data",
    "time",
    "code",
    "var",
    "samp",
    "kbd",
    "sub",
    "sup",
    "i",
    "b",
    "u",
    "mark",
    "span",
    "del",
    "ins",
    "noscript",
    "select",
]

FIRST_POST_SOURCE = """
Rituximab is an anti-CD20 antibody.  It depletes B cells.

What we know so far:
<ul>
<li><a href="https://example.org/trial" title="The trial">The phase 2 trial</a></li>
</ul>
Relapses fell in the treated group.
Disability did not change much.
Side effects were mostly infusion reactions.

Questions for your neurologist:
<ol>
<li>Is it &#8220;off label&#8221; here?</li>
<li>How often are infusions?</li>
</ol>
Thank you for reading.  Comments are open.
"""
FIRST_POST_EXPECTED = """<p>Rituximab is an anti-CD20 antibody.  It depletes B cells.</p>
<p>What we know so far:</p>
<ul>
<li><a href="https://example.org/trial" title="The trial">The phase 2 trial</a></li>
</ul>
<p>Relapses fell in the treated group.<br />
Disability did not change much.<br />
Side effects were mostly infusion reactions.</p>
<p>Questions for your neurologist:</p>
<ol>
<li>Is it &#8220;off label&#8221; here?</li>
<li>How often are infusions?</li>
</ol>
<p>Thank you for reading.  Comments are open.</p>
"""

CODE = "function dose(kg) {\n\n    return kg * 375;\n}\n\n// &lt;b&gt; stays text"

VIDEO_SOURCE = (
    "Before the video.\n\n"
    '<video width="640" height="360" preload="metadata" controls="controls">\n'
    '\t<source type="video/mp4" src="https://example.org/gait.mp4" />\n'
    "\t<!-- a fallback for older browsers -->\n"
    '\t<source type="video/webm" src="gait.webm" />\n'
    '\t<track kind="captions" src="gait.vtt" srclang="en" />\n'
    '\t<a href="https://example.org/gait.mp4">https://example.org/gait.mp4</a>\n'
    "</video>\n\nAfter the video."
)
VIDEO_EXPECTED = (
    "<p>Before the video.</p>\n"
    '<p><video width="640" height="360" preload="metadata" controls="controls">'
    '<source type="video/mp4" src="https://example.org/gait.mp4" />'
    "<!-- a fallback for older browsers -->"
    '<source type="video/webm" src="gait.webm" />'
    '<track kind="captions" src="gait.vtt" srclang="en" />'
    '<a href="https://example.org/gait.mp4">https://example.org/gait.mp4</a></video></p>\n'
    "<p>After the video.</p>"
)
VIDEO_SHORTCODE_SOURCE = (
    "Before.\n\n"
    '[video mp4="https://example.org/gait.mp4"]\n'
    "\t<!-- webm too -->\n"
    '\t<source type="video/webm" src="gait.webm" />\n'
    '\t<track kind="captions" src="gait.vtt" srclang="en" />\n'
    "\t[/video]\n\nAfter."
)
VIDEO_SHORTCODE_EXPECTED = (
    "<p>Before.</p>\n"
    '<p>[video mp4="https://example.org/gait.mp4"]'
    '<!-- webm too --><source type="video/webm" src="gait.webm" />'
    '<track kind="captions" src="gait.vtt" srclang="en" />'
    "[/video]</p>\n"
    "<p>After.</p>"
)

OBJECT_SOURCE = (
    "\nBefore the player.\n\n"
    '<object width="400" height="224" data="https://example.org/old-player.swf">\n'
    '\t<param name="src" value="https://example.org/old-player.swf" />\n'
    '\t<param name="allowfullscreen" value="true" />\n\n'
    '\t<embed width="400" height="224" src="https://example.org/old-player.swf" />\n'
    "</object>\n\nAfter the player."
)
OBJECT_EXPECTED = (
    "<p>Before the player.</p>\n"
    '<p><object width="400" height="224" data="https://example.org/old-player.swf">'
    '<param name="src" value="https://example.org/old-player.swf" />'
    '<param name="allowfullscreen" value="true" />'
    '<embed width="400" height="224" src="https://example.org/old-player.swf" />'
    "</object></p>\n"
    "<p>After the player.</p>"
)
OBJECT_IN_DIV_SOURCE = (
    "\nBefore.\n\n"
    '<div class="player">\n'
    '<object width="640" height="360">\n'
    '  <param name="movie" value="https://example.org/a.swf" />\n\n'
    '  <param name="quality" value="best" />\n'
    "</object></div>\n\nAfter."
)
OBJECT_IN_DIV_EXPECTED = (
    "<p>Before.</p>\n"
    '<div class="player">\n'
    '<object width="640" height="360">'
    '<param name="movie" value="https://example.org/a.swf" />'
    '<param name="quality" value="best" />'
    "</object></div>\n"
    "<p>After.</p>"
)

SELECT = (
    'Your course: <select name="course"><option value="rr">Relapsing-remitting</option>'
    '<option value="sp">Secondary progressive</option><option value="pp">Primary progressive</option></select>'
)
INPUTS = 'Name: <input type="text" name="name" /><br />Email: <input type="email" name="email" />'

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
    '\t<circle cx="5" cy="5" r="4">\n'
    '\t\t<animate attributeName="r" to="2" dur="1s"/>\n'
    "\t</circle>\n"
    "</svg>"
)
SCRIPT = '<script type="text/javascript">\n\tvar lesions = 3;\n</script>'

TRIMMED = [
    pytest.param(FIRST_POST_SOURCE, FIRST_POST_EXPECTED.strip(), id="test_first_post-11008"),
    pytest.param(f"<pre>{CODE}</pre>", f"<pre>{CODE}</pre>", id="test_skip_pre_elements-19855-alone"),
    pytest.param(
        f"The dose rule:\n\n<pre>{CODE}</pre>\n\nSimple, isn't it?",
        f"<p>The dose rule:</p>\n<pre>{CODE}</pre>\n<p>Simple, isn't it?</p>",
        id="test_skip_pre_elements-19855-text-around",
    ),
    pytest.param(
        "See:\n\n<pre>one<br />two<br>three<br/>four\nfive\nsix</pre>\n\nDone.",
        "<p>See:</p>\n<pre>one<br />two<br>three<br/>four\nfive\nsix</pre>\n<p>Done.</p>",
        id="test_skip_pre_elements-19855-breaks-kept",
    ),
    pytest.param(INPUTS, f"<p>{INPUTS}</p>", id="test_skip_input_elements-16456"),
    pytest.param(VIDEO_SOURCE, VIDEO_EXPECTED, id="test_source_track_elements-26864"),
    pytest.param(
        VIDEO_SOURCE.replace("\n\t", "\n\n\t"), VIDEO_EXPECTED, id="test_source_track_elements-26864-blank-lines"
    ),
    pytest.param(VIDEO_SHORTCODE_SOURCE, VIDEO_SHORTCODE_EXPECTED, id="test_source_track_elements-26864-shortcode"),
    pytest.param(OBJECT_SOURCE, OBJECT_EXPECTED, id="test_param_embed_elements-26864"),
    pytest.param(OBJECT_IN_DIV_SOURCE, OBJECT_IN_DIV_EXPECTED, id="test_param_embed_elements-26864-in-div"),
    pytest.param(SELECT, f"<p>{SELECT}</p>", id="test_skip_select_option_elements-22230"),
    pytest.param(
        "\n\n".join(f"<{tag}>MS</{tag}>" for tag in BLOCKS),
        "\n".join(f"<{tag}>MS</{tag}>" for tag in BLOCKS),
        id="test_that_wpautop_treats_block_level_elements_as_blocks-27268-blank-lines",
    ),
    pytest.param(
        "".join(f"<{tag}>MS</{tag}>" for tag in BLOCKS),
        "\n".join(f"<{tag}>MS</{tag}>" for tag in BLOCKS),
        id="test_that_wpautop_treats_block_level_elements_as_blocks-27268-run-together",
    ),
    pytest.param(
        "".join(f"<{tag}/>" for tag in BLOCKS),
        "\n".join(f"<{tag}/>" for tag in BLOCKS),
        id="test_that_wpautop_treats_block_level_elements_as_blocks-27268-self-closing",
    ),
    pytest.param(
        "".join(f"<{tag} class='ms'>MS</{tag}>" for tag in BLOCKS),
        "\n".join(f"<{tag} class='ms'>MS</{tag}>" for tag in BLOCKS),
        id="test_that_wpautop_treats_block_level_elements_as_blocks-27268-attributes",
    ),
    pytest.param(
        "<blockquote>Fatigue is the most common symptom.</blockquote>",
        "<blockquote><p>Fatigue is the most common symptom.</p></blockquote>",
        id="test_that_wpautop_does_not_wrap_blockquotes_but_does_autop_their_contents-27268",
    ),
    pytest.param(
        "\n\n".join(f"<{tag}>MS</{tag}>" for tag in INLINES),
        "\n".join(f"<p><{tag}>MS</{tag}></p>" for tag in INLINES),
        id="test_that_wpautop_treats_inline_elements_as_inline-27268",
    ),
    pytest.param(
        "\nfirst<br>\nsecond<br/>\nthird<br />\nfourth\nfifth\n",
        "<p>first<br />\nsecond<br />\nthird<br />\nfourth<br />\nfifth</p>",
        id="test_that_wpautop_skips_line_breaks_after_br-33377",
    ),
    pytest.param(
        "\nfirst<br>\n<br/>\nsecond<br/>\n<br />\n",
        "<p>first</p>\n<p>second</p>",
        id="test_that_wpautop_adds_a_paragraph_after_multiple_br-33377",
    ),
    pytest.param(
        "Numbness<div>and tingling</div>",
        "<p>Numbness</p>\n<div>and tingling</div>",
        id="test_that_text_before_blocks_is_wrapped_in_a_paragraph-4857",
    ),
    pytest.param(
        '<figure><img src="mri.jpg" /><figcaption>T2 lesions</figcaption></figure>',
        '<figure><img src="mri.jpg" /><figcaption>T2 lesions</figcaption></figure>',
        id="test_that_wpautop_does_not_add_extra_closing_p_in_figure-39307",
    ),
    pytest.param(
        '<figure>\n<img src="mri.jpg" />\n<figcaption>T2 lesions</figcaption>\n</figure>',
        '<figure>\n<img src="mri.jpg" /><figcaption>T2 lesions</figcaption></figure>',
        id="test_that_wpautop_does_not_add_extra_closing_p_in_figure-39307-line-breaks",
    ),
    pytest.param(
        "before<hr>after",
        "<p>before</p>\n<hr>\n<p>after</p>",
        id="test_the_hr_is_not_wrapped_in_a_paragraph-14674",
    ),
    pytest.param(SVG, f"<p>{SVG}</p>", id="test_that_wpautop_ignores_inline_svgs-9437"),
    pytest.param(SCRIPT, f"<p>{SCRIPT}</p>", id="test_that_wpautop_ignores_inline_scripts-9437"),
]

# test_element_sanity (ticket 33106): line breaks inside a tag, a comment or CDATA are left alone; the
# result is compared untrimmed.
WHOLE = [
    pytest.param("See <a\nhref='mri'>", "<p>See <a\nhref='mri'></p>\n", id="test_element_sanity-33106-tag"),
    pytest.param(
        "See <!-- a\nhref='mri' -->", "<p>See <!-- a\nhref='mri' --></p>\n", id="test_element_sanity-33106-comment"
    ),
    pytest.param(
        "See <!-- <object>\n<param>\n<param>\n<embed>\n</embed>\n</object>\n -->",
        "<p>See <!-- <object>\n<param>\n<param>\n<embed>\n</embed>\n</object>\n --></p>\n",
        id="test_element_sanity-33106-object-in-comment",
    ),
    pytest.param(
        "See <!-- <object>\n<param/>\n<param/>\n<embed>\n</embed>\n</object>\n -->",
        "<p>See <!-- <object>\n<param/>\n<param/>\n<embed>\n</embed>\n</object>\n --></p>\n",
        id="test_element_sanity-33106-self-closing-params-in-comment",
    ),
    pytest.param(
        "See <![CDATA[ a\nhttps://example.org/mri\n ]]>",
        "<p>See <![CDATA[ a\nhttps://example.org/mri\n ]]></p>\n",
        id="test_element_sanity-33106-cdata",
    ),
    pytest.param(
        "See <![CDATA[ <!-- a\nhttps://example.org/mri\n a\n9 ]]> -->",
        "<p>See <![CDATA[ <!-- a\nhttps://example.org/mri\n a\n9 ]]> --></p>\n",
        id="test_element_sanity-33106-comment-in-cdata",
    ),
    pytest.param(
        "See <![CDATA[ <!-- a\nhttps://example.org/mri\n a\n9 --> a\n9 ]]>",
        "<p>See <![CDATA[ <!-- a\nhttps://example.org/mri\n a\n9 --> a\n9 ]]></p>\n",
        id="test_element_sanity-33106-closed-comment-in-cdata",
    ),
]


@pytest.mark.parametrize(("source", "expected"), TRIMMED)
def test_wpautop_matches_wordpress(source, expected):
    assert wpautop(source).strip() == expected


@pytest.mark.parametrize(("source", "expected"), WHOLE)
def test_wpautop_leaves_line_breaks_inside_tags_comments_and_cdata(source, expected):
    assert wpautop(source) == expected
