"""The student's own page, owned by the gradebook but named in the course's namespace (`courses:progress`):
mounted without a namespace of its own by `coursesite/urls.py`."""

from django.urls import path

from gradebook import views

urlpatterns = [
    # The student's own standing (grades, due dates, how the grade is computed).
    path("progress/", views.student_progress, name="progress"),
]
