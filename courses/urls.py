"""The courses app's own pages, mounted in the `courses:` namespace by coursesite/urls.py."""

from django.urls import path

from courses import views

urlpatterns = [
    path("", views.my_courses, name="my_courses"),
]
