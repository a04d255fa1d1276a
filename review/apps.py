from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "review"
    verbose_name = _("Spaced review")

    def ready(self):
        from review import receivers  # noqa: F401  (connects the graded-attempt hook)
        from courses.audit import Action, audit_words_register
        from review.models import ReviewSettings

        # The words of « Modifications récentes » for the review settings (the credit changes every total).
        audit_words_register(actions=[Action.REVIEW_SETTINGS], model=ReviewSettings)
