from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        from courses.audit import Action, audit_words_register
        from quizzes.models import Question, Quiz

        # The words of « Modifications récentes » for quizzes, their questions and their grading.
        audit_words_register(actions=[Action.QUIZ_SETTINGS], model=Quiz)
        audit_words_register(
            actions=[Action.QUESTION_EDIT, Action.QUESTION_HIDE, Action.QUESTION_SHOW, Action.QUESTION_DELETE], model=Question,
            labels={"new_version": _("new version"), "lesson": _("lesson"), "options": _("answer options")},
            kinds={"new_version": "bool", "options": _short_answer_options_text},
        )
        audit_words_register(
            actions=[Action.QUIZ_IMPORT],
            labels={"created": _("questions added"), "updated": _("questions updated"), "versioned": _("new versions"),
                    "retired": _("questions retired"), "deleted": _("questions deleted")},
        )
        audit_words_register(
            actions=[Action.REGRADE, Action.MANUAL_GRADE, Action.AUTO_SUBMIT],
            labels={"changed": _("scores changed"), "attempts": _("attempts"), "attempt": _("attempt"), "response": _("answer"),
                    "old": _("before"), "new": _("after"), "user": _("student"), "deadline": _("deadline")},
            kinds={"changed": len, "deadline": "datetime", "old": "decimal", "new": "decimal"}, wholes=("changed",),
        )

        from quizzes import receivers  # noqa: F401  (the to-do list and the lesson page's due date)

def _short_answer_options_text(options) -> str:
    """A short answer's grading options in words (« accents ignorés : oui, article facultatif : non »)."""
    from django.utils.translation import gettext

    names = {"accent_insensitive": gettext("accents ignored"), "articles_optional": gettext("leading article optional")}
    return ", ".join(
        gettext("%(label)s: %(value)s") % {"label": names.get(key, key), "value": gettext("yes") if value else gettext("no")}
        for key, value in dict(options or {}).items()
    )
