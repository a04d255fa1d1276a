from django.urls import path

from gradebook import views

app_name = "gradebook"

urlpatterns = [
    path("gradebook/", views.gradebook_index, name="index"),
    path("gradebook.csv", views.gradebook_csv, name="csv"),
    path("gradebook/settings/", views.scheme_settings, name="settings"),
    path("gradebook/students/<int:user_id>/", views.student_detail, name="student"),
    path("gradebook/quizzes/<slug:lesson>/", views.quiz_statistics, name="quiz"),
]

urlpatterns += [
    path("gradebook-fr.csv", views.gradebook_csv_french, name="csv_fr"),
    path("gradebook/items/", views.manual_items, name="items"),
    path("gradebook/items/<int:item_id>/", views.manual_item_edit, name="item"),
    path("gradebook/items/<int:item_id>/grades/", views.manual_grade_cell, name="item_grade"),
]
