from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = _("Discussions")

    def ready(self):
        from discussions import receivers  # noqa: F401 - adds the threads to the lesson page
        from courses.audit import Action, audit_words_register

        # The words of « Modifications récentes » for moderation.
        audit_words_register(
            actions=[Action.PIN, Action.UNPIN, Action.LOCK, Action.UNLOCK, Action.HIDE, Action.UNHIDE, Action.ENDORSE, Action.UNENDORSE],
            labels={"thread": _("thread"), "post": _("message")},
        )
