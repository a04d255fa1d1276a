import markdown
import nh3
from django import template
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

from coursesite.markdown_input import markdown_source_bounded
from quizzes.gift_messages import gift_message as translated_gift_message
from lessons.typography import french_typography, french_typography_html

register = template.Library()

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "code", "pre", "ul", "ol", "li", "blockquote", "sub", "sup", "span", "a"}


@register.filter
def question_html(text: str, text_format: str = "moodle") -> str:
    """Question text as safe HTML: Markdown and HTML go through an allow-list sanitiser, the rest is escaped."""
    text = text or ""
    # Typography after sanitising, on text nodes only: before, it turned quotes around attributes into « ».
    if text_format == "markdown":
        return mark_safe(french_typography_html(nh3.clean(markdown.markdown(markdown_source_bounded(text)), tags=ALLOWED_TAGS, link_rel="nofollow noopener")))
    if text_format == "html":
        return mark_safe(french_typography_html(nh3.clean(text, tags=ALLOWED_TAGS, link_rel="nofollow noopener")))
    return mark_safe(linebreaks(escape(french_typography(text))))


@register.filter
def feedback_html(text: str, text_format: str = "moodle") -> str:
    """A feedback or explanation as safe HTML with the site's French typography, like the question text.

    Plain and Moodle-format feedback stays inline (line breaks kept) so it reads after its « Rétroaction : » label.
    """
    if text_format in ("markdown", "html"):
        return question_html(text, text_format)
    return mark_safe(escape(french_typography(text or "")).replace("\n", "<br>"))


@register.filter
def typographic(text) -> str:
    """Plain text (a key, a choice) with the site's French typography; autoescaping still applies."""
    return french_typography(str(text))


@register.filter
def contains(container, value) -> bool:
    return value in (container or ())


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key) if isinstance(mapping, dict) else None


@register.filter
def is_blank(value) -> bool:
    """An answer the student left empty."""
    return value in (None, "", [], {})


@register.filter
def gift_message(message: str) -> str:
    """A GIFT parser message in the reader's language (the parser writes English for `import_gift --json`)."""
    return translated_gift_message(str(message))
