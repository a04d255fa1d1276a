from django import template

register = template.Library()

@register.filter
def changes_text(line) -> str:
    """An audit line's changes in words: « Pondération des tests (%) : 70 → 60 · Pénalité de retard (%) : 0 → 5 ».

    Takes the line (its action chooses the words: `courses.audit.audit_words_register`) or a bare dict.
    """
    from courses.audit import audit_changes_words

    if isinstance(line, dict):
        return " · ".join(audit_changes_words(action=None, changes=line))
    return " · ".join(audit_changes_words(action=line.action, changes=line.changes))


@register.filter
def looks_alike(email: str) -> bool:
    """An enrolled address that mixes alphabets or is in punycode: flagged on the people page."""
    from courses.services import email_looks_alike

    return bool(email) and email_looks_alike(email)
