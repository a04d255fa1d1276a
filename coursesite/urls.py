from django.contrib import admin
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import (
    ThrottledPasswordResetView,
    invitation_accept,
    invitation_renew,
    oidc_callback,
    oidc_login,
    oidc_refused,
    set_language,
)
from coursesite.health import healthz, livez

# The course namespace (`courses:`): each app's pages under /courses/<course>/, mounted here, at the
# composition root, so that no app routes to another app's views and the layers stay one way.
course_pages = [
    path("", include("courses.urls")),
    path("<slug:course>/", include("lessons.course_urls")),
    # The student's own standing is the gradebook's page (`courses:progress`).
    path("<slug:course>/", include("gradebook.student_urls")),
    path("<slug:course>/lessons/", include("lessons.urls")),
    path("<slug:course>/", include("quizzes.urls")),
    path("<slug:course>/", include("discussions.urls")),
    path("<slug:course>/", include("gradebook.urls")),
    path("<slug:course>/studio/", include("studio.urls")),
    path("<slug:course>/", include("review.urls")),
]


def favicon(request):
    # The static file's own address (hashed in production, so it can be cached for a year).
    return HttpResponseRedirect(static("favicon.ico"))


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="courses:my_courses", permanent=False), name="home"),
    # Before Django's own: the same page and name, with the e-mails throttled.
    path("accounts/password_reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/invitation/<str:token>/", invitation_accept, name="invitation_accept"),
    path("accounts/invitation/<str:token>/renew/", invitation_renew, name="invitation_renew"),
    path("accounts/oidc/login/", oidc_login, name="oidc_authentication_init"),
    path("accounts/oidc/callback/", oidc_callback, name="oidc_authentication_callback"),
    path("accounts/oidc/refused/", oidc_refused, name="oidc_refused"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    # Browsers and feed readers ask for /favicon.ico whatever the pages say: send them to the static file.
    path("favicon.ico", favicon, name="favicon"),
    path("courses/", include((course_pages, "courses"))),
    path("notifications/", include("notifications.urls")),
    path("reminders/", include("reminders.urls")),
    path("lti/", include("lti.urls")),
]
