from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from courses.audit import Action, audit_words_register
        from courses.models import Enrollment

        # The words of « Modifications récentes » for the courses' own actions and facts.
        audit_words_register(
            actions=[Action.ENROL_CSV, Action.ENROLLMENT_EDIT, Action.ENROLLMENT_REMOVE, Action.INVITATION_RESEND],
            model=Enrollment,
            labels={"created_users": _("accounts created"), "enrolled": _("people enrolled"), "user_ids": _("people")},
            kinds={"user_ids": len}, wholes=("user_ids",),
        )
        audit_words_register(
            actions=[Action.COURSE_COPY, Action.COURSE_COPIED],
            labels={"source": _("copied from"), "starts_on": _("starts on"), "days_shifted": _("dates moved by (days)"),
                    "copy": _("new course")},
            kinds={"starts_on": "date"},
        )
