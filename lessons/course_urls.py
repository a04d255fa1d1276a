"""The course's home page, owned by lessons (its lessons and the reading progress) but named in the
course's namespace (`courses:detail`): mounted without a namespace of its own by coursesite/urls.py."""

from django.urls import path

from lessons import views

urlpatterns = [
    path("", views.course_home, name="detail"),
]
