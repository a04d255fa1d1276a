"""Markdown to safe HTML for posts.

Markdown lets raw HTML through, so everything it produces goes through nh3,
an allow-list sanitiser: only the tags and attributes below survive, links
only to http(s) and mailto with rel="nofollow noopener", and no script, event
handler, inline style, SVG or data: URL can pass.
"""

import markdown
import nh3

from coursesite.markdown_input import markdown_source_bounded

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(source: str) -> str:
    html = markdown.markdown(markdown_source_bounded(source), extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
