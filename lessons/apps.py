from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = _("Lessons")

    def ready(self):
        from courses.audit import Action, audit_words_register
        from lessons.models import DiscussionPrompt, Lesson

        # The words of « Modifications récentes » for lessons and prompts.
        audit_words_register(actions=[Action.LESSON_EDIT, Action.LESSON_MOVE], model=Lesson)
        audit_words_register(actions=[Action.PROMPT_ADD, Action.PROMPT_EDIT], model=DiscussionPrompt)
        audit_words_register(
            actions=[Action.LESSON_MOVE, Action.QUESTION_MOVE, Action.PROMPT_ADD],
            labels={"direction": _("moved"), "lesson": _("lesson")},
            choices={"direction": {"up": _("up"), "down": _("down")}},
        )
