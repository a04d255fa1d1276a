from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = _("LTI 1.3 (Moodle, Canvas, Open edX)")

    def ready(self):
        from lti import receivers  # noqa: F401  (connects the score hooks)
