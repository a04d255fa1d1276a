from django import template

from lessons.typography import french_typography as apply_french_typography

register = template.Library()


@register.filter
def french_typography(text: str) -> str:
    # Returns plain text: autoescaping still applies to the result.
    return apply_french_typography(str(text))
