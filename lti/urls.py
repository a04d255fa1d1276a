from django.urls import path

from lti import views

app_name = "lti"

urlpatterns = [
    path("jwks/", views.jwks, name="jwks"),
    path("login/", views.login_initiation, name="login"),
    path("launch/", views.launch, name="launch"),
    path("deep-link/", views.deep_link, name="deep_link"),
    path("register/", views.register, name="register"),
    path("courses/<slug:course>/", views.registration, name="registration"),
    path("courses/<slug:course>/contexts/<int:context>/roster/", views.roster_sync, name="roster_sync"),
    path("courses/<slug:course>/registration-url/", views.registration_url_create, name="registration_url"),
    path("courses/<slug:course>/scores/<int:score>/resend/", views.score_resend, name="score_resend"),
]
