"""A lesson's reading, written in Markdown in the studio, as the HTML the lesson page shows.

One function for the saved page and the studio's live preview, so what the instructor previews is
what students read: Markdown (bounded to linear time by `coursesite.markdown_input`), then the nh3
allow-list (no script, style, event handler or image; links to http(s) and mailto only), then French
typography on the text between the tags (`lessons.typography.french_typography_html`).

The page's title is the h1 and the reading sits under an h2, so the reading's own headings start at
h2: "#" and "##" both give h2, "###" h3, and so on (a heading level is never skipped on the page).
"""

import re

import markdown
import nh3

from coursesite.markdown_input import markdown_source_bounded
from lessons.typography import french_typography_html

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
_H1 = re.compile(r"<(/?)h1>")
_WORD = re.compile(r"\w+")
_TAG = re.compile(r"<[^>]*>")


def reading_html(source: str) -> str:
    html = markdown.markdown(markdown_source_bounded(source), extensions=["extra", "sane_lists"], output_format="html")
    html = _H1.sub(r"<\1h2>", html)
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )
    return french_typography_html(html)


def reading_word_count(html: str) -> int:
    return len(_WORD.findall(_TAG.sub(" ", html)))


def blocks_as_markdown(blocks: list[dict]) -> str:
    """An imported reading (structured blocks) as Markdown, so the studio's editor starts from the text on the page."""
    parts = []
    for block in blocks:
        if block.get("kind") == "heading":
            parts.append(f"## {block['text']}")
        elif block.get("kind") == "list":
            start = block.get("start") or 1
            items = [
                f"{start + index}. {item}" if block.get("ordered") else f"- {item}"
                for index, item in enumerate(block.get("items", []))
            ]
            parts.append("\n".join(items))
        else:
            parts.append(block.get("text", ""))
    return "\n\n".join(parts)
