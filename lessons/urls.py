from django.urls import path

from lessons import views

app_name = "lessons"

urlpatterns = [
    path("<slug:lesson>/", views.lesson_detail, name="detail"),
    path("<slug:lesson>/read/", views.lesson_read_toggle, name="read"),
]
