from django.urls import include, path

from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.my_courses, name="my_courses"),
    path("<slug:course>/", views.course_detail, name="detail"),
    # The student's own standing is the gradebook's page: its URL lives there (`courses:progress`).
    path("<slug:course>/", include("gradebook.student_urls")),
    path("<slug:course>/lessons/", include("lessons.urls")),
    path("<slug:course>/", include("quizzes.urls")),
    path("<slug:course>/", include("discussions.urls")),
    path("<slug:course>/", include("gradebook.urls")),
    path("<slug:course>/studio/", include("studio.urls")),
    path("<slug:course>/", include("review.urls")),
]
