from django.urls import include, path

from courses import views
from gradebook.views import student_progress

app_name = "courses"

urlpatterns = [
    path("", views.my_courses, name="my_courses"),
    path("<slug:course>/", views.course_detail, name="detail"),
    # The student's own standing (grades, due dates, how the grade is computed) is the gradebook's.
    path("<slug:course>/progress/", student_progress, name="progress"),
    path("<slug:course>/lessons/", include("lessons.urls")),
    path("<slug:course>/", include("quizzes.urls")),
    path("<slug:course>/", include("discussions.urls")),
    path("<slug:course>/", include("gradebook.urls")),
    path("<slug:course>/studio/", include("studio.urls")),
    path("<slug:course>/", include("review.urls")),
]
