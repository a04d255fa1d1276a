from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        from quizzes import receivers  # noqa: F401 - the reader's own quiz dates on the lesson page
