from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("lessons/<slug:lesson>/quiz/", views.quiz_start, name="start"),
    path("lessons/<slug:lesson>/quiz/regrade/", views.quiz_regrade_view, name="regrade"),
    path("attempts/<int:attempt>/", views.attempt_take, name="take"),
    path("attempts/<int:attempt>/autosave/", views.attempt_autosave, name="autosave"),
    path("attempts/<int:attempt>/submit/", views.attempt_confirm, name="confirm"),
    path("attempts/<int:attempt>/result/", views.attempt_result, name="result"),
    path("grading/essays/", views.essay_grading_queue, name="essays"),
]
