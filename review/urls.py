from django.urls import path

from review import views

app_name = "review"

urlpatterns = [
    path("review/", views.review_index, name="index"),
    path("review/cards/<int:card>/", views.review_answer, name="answer"),
    path("review/settings/", views.review_settings, name="settings"),
]
