from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

ACTION_LABELS = {
    "quiz_import": _("Quiz imported"),
    "question_edit": _("Question edited"),
    "question_move": _("Question moved"),
    "question_hide": _("Question hidden"),
    "question_show": _("Question shown"),
    "question_delete": _("Question deleted"),
    "quiz_settings": _("Quiz settings changed"),
    "lesson_edit": _("Lesson edited"),
    "lesson_move": _("Lesson moved"),
    "prompt_add": _("Prompt added"),
    "prompt_edit": _("Prompt changed"),
    "enrol_csv": _("People enrolled"),
    "enrollment_edit": _("Enrolment changed"),
    "enrollment_remove": _("Removed from the course"),
    "enrollment_restore": _("Enrolment restored"),
    "grading_scheme": _("Grading scheme changed"),
    "course_copy": _("Course created as a copy"),
    "course_copied": _("Course copied"),
}


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


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
