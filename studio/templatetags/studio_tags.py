from django import template

register = template.Library()

@register.filter
def changes_text(changes: dict) -> str:
    """{"field": [old, new]} as "field: old → new"; other facts as "name: value"."""
    parts = []
    for name, value in (changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            old, new = value
            parts.append(f"{name}: {_show(old)} → {_show(new)}")
        else:
            parts.append(f"{name}: {_show(value)}")
    return " · ".join(parts)


def _show(value) -> str:
    if value is None or value == "":
        return "∅"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


@register.filter
def looks_alike(email: str) -> bool:
    """An enrolled address that mixes alphabets or is in punycode: flagged on the people page."""
    from courses.services import email_looks_alike

    return bool(email) and email_looks_alike(email)
