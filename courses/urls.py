from django.urls import include, path

from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.my_courses, name="my_courses"),
    path("<slug:course>/", views.course_detail, name="detail"),
    path("<slug:course>/progress/", views.course_progress_page, name="progress"),
    path("<slug:course>/lessons/", include("lessons.urls")),
    path("<slug:course>/", include("quizzes.urls")),
    path("<slug:course>/", include("discussions.urls")),
]
