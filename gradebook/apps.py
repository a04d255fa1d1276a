from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradebookConfig(AppConfig):
    name = "gradebook"
    verbose_name = _("Gradebook")

    def ready(self):
        from gradebook import receivers  # noqa: F401 - connects the standings to the other apps' writes
        from courses.audit import Action, audit_words_register
        from gradebook.models import GradeOverride, GradingScheme

        # The words of « Modifications récentes » for the scheme and the overrides.
        audit_words_register(
            actions=[Action.GRADING_SCHEME], model=GradingScheme,
            kinds={"letter_scale": lambda scale: ", ".join(f"{entry['letter']} {entry['min']}" for entry in scale)},
        )
        audit_words_register(actions=[Action.OVERRIDE_SET, Action.OVERRIDE_CLEAR], model=GradeOverride,
                             labels={"item": _("item")}, kinds={"value": "decimal"})
