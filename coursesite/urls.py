from django.contrib import admin
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import ThrottledPasswordResetView, set_language
from coursesite.health import healthz, livez



def favicon(request):
    # The static file's own address (hashed in production, so it can be cached for a year).
    return HttpResponseRedirect(static("favicon.ico"))


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="courses:my_courses", permanent=False), name="home"),
    # Before Django's own: the same page and name, with the e-mails throttled.
    path("accounts/password_reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    # Browsers and feed readers ask for /favicon.ico whatever the pages say: send them to the static file.
    path("favicon.ico", favicon, name="favicon"),
    path("courses/", include("courses.urls")),
    path("notifications/", include("notifications.urls")),
    path("reminders/", include("reminders.urls")),
    path("lti/", include("lti.urls")),
]
