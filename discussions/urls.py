from django.urls import path

from discussions import views

app_name = "discussions"

urlpatterns = [
    path("lessons/<slug:lesson>/discussion/", views.lesson_discussion, name="lesson"),
    path("discussion/<int:thread>/", views.thread_detail, name="thread"),
    path("discussion/<int:thread>/moderate/", views.thread_moderate, name="thread_moderate"),
    path("discussion/<int:thread>/follow/", views.thread_follow, name="follow"),
    path("discussion/posts/<int:post>/edit/", views.post_edit_view, name="post_edit"),
    path("discussion/posts/<int:post>/delete/", views.post_delete_view, name="post_delete"),
    path("discussion/posts/<int:post>/moderate/", views.post_moderate, name="post_moderate"),
    path("discussion/posts/<int:post>/history/", views.post_history, name="post_history"),
]
