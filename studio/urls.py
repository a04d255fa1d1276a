from django.urls import path

from studio import views

app_name = "studio"

urlpatterns = [
    path("", views.studio_index, name="index"),
    path("quizzes/<slug:lesson>/", views.quiz_detail, name="quiz"),
    path("quizzes/<slug:lesson>/export.gift", views.quiz_export, name="quiz_export"),
    path("quizzes/<slug:lesson>/settings/", views.quiz_settings, name="quiz_settings"),
    path("quizzes/<slug:lesson>/questions/new/", views.question_new, name="question_new"),
    path("quizzes/<slug:lesson>/overrides/", views.quiz_overrides, name="quiz_overrides"),
    path("quizzes/<slug:lesson>/overrides/<int:override>/", views.quiz_override_edit, name="quiz_override"),
    path("quizzes/<slug:lesson>/overrides/<int:override>/delete/", views.quiz_override_delete, name="quiz_override_delete"),
    path("quizzes/<slug:lesson>/questions/<int:question>/", views.question_edit, name="question"),
    path("quizzes/<slug:lesson>/questions/<int:question>/delete/", views.question_delete, name="question_delete"),
    path("quizzes/<slug:lesson>/trash/", views.quiz_trash, name="quiz_trash"),
    path("quizzes/<slug:lesson>/trash/<int:question>/restore/", views.question_restore, name="question_restore"),
    path("quizzes/<slug:lesson>/questions/<int:question>/action/", views.question_action, name="question_action"),
    path("lessons/", views.lessons, name="lessons"),
    path("lessons/new/", views.lesson_new, name="lesson_new"),
    path("lessons/<slug:lesson>/", views.lesson_edit, name="lesson"),
    path("lessons/<slug:lesson>/delete/", views.lesson_delete, name="lesson_delete"),
    path("reading-preview/", views.reading_preview, name="reading_preview"),
    path("lessons/<slug:lesson>/action/", views.lesson_action, name="lesson_action"),
    path("lessons/<slug:lesson>/prompts/", views.prompt_add, name="prompt_add"),
    path("lessons/<slug:lesson>/prompts/<int:prompt>/", views.prompt_edit, name="prompt"),
    path("people/", views.people, name="people"),
    path("people/resend-invitations/", views.invitations_resend_all, name="invitations_resend"),
    path("people/<int:user_id>/", views.enrollment_action, name="enrollment"),
    path("people/imports/<int:import_id>/", views.enrolment_import, name="enrolment_import"),
    path("scheme/", views.scheme, name="scheme"),
    path("copy/", views.course_copy, name="copy"),
    path("upcoming/", views.upcoming, name="upcoming"),
]
